package io.babelcall.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.babelcall.common.audio.AudioControl;
import io.babelcall.common.audio.AudioReady;
import io.babelcall.common.audio.AudioStart;
import io.babelcall.common.audio.AudioStop;
import io.babelcall.common.caption.CaptionEvent;
import io.babelcall.common.caption.CaptionStatus;
import io.babelcall.common.caption.Dub;
import io.babelcall.common.caption.TextSpan;
import io.babelcall.common.caption.Transcript;
import io.babelcall.common.caption.Translation;
import io.babelcall.common.engine.EngineCapabilities;
import io.babelcall.common.engine.TranslationPair;
import io.babelcall.common.language.LanguageCode;
import io.babelcall.common.room.Participant;
import io.babelcall.common.room.Room;
import io.babelcall.common.signaling.Answer;
import io.babelcall.common.signaling.Chat;
import io.babelcall.common.signaling.ClientMessage;
import io.babelcall.common.signaling.ErrorMessage;
import io.babelcall.common.signaling.Ice;
import io.babelcall.common.signaling.IceCandidate;
import io.babelcall.common.signaling.LanguageUpdate;
import io.babelcall.common.signaling.Leave;
import io.babelcall.common.signaling.MediaIce;
import io.babelcall.common.signaling.MediaState;
import io.babelcall.common.signaling.MediaUpdate;
import io.babelcall.common.signaling.Offer;
import io.babelcall.common.signaling.Peer;
import io.babelcall.common.signaling.PeerJoined;
import io.babelcall.common.signaling.PeerLeft;
import io.babelcall.common.signaling.PeerUpdated;
import io.babelcall.common.signaling.Ping;
import io.babelcall.common.signaling.Pong;
import io.babelcall.common.signaling.Publish;
import io.babelcall.common.signaling.PublishAnswer;
import io.babelcall.common.signaling.ServerMessage;
import io.babelcall.common.signaling.SubscribeAnswer;
import io.babelcall.common.signaling.SubscribeOffer;
import io.babelcall.common.signaling.Talking;
import io.babelcall.common.signaling.Welcome;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class WireRoundTripTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Instant T = Instant.parse("2026-11-27T10:15:30.123Z");
    private static final LanguageCode EN = LanguageCode.of("en");
    private static final LanguageCode ES = LanguageCode.of("es");
    private static final Peer PEER = new Peer("p1", "Ana", EN, ES, true, true, false, T);

    static Stream<ClientMessage> clientMessages() {
        return Stream.of(
                new Offer("p2", null, "v=0\r\n"),
                new Answer("p2", null, "v=0\r\n"),
                new Ice("p2", null, new IceCandidate("candidate:1 1 udp 2122260223 10.0.0.1 5000 typ host", "0", 0, "abcd")),
                new Ice("p2", null, null),
                new Chat(null, "hola", null, null),
                new MediaUpdate(true, false),
                new LanguageUpdate(EN, LanguageCode.of("ca"), false),
                new Leave(),
                new Ping(42L),
                new Publish("v=0\r\n"),
                new SubscribeAnswer("v=0\r\n"),
                new MediaIce(MediaIce.SUBSCRIBE, new IceCandidate("candidate:1 1 udp 1 10.0.0.1 5000 typ host", "0", 0, null)),
                new MediaIce(MediaIce.PUBLISH, null));
    }

    static Stream<ServerMessage> serverMessages() {
        return Stream.of(
                new Welcome(PEER, List.of(PEER), Welcome.SFU),
                new PeerJoined(PEER),
                new PeerUpdated(PEER),
                new PeerLeft("p1", "leave"),
                new Offer("p2", "p1", "v=0"),
                new Chat("p1", "hi", T, "c-1"),
                new Pong(7L),
                new ErrorMessage("bad-request", "missing field 'to'"),
                new Transcript("p1", "u-1", 3, EN, "hello there", true, T, T),
                new Translation("p1", "u-1", 4, EN, ES, "hola", false, null, T),
                new Translation("p1", "u-1", 4, EN, ES, "El flibbertigibbet es aquí.", true, T, T,
                        List.of(new TextSpan(3, 18))),
                new Dub("p1", "u-1", 5, ES, "/api/v1/audio/abc", 1200L, T, T),
                new CaptionStatus("p1", "u1", 12, CaptionStatus.UNTRANSLATED, "translation engine unavailable", ES, T),
                new PublishAnswer("v=0\r\n"),
                new SubscribeOffer("v=0\r\n", List.of(new SubscribeOffer.MediaStream("0", "p2", "audio"))),
                new MediaState(MediaState.UNAVAILABLE, "no SFU reachable"),
                new Talking("p2", true));
    }

    @ParameterizedTest
    @MethodSource("clientMessages")
    void clientMessagesRoundTrip(ClientMessage message) {
        String json = JSON.writeValueAsString(message);
        assertThat(JSON.readTree(json).get("type").asString()).isNotBlank();
        assertThat(JSON.readValue(json, ClientMessage.class)).isEqualTo(message);
    }

    @ParameterizedTest
    @MethodSource("serverMessages")
    void serverMessagesRoundTrip(ServerMessage message) {
        String json = JSON.writeValueAsString(message);
        assertThat(JSON.readValue(json, ServerMessage.class)).isEqualTo(message);
    }

    @Test
    void captionEventsUseTheDocumentedFieldNames() {
        String json = JSON.writeValueAsString(new Transcript("p1", "u-1", 3, EN, "hello", true, T, T));
        JsonNode node = JSON.readTree(json);
        assertThat(node.get("type").asString()).isEqualTo("transcript");
        assertThat(node.get("final").asBoolean()).isTrue();
        assertThat(node.get("language").asString()).isEqualTo("en");
        assertThat(node.get("endOfSpeechAt").asString()).isEqualTo("2026-11-27T10:15:30.123Z");
        CaptionEvent back = JSON.readValue(json, CaptionEvent.class);
        assertThat(back.speaker()).isEqualTo("p1");
    }

    /**
     * Unknown words travel as UTF-16 spans of the text; a translation without any is written exactly as before the
     * field existed, and one written before (without the field) reads as having none.
     */
    @Test
    void translationsCarryUnknownWordSpansOnlyWhenThereAreSome() {
        String text = "🙂 El flibbertigibbet es aquí.";
        int start = text.indexOf("flibbertigibbet");
        JsonNode marked = JSON.readTree(JSON.writeValueAsString(new Translation("p1", "u-1", 4, EN, ES, text, true, T, T,
                List.of(new TextSpan(start, start + "flibbertigibbet".length())))));
        assertThat(marked.get("unknown").toString()).isEqualTo("[{\"start\":6,\"end\":21}]");

        String plain = JSON.writeValueAsString(new Translation("p1", "u-1", 4, EN, ES, "hola", true, T, T));
        assertThat(JSON.readTree(plain).has("unknown")).isFalse();
        String before = "{\"type\":\"translation\",\"speaker\":\"p1\",\"utteranceId\":\"u-1\",\"seq\":4,"
                + "\"sourceLanguage\":\"en\",\"language\":\"es\",\"text\":\"hola\",\"final\":true}";
        Translation old = (Translation) JSON.readValue(before, CaptionEvent.class);
        assertThat(old.unknown()).isEmpty();
        assertThat(old.text()).isEqualTo("hola");
        assertThatThrownBy(() -> new TextSpan(3, 3)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void relayedMessagesOmitAbsentAddresses() {
        JsonNode node = JSON.readTree(JSON.writeValueAsString(new Offer("p2", null, "sdp")));
        assertThat(node.has("from")).isFalse();
        assertThat(node.get("to").asString()).isEqualTo("p2");
    }

    @Test
    void clientTextIsParsedFromTheDocumentedShape() {
        ClientMessage m = JSON.readValue("""
                {"type":"ice","to":"p9","candidate":{"candidate":"c","sdpMid":"0","sdpMLineIndex":0}}""",
                ClientMessage.class);
        assertThat(m).isEqualTo(new Ice("p9", null, new IceCandidate("c", "0", 0, null)));
    }

    @Test
    void unknownMessageTypeIsRejected() {
        assertThatThrownBy(() -> JSON.readValue("{\"type\":\"nope\"}", ClientMessage.class))
                .hasMessageContaining("nope");
    }

    @Test
    void audioControlRoundTrips() {
        for (AudioControl c : List.of(new AudioStart(16000, AudioStart.PCM16), new AudioStop())) {
            assertThat(JSON.readValue(JSON.writeValueAsString(c), AudioControl.class)).isEqualTo(c);
        }
        assertThat(JSON.readValue("{\"type\":\"start\",\"sampleRate\":48000,\"encoding\":\"pcm16\"}",
                AudioControl.class)).isEqualTo(new AudioStart(48000, "pcm16"));
        assertThat(JSON.writeValueAsString(new AudioReady())).isEqualTo("{\"type\":\"ready\"}");
    }

    @Test
    void roomParticipantAndCapabilitiesRoundTrip() {
        Room room = new Room("r1", "Standup", 8, T, T.plusSeconds(86400));
        Participant participant = new Participant("p1", "Ana", EN, ES, true, T);
        EngineCapabilities caps = new EngineCapabilities(List.of(EN), List.of(new TranslationPair(EN, ES)),
                List.of(ES, EN));
        assertThat(JSON.readValue(JSON.writeValueAsString(room), Room.class)).isEqualTo(room);
        assertThat(JSON.readValue(JSON.writeValueAsString(participant), Participant.class)).isEqualTo(participant);
        assertThat(JSON.readValue(JSON.writeValueAsString(caps), EngineCapabilities.class)).isEqualTo(caps);
        assertThat(JSON.readTree(JSON.writeValueAsString(participant)).get("spokenLanguage").asString())
                .isEqualTo("en");
    }

    @Test
    void invalidLanguageCodeInJsonIsRejected() {
        assertThatThrownBy(() -> JSON.readValue(
                "{\"type\":\"language\",\"spokenLanguage\":\"english!\",\"captionLanguage\":\"es\"}",
                ClientMessage.class)).hasMessageContaining("not a language code");
    }
}
