package io.babelcall.pipeline.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.babelcall.common.caption.CaptionEvent;
import io.babelcall.common.caption.Transcript;
import io.babelcall.pipeline.support.Audio;
import io.babelcall.pipeline.support.AudioClient;
import io.babelcall.pipeline.support.EventCollector;
import io.babelcall.pipeline.support.PipelineTestBase;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * The audio socket's contract: handshake authorisation, every kind of bad input (error frame + close code, counted
 * in babelcall.audio.rejected) while another speaker's stream in the same room keeps producing captions,
 * replacement of a participant's older stream, and silence producing nothing.
 */
class AudioWebSocketTests extends PipelineTestBase {

    private static final Duration CLOSE = Duration.ofSeconds(5);

    static Stream<Arguments> badInput() {
        Consumer<AudioClient> noStart = c -> c.binary(new byte[640]);
        Consumer<AudioClient> opus = c -> c.text("{\"type\":\"start\",\"sampleRate\":48000,\"encoding\":\"opus\"}");
        Consumer<AudioClient> rate44k = c -> c.text("{\"type\":\"start\",\"sampleRate\":44100,\"encoding\":\"pcm16\"}");
        Consumer<AudioClient> garbage = c -> c.text("hello?");
        Consumer<AudioClient> unknownType = c -> c.text("{\"type\":\"offer\",\"sdp\":\"x\"}");
        Consumer<AudioClient> twoStarts = c -> c.start(16000).start(16000);
        Consumer<AudioClient> odd = c -> c.start(16000).binary(new byte[641]);
        Consumer<AudioClient> tooShort = c -> c.start(16000).binary(new byte[160]); // 5 ms
        Consumer<AudioClient> tooLong = c -> c.start(16000).binary(new byte[6400]); // 200 ms
        Consumer<AudioClient> tooBig = c -> c.start(48000).binary(new byte[70_000]);
        Consumer<AudioClient> tooFast = c -> {
            c.start(16000);
            for (int i = 0; i < 60 && c.isOpen(); i++) { // 6 s of audio at once: beyond 2 s burst + 2x real time
                c.binary(new byte[3200]);
            }
        };
        Consumer<AudioClient> silentSocket = c -> { }; // never sends start: start-timeout (1.5 s in these tests)
        // a JSON escape of a lone UTF-16 surrogate: valid JSON, but no valid Unicode string
        Consumer<AudioClient> surrogateEncoding = c -> c.text(
                "{\"type\":\"start\",\"sampleRate\":16000,\"encoding\":\"pcm\\ud80016\"}");
        Consumer<AudioClient> surrogateType = c -> c.text("{\"type\":\"\\udfff\"}");
        Consumer<AudioClient> surrogateRate = c -> c.text(
                "{\"type\":\"start\",\"sampleRate\":\"\\ud800\",\"encoding\":\"pcm16\"}");
        return Stream.of(
                Arguments.of("binary before start", noStart, "no_start", 1003),
                Arguments.of("opus encoding", opus, "unsupported_format", 1003),
                Arguments.of("44.1 kHz", rate44k, "unsupported_format", 1003),
                Arguments.of("not JSON", garbage, "bad_message", 1003),
                Arguments.of("unknown type", unknownType, "bad_message", 1003),
                Arguments.of("second start", twoStarts, "bad_message", 1003),
                Arguments.of("odd byte count", odd, "odd_bytes", 1007),
                Arguments.of("5 ms frame", tooShort, "frame_duration", 1007),
                Arguments.of("200 ms frame", tooLong, "frame_duration", 1007),
                Arguments.of("frame over 64 KiB", tooBig, "too_big", 1009),
                Arguments.of("faster than 2x real time", tooFast, "too_fast", 1008),
                Arguments.of("no start frame", silentSocket, "start_timeout", 1008),
                Arguments.of("lone surrogate in encoding", surrogateEncoding, "bad_message", 1003),
                Arguments.of("lone surrogate in type", surrogateType, "bad_message", 1003),
                Arguments.of("lone surrogate in sampleRate", surrogateRate, "bad_message", 1003));
    }

