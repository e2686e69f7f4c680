package io.babelcall.signaling.session;

import io.babelcall.common.signaling.Answer;
import io.babelcall.common.signaling.Chat;
import io.babelcall.common.signaling.ClientMessage;
import io.babelcall.common.signaling.ErrorMessage;
import io.babelcall.common.signaling.Ice;
import io.babelcall.common.signaling.IceCandidate;
import io.babelcall.common.signaling.LanguageUpdate;
import io.babelcall.common.signaling.Leave;
import io.babelcall.common.signaling.MediaIce;
import io.babelcall.common.signaling.MediaLayers;
import io.babelcall.common.signaling.MediaUpdate;
import io.babelcall.common.signaling.Offer;
import io.babelcall.common.signaling.Ping;
import io.babelcall.common.signaling.Pong;
import io.babelcall.common.signaling.Publish;
import io.babelcall.common.signaling.SubscribeAnswer;
import io.babelcall.common.text.UnicodeText;
import io.babelcall.signaling.config.SignalingProperties;
import io.babelcall.signaling.metrics.SignalingMetrics;
import io.babelcall.support.json.ClientJson;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectReader;

/**
 * One client text message to the part that handles it: the rate limit, then the relay fast path
 * ({@link RelayFastPath}, no databind) or the strict full parser, whose refusals become {@code error} messages
 * ({@link InboundErrors}); then each message type to its handler. A {@link ClientMessage.Handler}, so a new message
 * type does not compile until it is routed here. Runs on the sender's frame thread, one message at a time per socket.
 */
final class MessageDispatcher implements ClientMessage.Handler<LocalSession> {

    private final SignalingProperties props;
    private final SignalingMetrics metrics;
    private final ObjectReader reader;
    private final Outbound out;
    private final RelayRouter relays;
    private final ParticipantUpdates updates;
    private final SessionLifecycle lifecycle;
    private final MediaSignaling media;

    MessageDispatcher(SignalingProperties props, SignalingMetrics metrics, ObjectMapper json, Outbound out,
                      RelayRouter relays, ParticipantUpdates updates, SessionLifecycle lifecycle,
                      MediaSignaling media) {
        this.props = props;
        this.metrics = metrics;
        // Strict: a string that is not valid Unicode is refused (invalid_field) before it can reach any socket.
        this.reader = ClientJson.strict(json).readerFor(ClientMessage.class)
                .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.out = out;
        this.relays = relays;
        this.updates = updates;
        this.lifecycle = lifecycle;
        this.media = media;
    }

    void text(LocalSession s, String text, long t0) {
        if (!admitted(s, t0)) {
            return;
        }
        if (!startsAsObject(text)) {
            metrics.messageIn("invalid");
            out.error(s, "invalid_json", "a message is one JSON object");
            return;
        }
        RelayFastPath.Relay fast = RelayFastPath.parse(text, s.fromField());
        if (fast != null) {
            // The common case (offer/answer/ice, well formed): no databind, serialized once.
            metrics.messageIn(fast.type());
            relays.relay(s, fast.to(), fast.json(), fast.type(), t0);
            return;
        }
        ClientMessage m;
        try {
            m = reader.readValue(text);
        } catch (JacksonException e) {
            metrics.messageIn("invalid");
            ErrorMessage error = InboundErrors.of(e);
            out.error(s, error.code(), error.message());
            return;
        }
        if (m == null) {
            metrics.messageIn("invalid");
            out.error(s, "invalid_json", "not a JSON object");
            return;
        }
        m.dispatchTo(this, s); // handlers take the arrival time from s.lastInboundNanos (t0)
    }

    @Override
    public void offer(Offer offer, LocalSession s) {
        metrics.messageIn("offer");
        if (sdpProblem(s, "offer", offer.sdp())) {
            return;
        }
        relays.relay(s, offer.to(), out.json(offer.relayedFrom(s.participantId)), "offer", s.lastInboundNanos);
    }

    @Override
    public void answer(Answer answer, LocalSession s) {
        metrics.messageIn("answer");
        if (sdpProblem(s, "answer", answer.sdp())) {
            return;
        }
        relays.relay(s, answer.to(), out.json(answer.relayedFrom(s.participantId)), "answer", s.lastInboundNanos);
    }

