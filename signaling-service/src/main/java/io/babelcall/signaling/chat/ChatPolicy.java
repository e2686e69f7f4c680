package io.babelcall.signaling.chat;

import io.babelcall.common.signaling.Chat;
import io.babelcall.common.text.UnicodeText;
import java.time.Clock;
import java.util.UUID;

/**
 * Cleans and validates a chat line and stamps it with the sender, a server timestamp and a server id. Controls (NUL,
 * escape sequences, C1) and bidi overrides/isolates are removed rather than refused: they are invisible, so the
 * sender would not know what to fix, and left in they can make a line read differently from what was typed.
 * Line breaks and tabs stay.
 */
public final class ChatPolicy {

    private final Clock clock;

    public ChatPolicy(Clock clock) {
        this.clock = clock;
    }

    /** The text others will see: {@code text} without controls and bidi overrides (null stays null). */
    public static String clean(String text) {
        return text == null ? null : UnicodeText.stripControls(text, true);
    }

    /** Null when the cleaned text is valid, else the error message for {@code invalid_field}/{@code missing_field}. */
    public static String problem(String cleaned) {
        if (cleaned == null || cleaned.isBlank()) {
            return "chat needs a non-empty 'text'";
        }
        if (cleaned.length() > Chat.MAX_TEXT_LENGTH) {
            return "chat 'text' is longer than " + Chat.MAX_TEXT_LENGTH + " characters";
        }
        return null;
    }

    public Chat stamp(String cleaned, String sender) {
        return new Chat(sender, cleaned, clock.instant(), UUID.randomUUID().toString());
    }
}
