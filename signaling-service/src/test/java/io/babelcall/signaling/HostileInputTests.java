package io.babelcall.signaling;

import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.common.room.Participant;
import io.babelcall.common.text.UnicodeText;
import io.babelcall.signaling.support.WsClient;
import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * One participant sends every client message type with each field replaced by hostile strings; the others, on the
 * same replica and on another one, must keep their sockets and keep receiving. Two real replicas on a real Redis,
 * real WebSocket clients; the attacker's rate limit is raised so that the limit is not what stops it.
 */
@ReplicaPairFixture.ReplicaArgs({"--babelcall.signaling.rate-limit.per-second=5000",
        "--babelcall.signaling.rate-limit.burst=5000"})
class HostileInputTests extends ReplicaPairFixture {

    /** Marks every hostile value, so that an echo of it in an error message can be seen. */
    static final String MARK = "Zq9";

    /**
     * Hostile strings as they appear between the quotes of a JSON string: JSON escapes, so the socket frame itself is
     * valid UTF-8 (what an attacker's client sends) while the decoded value is not valid Unicode or not printable.
     */
    static final List<String> HOSTILE = List.of(
            "hello \\ud800 " + MARK, // lone high surrogate
            "\\udc00" + MARK, // lone low surrogate
            MARK + "\\ude00\\ud83d", // a pair in the wrong order
            MARK + " trailing high \\udbff",
            "nul\\u0000" + MARK,
            "c0 \\u0007\\u001b[2J\\u0008 " + MARK,
            "c1 \\u0085\\u009b " + MARK,
            "bidi \\u202e" + MARK + "gnp.exe\\u202c \\u2066x\\u2069",
            "a".repeat(64 * 1024 - 1), // with the envelope, over the 64 KiB message limit
            "bad escape \\x41 " + MARK, // invalid JSON escapes
            "short \\u12 " + MARK,
            "\\uZZZZ" + MARK,
            "line\\u2028sep " + MARK);

    final AtomicLong pings = new AtomicLong();

    /** Every client message type, its fields as raw JSON values; {@code %to} is replaced by the target's id. */
    static Map<String, Map<String, String>> templates() {
        Map<String, Map<String, String>> t = new LinkedHashMap<>();
        t.put("offer", fields("to", "%to", "sdp", "\"v=0\\r\\n\""));
        t.put("answer", fields("to", "%to", "sdp", "\"v=0\\r\\n\""));
        t.put("ice", fields("to", "%to", "candidate.candidate", "\"candidate:1 1 udp 1 127.0.0.1 9 typ host\"",
                "candidate.sdpMid", "\"0\"", "candidate.sdpMLineIndex", "0", "candidate.usernameFragment", "\"ab\""));
        t.put("chat", fields("text", "\"hi\""));
        t.put("media", fields("audio", "true", "video", "false"));
        t.put("language", fields("spokenLanguage", "\"en\"", "captionLanguage", "\"es\"", "dubbing", "false"));
        t.put("ping", fields("ts", "1"));
        t.put("leave", fields()); // only its type is replaced: a well-typed leave would end the attack
        return t;
    }

