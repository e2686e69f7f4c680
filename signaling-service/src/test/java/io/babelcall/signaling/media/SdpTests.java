package io.babelcall.signaling.media;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SdpTests {

    @Test
    void theFirstAudioSectionsMidIsFound() {
        assertThat(Sdp.firstMid(SyntheticSdp.publisherOffer(), "audio")).isNotNull();
        // CRLF line ends, as browsers write them
        String sdp = String.join("\r\n", "v=0", "o=- 1 1 IN IP4 0.0.0.0", "s=-", "t=0 0",
                "m=video 9 UDP/TLS/RTP/SAVPF 96", "a=mid:v1",
                "m=audio 0 UDP/TLS/RTP/SAVPF 111", "a=mid:rejected",
                "m=audio 9 UDP/TLS/RTP/SAVPF 111", "a=mid:a1", "");
        assertThat(Sdp.firstMid(sdp, "audio")).isEqualTo("a1"); // a rejected (port 0) section is skipped
        assertThat(Sdp.firstMid(sdp, "video")).isEqualTo("v1");
        assertThat(Sdp.firstMid("v=0\r\nm=audio 9 RTP/AVP 0\r\nm=video 9 RTP/AVP 96\r\na=mid:1\r\n", "audio"))
                .isNull(); // an audio section without a mid
        assertThat(Sdp.firstMid("v=0\n", "audio")).isNull();
    }
}
