package io.babelcall.signaling.media;

import io.babelcall.common.signaling.MediaState;
import io.babelcall.common.signaling.SubscribeOffer.MediaStream;
import io.babelcall.signaling.media.janus.JanusClient;
import io.babelcall.signaling.media.janus.JanusException;
import io.babelcall.signaling.media.janus.JanusHandleListener;
import io.babelcall.signaling.media.tap.SpeechTaps;
import io.babelcall.support.logging.CallLog;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One participant on the SFU: a publisher handle (joined to the room's VideoRoom under the participant's own id,
 * which also receives the room's events) and one multistream subscriber handle receiving every other publisher.
 * The browser never talks to Janus: it sends its offer, answer and candidates here, and the SFU's answer and offers
 * go back through the {@link Listener}.
 *
 * <p>Every operation, whether asked by the browser or caused by a Janus event, is queued on one chain, so requests
 * on the handles never overlap; the chain runs on whichever thread completes the previous step (Janus client or
 * Lettuce threads), never on the caller's.
 */
public final class SfuPeer {

    private static final Logger log = LoggerFactory.getLogger(SfuPeer.class);

    /** VideoRoom error codes this class turns into client errors. */
    static final int NO_SUCH_ROOM = 426;
    static final int TOO_MANY_PUBLISHERS = 432;
    static final int INVALID_SDP = 465;

    /** Where the SFU's side of the negotiation goes (the participant's signaling socket). */
    public interface Listener {

        void publishAnswer(String sdp);

        void subscribeOffer(String sdp, List<MediaStream> streams);

        void talking(String participantId, boolean talking);

        /** A refused request: {@code code} is a documented signaling error code; the socket stays open. */
        void error(String code, String message);

        /** The media path changed state ({@code MediaState}). */
        void state(String state, String reason);
    }

    private final SfuRooms rooms;
    private final String roomId;
    private final String participantId;
    private final String displayName;
    private final Listener listener;
    /** The published audio's speech tap (runs on this peer's chain). */
    private final PublisherTap tap;
    private final Set<String> subscribed = new LinkedHashSet<>();
    private final SubscriberLayers layers = new SubscriberLayers();
    private final HangupGate hangups = new HangupGate();
    private CompletableFuture<?> chain = CompletableFuture.completedFuture(null);
    private SfuRooms.Placement placement;
    private long publisher;
    private long subscriber;
    private long privateId;
    private boolean published;
    private volatile boolean publisherUp;
    private long publishAttempt;
    private boolean closed;

    public SfuPeer(SfuRooms rooms, SpeechTaps taps, String roomId, String participantId, String displayName,
                   Listener listener) {
        this.rooms = rooms;
        this.tap = new PublisherTap(taps, roomId, participantId);
        this.roomId = roomId;
        this.participantId = participantId;
        this.displayName = displayName;
        this.listener = listener;
    }

    /** Joins the room (without publishing) and starts receiving everyone who publishes. */
    public void join() {
        enqueue(this::ensureJoined);
    }

    /** Negotiates the participant's publishing PeerConnection (first publish, or a renegotiation/ICE restart). */
    public void publish(String sdp) {
        enqueue(() -> hangups.ready().thenCompose(r -> ensureJoined()).thenCompose(v -> {
            ObjectNode body = placement.janus().body(published ? "configure" : "publish").put("display", displayName);
            return placement.janus().request(publisher, body, jsep("offer", sdp));
        }).thenAccept(reply -> {
            published = true;
            publisherUp = false;
            long attempt = ++publishAttempt;
            if (reply.jsep() != null) {
                listener.publishAnswer(reply.jsep().path("sdp").asString());
            }
            tap.published(placement.janus(), publisher, Sdp.firstMid(sdp, "audio"));
            rooms.afterIceTimeout(() -> enqueue(() -> iceTimedOut(attempt)));
        }));
    }

    /** A publishing PeerConnection still not up: free its SFU resources and tell the page. */
    private CompletableFuture<?> iceTimedOut(long attempt) {
        if (publisherUp || attempt != publishAttempt || publisher == 0 || !published) {
            return CompletableFuture.completedFuture(null);
        }
        published = false;
        tap.stop();
        listener.state(MediaState.FAILED, "the media connection did not come up");
        hangups.hangingUp(); // not "unpublish": Janus counts a publisher as published only once its PC is up
        return placement.janus().hangup(publisher);
    }

    /** The browser's answer to the last subscription offer. */
    public void subscribeAnswer(String sdp) {
        enqueue(() -> {
            if (subscriber == 0) {
                listener.error("invalid_message", "no subscription offer to answer");
                return CompletableFuture.completedFuture(null);
            }
            return placement.janus().request(subscriber, placement.janus().body("start"), jsep("answer", sdp))
                    .thenCompose(r -> layers.started(placement.janus(), subscriber));
        });
    }

    /** The simulcast layer this participant wants of others' videos (participant id -> h, m, l or off). */
    public void layers(Map<String, String> wanted) {
        enqueue(() -> layers.want(wanted, placement == null ? null : placement.janus(), subscriber));
    }

    /** A trickled candidate of the publishing ({@code publish}) or receiving ({@code subscribe}) PeerConnection. */
    public void ice(boolean publishing, JsonNode candidate) {
        enqueue(() -> {
            long handle = publishing ? publisher : subscriber;
            if (handle == 0) {
                listener.error("invalid_message", "that PeerConnection has not been negotiated yet");
                return CompletableFuture.completedFuture(null);
            }
            return placement.janus().trickle(handle, candidate);
        });
    }

    /** Leaves the SFU: both handles detached (Janus tells the others), the VideoRoom destroyed if now empty. */
    public void close() {
        enqueue(() -> {
            closed = true;
            tap.stop();
            if (placement == null) {
                return CompletableFuture.completedFuture(null);
            }
            JanusClient janus = placement.janus();
            List<CompletableFuture<?>> detached = new ArrayList<>();
            for (long h : new long[] {subscriber, publisher}) {
                if (h != 0 && janus.isConnected()) {
                    detached.add(janus.detach(h).exceptionally(e -> null));
                }
            }
            subscriber = 0;
            publisher = 0;
            return CompletableFuture.allOf(detached.toArray(CompletableFuture[]::new))
                    .thenCompose(v -> rooms.releaseIfEmpty(roomId, participantId));
        });
    }

    /**
     * The participant's microphone was turned off or on: off stops the speech tap at once (nothing said while muted is
     * transcribed, and the utterance in progress ends), on starts it again if the participant publishes audio.
     */
    public void microphone(boolean on) {
        enqueue(() -> {
            tap.microphone(on, published && publisher != 0 ? placement.janus() : null, publisher);
            return CompletableFuture.completedFuture(null);
        });
    }

    // ---------------------------------------------------------------- joining and receiving

    private CompletableFuture<Void> ensureJoined() {
        if (publisher != 0 && placement != null && placement.janus().isConnected()) {
            return CompletableFuture.completedFuture(null);
        }
        published = false;
        subscriber = 0;
        subscribed.clear();
        return rooms.place(roomId)
                .thenCompose(p -> {
                    placement = p;
                    return p.janus().attach(JanusClient.VIDEOROOM, new PublisherEvents());
                })
                .thenCompose(h -> {
                    publisher = h;
                    ObjectNode join = placement.janus().body("join").put("ptype", "publisher").put("room", roomId)
                            .put("id", participantId).put("display", displayName);
                    return placement.janus().request(h, join, null);
                })
                .thenCompose(reply -> {
                    privateId = reply.data().path("private_id").asLong(0); // Janus wants it back as a number
                    listener.state(MediaState.CONNECTED, null);
                    return subscribe(feeds(reply.data().path("publishers")));
                });
    }

    /** Adds {@code feeds} to the subscription (creating it on first use); the new offer goes to the browser. */
    private CompletableFuture<Void> subscribe(List<String> feeds) {
        List<String> fresh = new ArrayList<>();
        for (String f : feeds) {
            if (!f.equals(participantId) && !subscribed.contains(f)) {
                fresh.add(f);
            }
        }
        if (fresh.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        JanusClient janus = placement.janus();
        ArrayNode streams = janus.array();
        for (String f : fresh) {
            streams.addObject().put("feed", f);
        }
        CompletableFuture<JanusClient.Reply> reply;
        if (subscriber == 0) {
            reply = janus.attach(JanusClient.VIDEOROOM, new SubscriberEvents()).thenCompose(h -> {
                subscriber = h;
                ObjectNode join = janus.body("join").put("ptype", "subscriber").put("room", roomId)
                        .put("autoupdate", true).put("use_msid", false);
                if (privateId != 0) {
                    join.put("private_id", privateId);
                }
                join.set("streams", streams);
                return janus.request(h, join, null).whenComplete((r, e) -> {
                    if (e != null && subscriber == h) { // never joined: the next attempt subscribes anew
                        subscriber = 0;
                        subscribed.clear();
                        janus.detach(h).exceptionally(x -> null);
                    }
                });
            });
        } else {
            ObjectNode update = janus.body("update");
            update.set("subscribe", streams);
            reply = janus.request(subscriber, update, null);
        }
        subscribed.addAll(fresh);
        return reply.thenAccept(r -> offer(r.data(), r.jsep()));
    }

    private void offer(JsonNode data, JsonNode jsep) {
        if (jsep == null || !"offer".equals(jsep.path("type").asString())) {
            return; // no change to negotiate, or postponed: Janus sends the offer later as an event
        }
        List<MediaStream> streams = new ArrayList<>();
        for (JsonNode s : data.path("streams")) {
            if (s.path("active").asBoolean(true) && s.hasNonNull("feed_id")) {
                streams.add(new MediaStream(s.path("mid").asString(), s.path("feed_id").asString(),
                        s.path("type").asString()));
            }
        }
        layers.streams(streams);
        listener.subscribeOffer(jsep.path("sdp").asString(), streams);
    }

    private static List<String> feeds(JsonNode publishers) {
        List<String> out = new ArrayList<>();
        for (JsonNode p : publishers) {
            if (!p.path("dummy").asBoolean(false)) {
                out.add(p.path("id").asString());
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- Janus events

    /** The room as this participant's publisher handle sees it. */
    private final class PublisherEvents implements JanusHandleListener {

        @Override
        public void onEvent(JsonNode data, JsonNode jsep) {
            String kind = data.path("videoroom").asString();
            if ("talking".equals(kind) || "stopped-talking".equals(kind)) {
                listener.talking(data.path("id").asString(), "talking".equals(kind));
                return;
            }
            if ("destroyed".equals(kind)) {
                enqueue(() -> {
                    publisher = 0;
                    tap.stop();
                    listener.state(MediaState.RESTART, "the call's media room was closed");
                    return CompletableFuture.completedFuture(null);
                });
                return;
            }
            if (data.has("publishers")) {
                List<String> feeds = feeds(data.path("publishers"));
                enqueue(() -> subscribe(feeds));
            }
            String gone = data.hasNonNull("unpublished") ? data.path("unpublished").asString()
                    : data.hasNonNull("leaving") ? data.path("leaving").asString() : null;
            if (gone != null && !"ok".equals(gone)) {
                // Janus updates the subscription itself (autoupdate) and sends the new offer on the subscriber.
                enqueue(() -> {
                    subscribed.remove(gone);
                    return CompletableFuture.completedFuture(null);
                });
            }
        }

        @Override
        public void onWebRtcUp() {
            publisherUp = true;
        }

        @Override
        public void onHangup(String reason) {
            publisherUp = false;
            hangups.hungUp();
            log.debug("publisher PeerConnection of {} in room {} hung up: {}", participantId, roomId, reason);
        }

        @Override
        public void onDetached() {
            enqueue(() -> {
                if (!closed && publisher != 0) {
                    // The node or the session went away: the browser must publish again (the room moves).
                    publisher = 0;
                    subscriber = 0;
                    tap.stop();
                    listener.state(MediaState.RESTART, "the media server was lost");
                }
                return CompletableFuture.completedFuture(null);
            });
        }
    }

    /** Renegotiations Janus starts on the subscription (a publisher left, a postponed update). */
    private final class SubscriberEvents implements JanusHandleListener {

        @Override
        public void onEvent(JsonNode data, JsonNode jsep) {
            if (jsep != null) {
                enqueue(() -> {
                    offer(data, jsep);
                    return CompletableFuture.completedFuture(null);
                });
            }
        }
    }

    // ---------------------------------------------------------------- plumbing

    private synchronized void enqueue(Supplier<CompletableFuture<?>> step) {
        chain = chain.exceptionally(e -> null).thenCompose(v -> {
            if (closed) {
                return CompletableFuture.completedFuture(null);
            }
            try (CallLog.Scope ignored = CallLog.scope(roomId, participantId)) {
                return step.get().handle((r, e) -> e == null ? null : failed(e));
            } catch (RuntimeException e) {
                failed(e);
                return CompletableFuture.completedFuture(null);
            }
        });
    }

    private Object failed(Throwable e) {
        try (CallLog.Scope ignored = CallLog.scope(roomId, participantId)) { // the caller may be another thread
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof JanusException j) {
                switch (j.code()) {
                    case INVALID_SDP -> listener.error("invalid_sdp", "the SDP could not be negotiated");
                    case TOO_MANY_PUBLISHERS -> listener.error("room_full",
                            "this call has as many publishers as it takes");
                    case NO_SUCH_ROOM -> {
                        publisher = 0; // the room was destroyed meanwhile: the next request creates it again
                        listener.error("media_unavailable", "the call's media room is gone; publish again");
                    }
                    case 0 -> listener.state(MediaState.UNAVAILABLE, "no media server reachable");
                    default -> listener.error("media_error", "the media server refused the request (" + j.code()
                            + ")");
                }
            } else {
                listener.error("media_error", "the media server did not answer");
            }
            log.warn("SFU request of {} in room {} failed: {}", participantId, roomId, cause.toString());
        }
        return null;
    }

    private ObjectNode jsep(String type, String sdp) {
        return placement.janus().jsep(type, sdp);
    }
}
