package io.babelcall.signaling.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Packed relay records survive any ids and JSON (newlines, separators, non-ASCII) and stop at garbage. */
class RelayRecordsTests {

    record Got(String room, String to, long micros, String json) {
    }

    static List<Got> decode(String s) {
        List<Got> got = new ArrayList<>();
        RelayRecords.decode(s, new BusListener() {
            @Override
            public void onEnvelope(String roomId, Envelope envelope) {
                throw new AssertionError();
            }

            @Override
            public void onRelay(String roomId, String to, long publishedAtMicros, String json) {
                got.add(new Got(roomId, to, publishedAtMicros, json));
            }

            @Override
            public void onCaptionEvent(String roomId, String json) {
                throw new AssertionError();
            }
        });
        return got;
    }

    @Test
    void roundTripsSeveralRecordsInOnePayload() {
        Got a = new Got("r 1|x", "p\n2", 1_700_000_000_123_456L, "{\"type\":\"ice\",\"to\":\"p\\n2\"}\n");
        Got b = new Got("rooм", "", 0, "{\"sdp\":\"v=0\\r\\n 1 2 3\\n😀\"}");
        String packed = RelayRecords.encode(a.room(), a.to(), a.micros(), a.json())
                + RelayRecords.encode(b.room(), b.to(), b.micros(), b.json());
        assertThat(decode(packed)).containsExactly(a, b);
    }

    @Test
    void stopsAtAMalformedRecord() {
        String good = RelayRecords.encode("r", "p", 1, "{}");
        assertThat(decode(good + "garbage\n")).hasSize(1);
        assertThat(decode(good + "1 2 3 999\nab")).hasSize(1);
        assertThat(decode("x y z w\n")).isEmpty();
    }
}
