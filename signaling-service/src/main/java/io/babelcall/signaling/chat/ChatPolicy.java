package io.babelcall.signaling.chat;

import io.babelcall.common.signaling.Chat;
import java.time.Clock;
import java.util.UUID;

/** Validates a chat line and stamps it with the sender, a server timestamp and a server id. */
public final class ChatPolicy {

    private final Clock clock;

    public ChatPolicy(Clock clock) {
        this.clock = clock;
    }

    /** Null when valid, else the error message for {@code invalid_field}/{@code missing_field}. */
    public static String problem(Chat in) {
        if (in.text() == null || in.text().isBlank()) {
            return "chat needs a non-empty 'text'";
        }
        if (in.text().length() > Chat.MAX_TEXT_LENGTH) {
            return "chat 'text' is longer than " + Chat.MAX_TEXT_LENGTH + " characters";
        }
        return null;
    }

    public Chat stamp(Chat in, String sender) {
        return new Chat(sender, in.text(), clock.instant(), UUID.randomUUID().toString());
    }
}