    @ParameterizedTest(name = "{0} -> {2} / {3}")
    @MethodSource("badInput")
    void badInputGetsAnErrorFrameAndCloseCodeWhileAnotherStreamGoesOn(String name, Consumer<AudioClient> misbehave,
                                                                      String code, int closeCode) throws Exception {
        String room = rooms.newRoom();
        String goodToken = rooms.join(room, "good", "Good", "en", "en", false);
        String badToken = rooms.join(room, "bad", "Bad", "en", "en", false);
        double rejectedBefore = rejected(code);
        try (EventCollector events = events(room);
             AudioClient good = AudioClient.connect(port, goodToken).start(16000);
             AudioClient bad = AudioClient.connect(port, badToken)) {
            good.stream(Audio.silence(16000, 0.2), 16000, 20, 0);

            misbehave.accept(bad);

            assertThat(bad.awaitClose(CLOSE)).isEqualTo(closeCode);
            assertThat(bad.texts).hasSize(1);
            JsonNode error = json.readTree(bad.texts.get(0));
            assertThat(error.get("type").asString()).isEqualTo("error");
            assertThat(error.get("code").asString()).isEqualTo(code);
            assertThat(error.get("message").asString()).isNotBlank();
            assertThat(rejected(code)).isEqualTo(rejectedBefore + 1);

            // the other speaker is unaffected: its utterance still becomes a final caption
            engines.recognizer.script("good", "still here");
            good.stream(utterance(16000), 16000, 20, 1.5);
            Transcript fin = events.await(Transcript.class, t -> t.isFinal() && t.speaker().equals("good"),
                    Duration.ofSeconds(5));
            assertThat(fin.text()).isEqualTo("Still here.");
            assertThat(good.isOpen()).isTrue();
            assertThat(events.events).map(CaptionEvent::speaker).doesNotContain("bad");
        }
    }

    /**
     * A start frame sent the moment the server says ready is never lost: before the ready frame existed, a start sent
     * right after the handshake was dropped in about 1 of 150 connections (then refused as no_start).
     */
    @Test
    void startSentAsSoonAsTheServerIsReadyIsNeverLost() {
        String room = rooms.newRoom();
        java.util.Map<Integer, Integer> closeCodes = new java.util.TreeMap<>();
        for (int i = 0; i < 300; i++) {
            String token = rooms.join(room, "s" + i, "Speaker", "en", "en", false);
            try (AudioClient c = AudioClient.connect(port, token)) {
                c.start(48000).binary(new byte[70_000]); // the start, then at once a frame that must be judged too big
                closeCodes.merge(c.awaitClose(CLOSE), 1, Integer::sum);
            }
        }
        assertThat(closeCodes).containsExactly(java.util.Map.entry(1009, 300));
    }

    @Test
    void handshakeRefusesMissingBadForeignAndAbsentTokensAndForeignOrigins() {
        String room = rooms.newRoom();
        String token = rooms.join(room, "p1", "Ann", "en", "es", false);
        URI base = URI.create("ws://127.0.0.1:" + port + "/ws/audio");

        assertThat(refusal(base, null)).isEqualTo(401);
        assertThat(refusal(URI.create(base + "?access_token=not-a-jwt"), null)).isEqualTo(401);
        String forged = token.substring(0, token.lastIndexOf('.') + 1) + "AAAA" + token.substring(token.lastIndexOf('.') + 5);
        assertThat(refusal(URI.create(base + "?access_token=" + forged), null)).isEqualTo(401);
        // a valid token whose participant is not (or no longer) in the room
        String outsider = rooms.token(room, "ghost", "Ghost", "en", "en", false);
        assertThat(refusal(URI.create(base + "?access_token=" + outsider), null)).isEqualTo(403);
        String leaver = rooms.join(room, "p2", "Bob", "en", "en", false);
        rooms.leave(room, "p2");
        assertThat(refusal(URI.create(base + "?access_token=" + leaver), null)).isEqualTo(403);
        // a browser page from an origin that is not allowed
        assertThat(refusal(URI.create(base + "?access_token=" + token),
                b -> b.header("Origin", "http://evil.example"))).isEqualTo(403);
    }

    @Test
    void acceptsTheTokenAsBearerSubprotocolAndAnAllowedOrigin() throws Exception {
        String room = rooms.newRoom();
        String token = rooms.join(room, "p1", "Ann", "en", "es", false);
        try (AudioClient c = AudioClient.connect(URI.create("ws://127.0.0.1:" + port + "/ws/audio"),
                b -> b.subprotocols("bearer", token).header("Origin", "http://localhost:8080"))) {
            assertThat(c.subprotocol()).isEqualTo("bearer");
            c.start(48000).stream(Audio.silence(48000, 0.2), 48000, 20, 0).stop();
            assertThat(c.awaitClose(CLOSE)).isEqualTo(1000);
            assertThat(c.texts).isEmpty();
        }
    }

