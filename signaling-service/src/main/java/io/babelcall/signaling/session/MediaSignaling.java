package io.babelcall.signaling.session;

import io.babelcall.common.signaling.IceCandidate;
import io.babelcall.common.signaling.MediaIce;
import io.babelcall.common.signaling.MediaLayers;
import io.babelcall.common.signaling.MediaState;
import io.babelcall.common.signaling.Publish;
import io.babelcall.common.signaling.PublishAnswer;
import io.babelcall.common.signaling.SubscribeAnswer;
import io.babelcall.common.signaling.SubscribeOffer;
import io.babelcall.common.signaling.Talking;
import io.babelcall.common.text.UnicodeText;
import io.babelcall.signaling.media.SfuPeer;
import io.babelcall.signaling.media.SfuRooms;
import io.babelcall.signaling.media.tap.SpeechTaps;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The signaling side of SFU calls: each participant gets an {@link SfuPeer} when its socket opens (it joins the
 * room's VideoRoom and starts receiving the others), and its {@code publish}, {@code subscribe-answer},
 * {@code media-ice} and {@code media-layers} messages go to it; the SFU's answers, offers, talking events and state come back as messages on
 * the socket. Without an SFU ({@code sfu == null}) rooms use the mesh and these messages are refused. Runs on the
 * sender's frame thread; the peer does its Janus work on its own chain.
 */
final class MediaSignaling {

    private static final Set<String> LAYERS =
            Set.of(MediaLayers.HIGH, MediaLayers.MEDIUM, MediaLayers.LOW, MediaLayers.OFF);

    private final SfuRooms sfu;
    private final SpeechTaps taps;
    private final Outbound out;
    private final ObjectMapper json;

    MediaSignaling(SfuRooms sfu, SpeechTaps taps, Outbound out, ObjectMapper json) {
        this.sfu = sfu;
        this.taps = taps;
        this.out = out;
        this.json = json;
    }

    boolean enabled() {
        return sfu != null;
    }

    void opened(LocalSession s) {
        if (sfu == null) {
            return;
        }
        SfuPeer peer = new SfuPeer(sfu, taps, s.roomId, s.participantId, s.participant.displayName(), new ToSocket(s));
        s.sfu = peer;
        peer.join();
    }

    void closed(LocalSession s) {
        SfuPeer peer = s.sfu;
        if (peer != null) {
            s.sfu = null;
            peer.close();
        }
    }

    /** The participant's microphone (from {@code media}): off stops its speech tap, on lets it run again. */
    void microphone(LocalSession s, boolean on) {
        SfuPeer peer = s.sfu;
        if (peer != null) {
            peer.microphone(on);
        }
    }

    void publish(LocalSession s, Publish p) {
        SfuPeer peer = peer(s);
        if (peer != null && validSdp(s, p.sdp())) {
            peer.publish(p.sdp());
        }
    }

    void subscribeAnswer(LocalSession s, SubscribeAnswer a) {
        SfuPeer peer = peer(s);
        if (peer != null && validSdp(s, a.sdp())) {
            peer.subscribeAnswer(a.sdp());
        }
    }

    void ice(LocalSession s, MediaIce ice) {
        SfuPeer peer = peer(s);
        if (peer == null) {
            return;
        }
        boolean publishing = MediaIce.PUBLISH.equals(ice.pc());
        if (!publishing && !MediaIce.SUBSCRIBE.equals(ice.pc())) {
            out.error(s, ice.pc() == null ? "missing_field" : "invalid_field",
                    "media-ice needs 'pc': 'publish' or 'subscribe'");
            return;
        }
        IceCandidate c = ice.candidate();
        if (c != null && !(printable(c.candidate()) && printable(c.sdpMid()) && printable(c.usernameFragment()))) {
            out.error(s, "invalid_field", "'candidate' has control characters");
            return;
        }
        JsonNode candidate = c == null ? null : json.valueToTree(c);
        peer.ice(publishing, candidate);
    }

    void layers(LocalSession s, MediaLayers m) {
        SfuPeer peer = peer(s);
        if (peer == null) {
            return;
        }
        if (m.layers() == null) {
            out.error(s, "missing_field", "media-layers needs 'layers'");
            return;
        }
        if (m.layers().isEmpty() || m.layers().size() > MediaLayers.MAX_LAYERS) {
            out.error(s, "invalid_field", "'layers' must hold 1 to " + MediaLayers.MAX_LAYERS + " entries");
            return;
        }
        Map<String, String> wanted = new LinkedHashMap<>();
        for (MediaLayers.Layer l : m.layers()) {
            if (l == null || l.participantId() == null || l.layer() == null) {
                out.error(s, "missing_field", "each of 'layers' needs 'participantId' and 'layer'");
                return;
            }
            if (l.participantId().isEmpty() || l.participantId().length() > 128
                    || !UnicodeText.isPrintableText(l.participantId())) {
                out.error(s, "invalid_field", "'layers[].participantId' must be a participant id");
                return;
            }
            if (!LAYERS.contains(l.layer())) {
                out.error(s, "invalid_field", "'layers[].layer' must be h, m, l or off");
                return;
            }
            wanted.put(l.participantId(), l.layer());
        }
        peer.layers(wanted);
    }

    private SfuPeer peer(LocalSession s) {
        SfuPeer peer = s.sfu;
        if (peer == null) {
            out.error(s, "media_unavailable", sfu == null
                    ? "this room's media is peer to peer (no SFU configured)" : "not joined to the media server");
        }
        return peer;
    }

    private boolean validSdp(LocalSession s, String sdp) {
        if (sdp == null || sdp.isBlank()) {
            out.error(s, "missing_field", "needs 'sdp'");
            return false;
        }
        if (!UnicodeText.isPrintableText(sdp) || !sdp.startsWith("v=0")) {
            out.error(s, "invalid_sdp", "'sdp' is not an SDP session description");
            return false;
        }
        return true;
    }

    private static boolean printable(String field) {
        return field == null || UnicodeText.isPrintableText(field);
    }

    /** The SFU's side of the negotiation, to this participant's socket. */
    private final class ToSocket implements SfuPeer.Listener {

        private final LocalSession s;

        ToSocket(LocalSession s) {
            this.s = s;
        }

        @Override
        public void publishAnswer(String sdp) {
            out.send(s, "publish-answer", new PublishAnswer(sdp));
        }

        @Override
        public void subscribeOffer(String sdp, List<SubscribeOffer.MediaStream> streams) {
            out.send(s, "subscribe-offer", new SubscribeOffer(sdp, streams));
        }

        @Override
        public void talking(String participantId, boolean talking) {
            out.send(s, "talking", new Talking(participantId, talking));
        }

        @Override
        public void error(String code, String message) {
            out.error(s, code, message);
        }

        @Override
        public void state(String state, String reason) {
            out.send(s, "media-state", new MediaState(state, reason));
        }
    }
}
