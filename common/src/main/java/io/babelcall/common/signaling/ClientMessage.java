package io.babelcall.common.signaling;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * A message a browser sends on its signaling WebSocket. JSON objects discriminated by {@code type}; see
 * {@code docs/signaling.md} for the exact protocol.
 *
 * <p>Sealed, and handled through {@link Handler}: a new message type does not compile until every handler says what
 * it does with it, so none can be ignored by accident.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(Offer.class),
        @JsonSubTypes.Type(Answer.class),
        @JsonSubTypes.Type(Ice.class),
        @JsonSubTypes.Type(Chat.class),
        @JsonSubTypes.Type(MediaUpdate.class),
        @JsonSubTypes.Type(LanguageUpdate.class),
        @JsonSubTypes.Type(Leave.class),
        @JsonSubTypes.Type(Ping.class),
        @JsonSubTypes.Type(Publish.class),
        @JsonSubTypes.Type(SubscribeAnswer.class),
        @JsonSubTypes.Type(MediaIce.class),
        @JsonSubTypes.Type(MediaLayers.class)
})
public sealed interface ClientMessage permits Offer, Answer, Ice, Chat, MediaUpdate, LanguageUpdate, Leave, Ping,
        Publish, SubscribeAnswer, MediaIce, MediaLayers {

    /** Calls the method of {@code handler} for this message's type, with {@code context} (e.g. the sender). */
    <C> void dispatchTo(Handler<C> handler, C context);

    /** What a receiver does with each client message type. */
    interface Handler<C> {

        void offer(Offer offer, C context);

        void answer(Answer answer, C context);

        void ice(Ice ice, C context);

        void chat(Chat chat, C context);

        void media(MediaUpdate media, C context);

        void language(LanguageUpdate language, C context);

        void leave(Leave leave, C context);

        void ping(Ping ping, C context);

        void publish(Publish publish, C context);

        void subscribeAnswer(SubscribeAnswer answer, C context);

        void mediaIce(MediaIce ice, C context);

        void mediaLayers(MediaLayers layers, C context);
    }
}