    @Test
    void aNewStreamOfTheSameParticipantReplacesTheOldOne() throws Exception {
        String room = rooms.newRoom();
        String token = rooms.join(room, "p1", "Ann", "en", "es", false);
        // the active-streams gauge counts this participant once, before and after the replacement
        await().atMost(Duration.ofSeconds(5)).until(() -> activeStreams() == 0); // earlier tests' streams are gone
        try (EventCollector events = events(room);
             AudioClient first = AudioClient.connect(port, token).start(16000)) {
            first.stream(Audio.silence(16000, 0.1), 16000, 20, 0);
            await().atMost(Duration.ofSeconds(5)).until(() -> activeStreams() == 1);
            try (AudioClient second = AudioClient.connect(port, token).start(16000)) {
                assertThat(first.awaitClose(CLOSE)).isEqualTo(4000);
                second.stream(Audio.silence(16000, 0.1), 16000, 20, 0);
                // the old stream's close frame can reach the client just before the server has counted it out
                await().atMost(Duration.ofSeconds(2)).until(() -> activeStreams() == 1);
                assertThat(json.readTree(first.texts.get(0)).get("code").asString()).isEqualTo("replaced");
                engines.recognizer.script("p1", "second stream works");
                second.stream(utterance(16000), 16000, 20, 1.5);
                assertThat(events.await(Transcript.class, Transcript::isFinal, Duration.ofSeconds(5)).text())
                        .isEqualTo("Second stream works.");
                assertThat(second.isOpen()).isTrue();
            }
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> activeStreams() == 0);
    }

    private double activeStreams() {
        return meters.get("babelcall.audio.streams").gauge().value();
    }

    @Test
    void silenceAndNoiseProduceNoEventsAndNoRecognition() throws Exception {
        String room = rooms.newRoom();
        String token = rooms.join(room, "quiet", "Quiet", "en", "en", false);
        rooms.join(room, "listener", "Lis", "es", "es", true);
        int sessionsBefore = engines.recognizer.sessionsOpened.get();
        long samplesBefore = engines.recognizer.samplesAccepted.get();
        short[] audio = Audio.concat(Audio.silence(48000, 1.0), Audio.whiteNoise(48000, 2.0, 0.01, 7),
                Audio.silence(48000, 0.5));
        try (EventCollector events = events(room);
             AudioClient c = AudioClient.connect(port, token).start(48000)) {
            c.stream(audio, 48000, 20, 1.9).stop();
            assertThat(c.awaitClose(CLOSE)).isEqualTo(1000);
            events.assertNoneWithin(Duration.ofMillis(300)); // anything the stream caused would be published by now
        }
        assertThat(engines.recognizer.sessionsOpened.get()).isEqualTo(sessionsBefore);
        assertThat(engines.recognizer.samplesAccepted.get()).isEqualTo(samplesBefore);
    }

