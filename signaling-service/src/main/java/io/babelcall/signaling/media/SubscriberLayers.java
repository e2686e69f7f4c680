package io.babelcall.signaling.media;

import io.babelcall.common.signaling.MediaLayers;
import io.babelcall.common.signaling.SubscribeOffer.MediaStream;
import io.babelcall.signaling.media.janus.JanusClient;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The simulcast layer one participant wants of each other participant's video ({@code media-layers}), turned into the
 * multistream subscriber's {@code configure} (per {@code mid}: {@code substream} 2/1/0 for h/m/l, or
 * {@code send: false} for off). Layers asked for before a participant's video is in the subscription are kept and
 * applied when it comes. Used on its {@link SfuPeer}'s chain only, so not thread-safe.
 */
final class SubscriberLayers {

    /** Wishes kept for participants not (yet) in the subscription, at most this many. */
    private static final int MAX_WANTED = 2 * MediaLayers.MAX_LAYERS;

    private final Map<String, String> wanted = new LinkedHashMap<>();
    private final Map<String, String> videoMids = new HashMap<>();
    /** The subscriber handle the browser answered on: wishes are configured on it from then on. */
    private long startedOn;

    /**
     * Records {@code layers} (participant id -> layer) and, once the subscription is started, configures the changed
     * ones on {@code subscriber}.
     */
    CompletableFuture<?> want(Map<String, String> layers, JanusClient janus, long subscriber) {
        List<String> changed = layers.entrySet().stream()
                .filter(e -> !e.getValue().equals(wanted.get(e.getKey()))).map(Map.Entry::getKey).toList();
        wanted.putAll(layers);
        if (wanted.size() > MAX_WANTED) {
            wanted.keySet().removeIf(id -> !videoMids.containsKey(id) && !layers.containsKey(id));
        }
        return subscriber != 0 && subscriber == startedOn ? apply(janus, subscriber, configure(janus, changed)) : done();
    }

    /** The browser answered: the subscription is started, every wish with a stream is configured. */
    CompletableFuture<?> started(JanusClient janus, long subscriber) {
        startedOn = subscriber;
        return apply(janus, subscriber, configure(janus, wanted.keySet()));
    }

    private static CompletableFuture<?> apply(JanusClient janus, long subscriber, ObjectNode body) {
        return body == null ? done() : janus.request(subscriber, body, null);
    }

    private static CompletableFuture<?> done() {
        return CompletableFuture.completedFuture(null);
    }

    /** The subscription's streams changed (a new offer): which mid carries whose video. */
    void streams(List<MediaStream> streams) {
        videoMids.clear();
        for (MediaStream s : streams) {
            if ("video".equals(s.kind())) {
                videoMids.put(s.participantId(), s.mid());
            }
        }
    }

    /** The {@code configure} request for {@code participantIds}' videos in the subscription; null when none is. */
    private ObjectNode configure(JanusClient janus, Collection<String> participantIds) {
        ArrayNode streams = janus.array();
        for (String id : participantIds) {
            String mid = videoMids.get(id);
            String layer = wanted.get(id);
            if (mid == null || layer == null) {
                continue;
            }
            ObjectNode s = streams.addObject().put("mid", mid).put("send", !MediaLayers.OFF.equals(layer));
            switch (layer) {
                case MediaLayers.HIGH -> s.put("substream", 2).put("temporal", 2);
                case MediaLayers.MEDIUM -> s.put("substream", 1).put("temporal", 2);
                case MediaLayers.LOW -> s.put("substream", 0).put("temporal", 2);
                default -> { } // off: not sent at all
            }
        }
        if (streams.isEmpty()) {
            return null;
        }
        ObjectNode body = janus.body("configure");
        body.set("streams", streams);
        return body;
    }
}
