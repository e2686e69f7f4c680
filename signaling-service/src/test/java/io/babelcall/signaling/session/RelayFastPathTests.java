package io.babelcall.signaling.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.common.signaling.Answer;
import io.babelcall.common.signaling.ClientMessage;
import io.babelcall.common.signaling.Ice;
import io.babelcall.common.signaling.Offer;
import io.babelcall.common.signaling.ServerMessage;
import io.babelcall.signaling.support.Rooms;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;

/** The relay fast path writes exactly what databind writes, and leaves every unusual message to databind. */
class RelayFastPathTests {

    static final ObjectReader READER = Rooms.JSON.readerFor(ClientMessage.class)
            .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    static final ObjectWriter WRITER = Rooms.JSON.writerFor(ServerMessage.class);
    static final String FROM = "p\"2\\";

    static String databind(String text) {
        ClientMessage m = READER.readValue(text);
        ServerMessage out;
        if (m instanceof Ice i) {
            out = i.relayedFrom(FROM);
        } else if (m instanceof Offer o) {
            out = o.relayedFrom(FROM);
        } else {
            out = ((Answer) m).relayedFrom(FROM);
        }
        return WRITER.writeValueAsString(out);
    }

    static String fromField() {
        return RelayFastPath.quote(new StringBuilder(), FROM).toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"type\":\"ice\",\"to\":\"p1\",\"candidate\":{\"candidate\":\"candidate:1 1 udp 2122260223 10.0.0.1 "
                    + "54321 typ host\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0,\"usernameFragment\":\"abcd\"}}",
            "{\"candidate\":{\"usernameFragment\":\"u\",\"sdpMLineIndex\":3,\"candidate\":\"c\"},\"to\":\"p1\","
                    + "\"from\":\"spoofed\",\"type\":\"ice\"}",
            "{\"type\":\"ice\",\"to\":\"p1\"}",
            "{\"type\":\"ice\",\"to\":\"p1\",\"candidate\":null,\"from\":null}",
            " {\"type\" : \"offer\", \"to\":\"p\\u00e91\", \"sdp\":\"v=0\\r\\no=- 1 2 IN IP4 127.0.0.1\\r\\n\\t\\\"q\\\"é\\ud83d\\ude00\"}\n",
            "{\"type\":\"answer\",\"sdp\":\"v=0\",\"to\":\"\"}",
    })
    void writesWhatDatabindWrites(String text) {
        RelayFastPath.Relay r = RelayFastPath.parse(text, fromField());
        assertThat(r).isNotNull();
        assertThat(r.json()).isEqualTo(databind(text));
        assertThat(r.to()).isEqualTo(Rooms.JSON.readTree(text).path("to").asString());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{not json", "", "[1]", "{\"type\":\"ice\",\"to\":\"p1\"} trailing", "{\"type\":\"ice\"}",
            "{\"type\":\"offer\",\"to\":\"p1\"}", "{\"type\":\"offer\",\"to\":\"p1\",\"sdp\":null}",
            "{\"type\":\"chat\",\"text\":\"hi\"}", "{\"to\":\"p1\",\"candidate\":null}",
            "{\"type\":\"ice\",\"to\":\"p1\",\"extra\":1}", "{\"type\":\"ice\",\"to\":\"p1\",\"to\":\"p2\"}",
            "{\"type\":\"ice\",\"to\":5}", "{\"type\":\"ice\",\"to\":\"p1\",\"candidate\":\"x\"}",
            "{\"type\":\"ice\",\"to\":\"p1\",\"candidate\":{\"sdpMid\":null}}",
            "{\"type\":\"ice\",\"to\":\"p1\",\"candidate\":{\"sdpMLineIndex\":\"0\"}}",
            "{\"type\":\"ice\",\"to\":\"p1\",\"candidate\":{\"sdpMLineIndex\":1.5}}",
            "{\"type\":\"ice\",\"to\":\"p1\",\"sdp\":\"v=0\"}",
            "{\"type\":\"offer\",\"to\":\"p1\",\"sdp\":\"v=0\",\"candidate\":null}",
            // not printable: databind reports invalid_field
            "{\"type\":\"offer\",\"to\":\"p1\",\"sdp\":\"v=0\\u0001\"}",
            "{\"type\":\"answer\",\"to\":\"p1\",\"sdp\":\"v=0 \\ud800\"}",
            "{\"type\":\"ice\",\"to\":\"\\udc00\"}",
            "{\"type\":\"ice\",\"to\":\"p1\",\"candidate\":{\"candidate\":\"c\\u0085\"}}",
            "{\"type\":\"ice\",\"to\":\"p1\",\"candidate\":{\"sdpMid\":\"\\u0000\"}}",
            "{\"type\":\"ice\",\"to\":\"p1\",\"candidate\":{\"usernameFragment\":\"\\ud83d\"}}",
    })
    void leavesEverythingElseToDatabind(String text) {
        assertThat(RelayFastPath.parse(text, fromField())).isNull();
    }

    @Test
    void quotesLikeJackson() {
        String nasty = "a\"b\\c\n\r\t\b\f\u0000\u001fé\u2028😀";
        assertThat(RelayFastPath.quote(new StringBuilder(), nasty).toString())
                .isEqualTo(Rooms.JSON.writeValueAsString(nasty));
    }
}
