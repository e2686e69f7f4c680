package io.babelcall.signaling.media;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * SDP offers shaped like a browser's (BUNDLE, rtcp-mux, ICE credentials, a DTLS fingerprint, Opus audio and VP8
 * video): enough for Janus to negotiate and answer. No media ever flows from them: ICE cannot complete.
 */
final class SyntheticSdp {

    private static final SecureRandom RANDOM = new SecureRandom();

    private SyntheticSdp() {
    }

    /** A send-only offer of one audio (mid 0) and one video (mid 1) stream, as a publisher sends it. */
    static String publisherOffer() {
        String ufrag = token(8);
        String pwd = token(24);
        String fingerprint = HexFormat.ofDelimiter(":").withUpperCase().formatHex(bytes(32));
        long sessionId = Math.abs(RANDOM.nextLong() % 1_000_000_000_000L);
        return String.join("\r\n",
                "v=0",
                "o=- " + sessionId + " 2 IN IP4 127.0.0.1",
                "s=-",
                "t=0 0",
                "a=group:BUNDLE 0 1",
                "a=extmap-allow-mixed",
                "a=msid-semantic: WMS stream",
                "m=audio 9 UDP/TLS/RTP/SAVPF 111",
                "c=IN IP4 0.0.0.0",
                "a=rtcp:9 IN IP4 0.0.0.0",
                "a=ice-ufrag:" + ufrag,
                "a=ice-pwd:" + pwd,
                "a=ice-options:trickle",
                "a=fingerprint:sha-256 " + fingerprint,
                "a=setup:actpass",
                "a=mid:0",
                "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level",
                "a=sendonly",
                "a=msid:stream audio0",
                "a=rtcp-mux",
                "a=rtpmap:111 opus/48000/2",
                "a=rtcp-fb:111 transport-cc",
                "a=fmtp:111 minptime=10;useinbandfec=1",
                "a=ssrc:1111 cname:babelcall",
                "m=video 9 UDP/TLS/RTP/SAVPF 96",
                "c=IN IP4 0.0.0.0",
                "a=rtcp:9 IN IP4 0.0.0.0",
                "a=ice-ufrag:" + ufrag,
                "a=ice-pwd:" + pwd,
                "a=ice-options:trickle",
                "a=fingerprint:sha-256 " + fingerprint,
                "a=setup:actpass",
                "a=mid:1",
                "a=sendonly",
                "a=msid:stream video0",
                "a=rtcp-mux",
                "a=rtcp-rsize",
                "a=rtpmap:96 VP8/90000",
                "a=rtcp-fb:96 goog-remb",
                "a=rtcp-fb:96 ccm fir",
                "a=rtcp-fb:96 nack",
                "a=rtcp-fb:96 nack pli",
                "a=ssrc:2222 cname:babelcall",
                "") ;
    }

    private static String token(int length) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return out.toString();
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
