package io.babelcall.signaling.media;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SdpTests {

    @Test
    void theFirstAudioSectionsMidIsFound() {
        assertThat(Sdp.firstMid(SyntheticSdp.publisherOffer(), "audio")).isNotNull();
        String sdp = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n"
                + "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:v1\r\n"
                + "m=audio 0 UDP/TLS/RTP/SAVPF 111\r\na=mid:rejected\r\n"
                + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:a1\r\n";
        assertThat(Sdp.firstMid(sdp, "audio")).isEqualTo("a1"); // a rejected (port 0) section is skipped
        assertThat(Sdp.firstMid(sdp, "video")).isEqualTo("v1");
        assertThat(Sdp.firstMid("v=0\r\nm=audio 9 RTP/AVP 0\r\nm=video 9 RTP/AVP 96\r\na=mid:1\r\n", "audio"))
                .isNull(); // an audio section without a mid
        assertThat(Sdp.firstMid("v=0\n", "audio")).isNull();
    }
}