    static Map<String, String> fields(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    /** The message of {@code type} with {@code replaced} (a field, or "type") set to {@code hostile}. */
    static String render(String type, Map<String, String> fields, String replaced, String hostile, String to) {
        String quoted = "\"" + hostile + "\"";
        StringBuilder out = new StringBuilder("{\"type\":").append("type".equals(replaced) ? quoted : "\"" + type + "\"");
        StringBuilder candidate = new StringBuilder();
        for (Map.Entry<String, String> f : fields.entrySet()) {
            String value = f.getKey().equals(replaced) ? quoted : f.getValue().replace("%to", "\"" + to + "\"");
            if (f.getKey().startsWith("candidate.")) {
                candidate.append(candidate.isEmpty() ? "" : ",").append('"')
                        .append(f.getKey().substring("candidate.".length())).append("\":").append(value);
            } else {
                out.append(",\"").append(f.getKey()).append("\":").append(value);
            }
        }
        if (!candidate.isEmpty()) {
            out.append(",\"candidate\":{").append(candidate).append('}');
        }
        return out.append('}').toString();
    }

    @Test
    void noHostileFieldOfAnyMessageCostsAnyoneElseTheirSocket() {
        assertThat(a.getEnvironment().getProperty("babelcall.signaling.rate-limit.per-second"))
                .as("the suite's replica arguments").isEqualTo("5000");
        Participant alice = rooms.add(room, "alice", "en", "en", false);
        Participant bob = rooms.add(room, "bob", "en", "en", false);
        Participant carol = rooms.add(room, "carol", "en", "es", false);
        WsClient attacker = join(a, alice);
        WsClient bobWs = join(a, bob); // same replica as the attacker
        WsClient carolWs = join(b, carol); // another replica: what crosses Redis
        int sent = 0;
        int refused = 0;
        List<String> unexpectedCloses = new ArrayList<>();
        List<String> echoes = new ArrayList<>();
        for (Map.Entry<String, Map<String, String>> t : templates().entrySet()) {
            List<String> targets = new ArrayList<>(t.getValue().keySet());
            targets.add(0, "type");
            for (String field : targets) {
                for (String hostile : HOSTILE) {
                    if (!attacker.isOpen()) {
                        attacker = join(a, alice);
                    }
                    String message = render(t.getKey(), t.getValue(), field, hostile, bob.participantId());
                    List<JsonNode> reply = sendAndSync(attacker, message);
                    sent++;
                    if (reply == null && hostile.length() < 1024) {
                        unexpectedCloses.add(t.getKey() + "." + field + " = " + hostile + ": "
                                + attacker.closed.getNow(null));
                    }
                    if (reply != null) {
                        for (JsonNode n : reply) {
                            if ("error".equals(n.path("type").asString())) {
                                refused++;
                                String text = n.path("message").asString();
                                if (text.contains(MARK) || text.contains("aaaaaaaa") || text.length() > 300
                                        || !UnicodeText.isPrintableText(text)) {
                                    echoes.add(t.getKey() + "." + field + ": " + text);
                                }
                            }
                        }
                    }
                    assertThat(bobWs.isOpen()).as("bob's socket after %s.%s = %s", t.getKey(), field, hostile)
                            .isTrue();
                    assertThat(carolWs.isOpen()).as("carol's socket after %s.%s = %s", t.getKey(), field, hostile)
                            .isTrue();
                }
            }
        }
        assertThat(echoes).as("error messages that echo client input").isEmpty();
        assertThat(sent).isGreaterThan(250);
        assertThat(refused).as("most hostile messages are refused with an error").isGreaterThan(sent / 2);
        assertThat(unexpectedCloses).as("only oversized messages close the attacker's own socket (1009)").isEmpty();

        // Everyone still receives: chat from the attacker, a relay between the others, chat between replicas.
        if (!attacker.isOpen()) {
            attacker = join(a, alice);
        }
        attacker.send("{\"type\":\"chat\",\"text\":\"after the storm\"}");
        assertThat(bobWs.next("chat", n -> n.path("text").asString().equals("after the storm"), Duration.ofSeconds(10)))
                .isNotNull();
        assertThat(carolWs.next("chat", n -> n.path("text").asString().equals("after the storm"),
                Duration.ofSeconds(10))).isNotNull();
        bobWs.send("{\"type\":\"offer\",\"to\":\"" + carol.participantId() + "\",\"sdp\":\"v=0\\r\\n\"}");
        assertThat(carolWs.next("offer").path("from").asString()).isEqualTo(bob.participantId());
        carolWs.send("{\"type\":\"chat\",\"text\":\"still here\"}");
        assertThat(bobWs.next("chat", n -> n.path("text").asString().equals("still here"), Duration.ofSeconds(10)))
                .isNotNull();
        // Nothing anyone received was invalid Unicode, a control character or a bidi override.
        for (JsonNode n : bobWs.all(Duration.ofMillis(300))) {
            if ("chat".equals(n.path("type").asString())) {
                String text = n.path("text").asString();
                assertThat(UnicodeText.stripControls(text, true)).as("chat text bob received").isEqualTo(text);
                assertThat(UnicodeText.isWellFormed(text)).isTrue();
            }
        }
        attacker.close();
        bobWs.close();
        carolWs.close();
    }

    @Test
    void theMessagesThatUsedToDropARoomAreRefusedByFieldName() {
        Participant alice = rooms.add(room, "alice", "en", "en", false);
        Participant bob = rooms.add(room, "bob", "en", "en", false);
        WsClient attacker = join(a, alice);
        WsClient bobWs = join(b, bob);
        attacker.send("{\"type\":\"chat\",\"text\":\"hello \\ud800\"}");
        JsonNode chat = attacker.next("error");
        assertThat(chat.path("code").asString()).isEqualTo("invalid_field");
        assertThat(chat.path("message").asString()).startsWith("'text' is not valid Unicode");
        attacker.send("{\"type\":\"offer\",\"to\":\"" + bob.participantId() + "\",\"sdp\":\"v=0 \\udc00\"}");
        JsonNode offer = attacker.next("error");
        assertThat(offer.path("code").asString()).isEqualTo("invalid_field");
        assertThat(offer.path("message").asString()).startsWith("'sdp' is not valid Unicode");
        attacker.send("{\"type\":\"ice\",\"to\":\"\\ud800\"}");
        JsonNode ice = attacker.next("error");
        assertThat(ice.path("code").asString()).isEqualTo("invalid_field");
        assertThat(ice.path("message").asString()).startsWith("'to' is not valid Unicode");
        attacker.send("{\"type\":\"ice\",\"to\":\"" + bob.participantId() + "\",\"candidate\":{\"candidate\":\"x\\u0000\"}}");
        assertThat(attacker.next("error").path("message").asString()).isEqualTo("'candidate' has control characters");
        attacker.send("{\"type\":\"ice\",\"to\":\"nobody-" + MARK + "\"}");
        JsonNode unknown = attacker.next("error");
        assertThat(unknown.path("code").asString()).isEqualTo("unknown_peer");
        assertThat(unknown.path("message").asString()).doesNotContain(MARK);
        attacker.send("{\"type\":\"teleport-" + MARK + "\"}");
        assertThat(attacker.next("error").path("message").asString()).doesNotContain(MARK);
        // Controls and bidi overrides are removed from chat; the rest of the line is delivered.
        attacker.send("{\"type\":\"chat\",\"text\":\"pay\\u0000 \\u202egnp.exe\\u202c now\\nok\"}");
        assertThat(bobWs.next("chat").path("text").asString()).isEqualTo("pay gnp.exe now\nok");
        attacker.send("{\"type\":\"chat\",\"text\":\"\\u0000\\u202e\\u0007\"}");
        assertThat(attacker.next("error").path("code").asString()).isEqualTo("invalid_field");
        assertThat(attacker.isOpen()).isTrue();
        assertThat(bobWs.isOpen()).isTrue();
        attacker.close();
        bobWs.close();
    }

    @Test
    void anOriginThatDoesNotParseIsRefused403() throws Exception {
        Participant alice = rooms.add(room, "alice", "en", "en", false);
        for (String origin : List.of("http://localhost:8080.evil.example", "http://[::1", "http://a b",
                "http://localhost:99999999999", "::::")) {
            String response = rawHandshake(port(a), rooms.token(room, alice), origin);
            assertThat(response).as("origin %s", origin).startsWith("HTTP/1.1 403");
            assertThat(response).doesNotContain("Exception").doesNotContain("evil");
        }
        // an allowed origin still passes
        assertThat(rawHandshake(port(a), rooms.token(room, alice), "http://localhost:8080"))
                .startsWith("HTTP/1.1 101");
    }

    /** The whole response to a WebSocket upgrade with this {@code Origin} (status line and head, body if any). */
    static String rawHandshake(int port, String token, String origin) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            String request = "GET /ws?access_token=" + token + " HTTP/1.1\r\n"
                    + "Host: 127.0.0.1:" + port + "\r\nOrigin: " + origin + "\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            try {
                for (int n; (n = socket.getInputStream().read(buf)) > 0; ) {
                    out.write(buf, 0, n);
                    if (out.toString(StandardCharsets.US_ASCII).startsWith("HTTP/1.1 101")) {
                        break; // upgraded: the socket stays open
                    }
                }
            } catch (SocketTimeoutException e) {
                // keep what arrived
            }
            return out.toString(StandardCharsets.US_ASCII);
        }
    }

    /** Sends {@code message}, then a ping, and returns everything up to its pong (null if the socket closed). */
    List<JsonNode> sendAndSync(WsClient c, String message) {
        long ts = pings.incrementAndGet();
        try {
            c.send(message);
            c.send("{\"type\":\"ping\",\"ts\":" + ts + "}");
        } catch (CompletionException e) {
            return null; // closed by the server while sending (an oversized message)
        }
        return c.upTo("pong", n -> n.path("ts").asLong() == ts, Duration.ofSeconds(10));
    }
}