    @Test
    void apiAnswersCorsForTheConfiguredBrowserOriginsOnly() throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        java.util.function.Function<String, java.net.http.HttpResponse<Void>> preflight = origin -> {
            try {
                return http.send(java.net.http.HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + port + "/api/v1/rooms/r1/transcript"))
                        .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody())
                        .header("Origin", origin).header("Access-Control-Request-Method", "GET")
                        .header("Access-Control-Request-Headers", "authorization").build(),
                        java.net.http.HttpResponse.BodyHandlers.discarding());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        var ok = preflight.apply("http://localhost:8080");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("Access-Control-Allow-Origin")).hasValue("http://localhost:8080");
        var evil = preflight.apply("http://evil.example");
        assertThat(evil.statusCode()).isEqualTo(403);
        assertThat(evil.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    /** Whatever the client sent, no error frame or handshake refusal repeats it (it could be markup or a lone surrogate). */
    @Test
    void errorsNeverEchoWhatTheClientSent() throws Exception {
        String canary = "CANARY<img src=x onerror=alert(1)>";
        List<String> inputs = List.of(
                "{\"type\":\"start\",\"sampleRate\":16000,\"encoding\":\"" + canary + "\"}",
                "{\"type\":\"start\",\"sampleRate\":\"" + canary + "\",\"encoding\":\"pcm16\"}",
                "{\"type\":\"start\",\"sampleRate\":44100" + canary.length() + ",\"encoding\":\"pcm16\"}",
                "{\"type\":\"" + canary + "\"}",
                "{\"" + canary + "\":1}",
                canary,
                "{\"type\":\"start\",\"encoding\":\"" + canary.repeat(40) + "\"}");
        String room = rooms.newRoom();
        for (int i = 0; i < inputs.size(); i++) {
            String token = rooms.join(room, "p" + i, "Speaker", "en", "en", false);
            try (AudioClient c = AudioClient.connect(port, token)) {
                c.text(inputs.get(i));
                assertThat(c.awaitClose(CLOSE)).as(inputs.get(i)).isEqualTo(1003);
                assertThat(c.texts).as(inputs.get(i)).hasSize(1);
                assertThat(c.texts.get(0)).as(inputs.get(i)).doesNotContain("CANARY").doesNotContain("44100");
            }
        }
        String token = rooms.join(room, "h", "Speaker", "en", "en", false);
        var http = java.net.http.HttpClient.newHttpClient();
        for (var request : List.of(
                java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ws/audio?access_token="
                        + token)).header("Origin", "http://CANARY.example"),
                java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/ws/audio?access_token=CANARY.CANARY.CANARY")))) {
            var refused = http.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isIn(401, 403);
            assertThat(refused.body()).contains("\"code\"").doesNotContain("CANARY");
        }
    }

    /**
     * A frame far over the limit (16 MiB) is refused like any oversized frame: error frame too_big, close 1009, the
     * connection closed cleanly (the client sees the close frame, not a reset); so is a message of small fragments
     * that adds up to too much. The server goes on serving other streams.
     */
    @Test
    void aSixteenMebibyteFrameOrMessageIsRefusedWith1009AndTheServerGoesOn() throws Exception {
        String room = rooms.newRoom();
        double rejectedBefore = rejected("too_big");
        for (boolean fragmented : new boolean[] {false, true}) {
            String token = rooms.join(room, fragmented ? "fragments" : "frame", "Big", "en", "en", false);
            try (AudioClient big = AudioClient.connect(port, token).start(16000)) {
                try {
                    if (fragmented) {
                        for (int i = 0; i < 256 && big.isOpen(); i++) { // 256 x 64 KiB, never the last fragment
                            big.binaryFragment(new byte[64 * 1024], false);
                        }
                    } else {
                        big.binary(new byte[16 * 1024 * 1024]);
                    }
                } catch (java.util.concurrent.CompletionException sendFailed) {
                    // the server closed while the client was still sending: the close code below tells how
                }
                assertThat(big.awaitClose(CLOSE)).as(fragmented ? "fragmented" : "one frame").isEqualTo(1009);
                assertThat(big.texts).hasSize(1);
                JsonNode error = json.readTree(big.texts.get(0));
                assertThat(error.get("code").asString()).isEqualTo("too_big");
                assertThat(error.get("message").asString()).contains("65536");
            }
        }
        assertThat(rejected("too_big")).isEqualTo(rejectedBefore + 2);

        String token = rooms.join(room, "after", "After", "en", "en", false);
        try (EventCollector events = events(room); AudioClient after = AudioClient.connect(port, token).start(16000)) {
            engines.recognizer.script("after", "still serving");
            after.stream(utterance(16000), 16000, 20, 1.5);
            assertThat(events.await(Transcript.class, t -> t.isFinal() && t.speaker().equals("after"), CLOSE).text())
                    .isEqualTo("Still serving.");
        }
    }

    /**
     * A frame that breaks the WebSocket protocol itself (here: unmasked, which no client may send; browsers cannot, so
     * this speaks raw TCP) gets the protocol_error frame and close 1002, counted like other bad input.
     */
    @Test
    void aFrameThatBreaksTheWebSocketProtocolIsRefusedWith1002() throws Exception {
        String room = rooms.newRoom();
        String token = rooms.join(room, "raw", "Raw", "en", "en", false);
        double rejectedBefore = rejected("protocol_error");
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            var out = socket.getOutputStream();
            var in = new java.io.DataInputStream(socket.getInputStream());
            out.write(("GET /ws/audio?access_token=" + token + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                head.append((char) in.readUnsignedByte());
            }
            assertThat(head).startsWith("HTTP/1.1 101");
            assertThat(readFrame(in)).isEqualTo("{\"type\":\"ready\"}");
            out.write(new byte[] {(byte) 0x81, 0x02, 'h', 'i'}); // a text frame without the client mask

            JsonNode error = json.readTree(readFrame(in));
            assertThat(error.get("code").asString()).isEqualTo("protocol_error");
            assertThat(readFrame(in)).startsWith("close 1002");
        }
        assertThat(rejected("protocol_error")).isEqualTo(rejectedBefore + 1);
    }

    /** The payload of the next (unmasked, short) server frame as text; a close frame as "close CODE". */
    private static String readFrame(java.io.DataInputStream in) throws java.io.IOException {
        int opcode = in.readUnsignedByte() & 0x0f;
        int length = in.readUnsignedByte() & 0x7f;
        if (length == 126) {
            length = in.readUnsignedShort();
        }
        byte[] payload = in.readNBytes(length);
        if (opcode == 0x8) {
            return "close " + (payload.length >= 2 ? ((payload[0] & 0xff) << 8 | (payload[1] & 0xff)) : -1);
        }
        return new String(payload, java.nio.charset.StandardCharsets.UTF_8);
    }

    private int refusal(URI uri, Consumer<java.net.http.WebSocket.Builder> hook) {
        try {
            AudioClient.connect(uri, hook).close();
        } catch (AudioClient.Refused r) {
            return r.status;
        }
        throw new AssertionError("handshake to " + uri + " was accepted");
    }

    private double rejected(String reason) {
        var c = meters.find("babelcall.audio.rejected").tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }
}