    @Override
    public void ice(Ice ice, LocalSession s) {
        metrics.messageIn("ice");
        IceCandidate c = ice.candidate();
        if (c != null && (unprintable(c.candidate()) || unprintable(c.sdpMid())
                || unprintable(c.usernameFragment()))) {
            out.error(s, "invalid_field", "'candidate' has control characters");
            return;
        }
        relays.relay(s, ice.to(), out.json(ice.relayedFrom(s.participantId)), "ice", s.lastInboundNanos);
    }

    @Override
    public void chat(Chat chat, LocalSession s) {
        metrics.messageIn("chat");
        updates.chat(s, chat);
    }

    @Override
    public void media(MediaUpdate media, LocalSession s) {
        metrics.messageIn("media");
        updates.media(s, media);
        if (media.audio() != null) {
            this.media.microphone(s, media.audio()); // SFU rooms: a mute stops the speech tap at once
        }
    }

    @Override
    public void language(LanguageUpdate language, LocalSession s) {
        metrics.messageIn("language");
        updates.language(s, language);
    }

    @Override
    public void leave(Leave leave, LocalSession s) {
        metrics.messageIn("leave");
        lifecycle.leave(s);
    }

    @Override
    public void ping(Ping ping, LocalSession s) {
        metrics.messageIn("ping");
        out.send(s, "pong", new Pong(ping.ts()));
    }

    @Override
    public void publish(Publish publish, LocalSession s) {
        metrics.messageIn("publish");
        media.publish(s, publish);
    }

    @Override
    public void subscribeAnswer(SubscribeAnswer answer, LocalSession s) {
        metrics.messageIn("subscribe-answer");
        media.subscribeAnswer(s, answer);
    }

    @Override
    public void mediaIce(MediaIce ice, LocalSession s) {
        metrics.messageIn("media-ice");
        media.ice(s, ice);
    }

    @Override
    public void mediaLayers(MediaLayers layers, LocalSession s) {
        metrics.messageIn("media-layers");
        media.layers(s, layers);
    }

    void binary(LocalSession s) {
        if (!admitted(s, System.nanoTime())) {
            return;
        }
        metrics.messageIn("binary");
        out.error(s, "binary_not_supported", "this socket takes JSON text messages only");
    }

    /**
     * Whether a frame of an open session is within the session's rate limit; past it, the session is told and closed.
     * Every frame counts, binary ones too: each is answered, so an uncounted kind would be a flood the limit misses.
     */
    private boolean admitted(LocalSession s, long t0) {
        s.lastInboundNanos = t0;
        if (s.state != LocalSession.State.OPEN) {
            return false;
        }
        if (!s.bucket.tryTake(t0)) {
            metrics.dropped("rate_limit");
            out.error(s, "rate_limited", "more than " + props.rateLimit().perSecond() + " messages/s (burst "
                    + props.rateLimit().burst() + "); closing");
            out.close(s, CloseCodes.POLICY, "rate limit exceeded", "rate_limit");
            return false;
        }
        return true;
    }

    void ping(LocalSession s) {
        var unused = admitted(s, System.nanoTime());
    }

    void tooBig(LocalSession s) {
        metrics.messageIn("invalid");
        out.close(s, CloseCodes.TOO_BIG, "message over " + props.maxMessageBytes() + " bytes", "too_big");
    }

    private boolean sdpProblem(LocalSession s, String type, String sdp) {
        if (sdp == null) {
            out.error(s, "missing_field", type + " needs 'sdp'");
            return true;
        }
        if (unprintable(sdp)) {
            out.error(s, "invalid_field", "'sdp' has control characters");
            return true;
        }
        return false;
    }

    /** Control characters (but CR, LF, tab) in an SDP or candidate: no browser sends them. */
    private static boolean unprintable(String field) {
        return field != null && !UnicodeText.isPrintableText(field);
    }

    private static boolean startsAsObject(String text) {
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (c == '{') {
                return true;
            }
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                return false;
            }
        }
        return false;
    }
}
