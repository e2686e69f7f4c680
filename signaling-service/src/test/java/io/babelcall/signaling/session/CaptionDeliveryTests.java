package io.babelcall.signaling.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Captions through the logic: per listener language, per speaker order, late and failed ones. */
class CaptionDeliveryTests extends HandlerReplicasFixture {

    @Test
    void captionsHeldUpByAnOutageAreNotShownAsLive() {
        Client speaker = join(a, "speaker", "en", "es", false);
        Client es = join(b, "es", "es", "es", true);
        String sp = speaker.id();
        String old = Instant.now().minusSeconds(30).toString();
        String fresh = Instant.now().toString();
        rooms.publishEvent(room, "{\"type\":\"transcript\",\"speaker\":\"" + sp + "\",\"utteranceId\":\"u1\","
                + "\"seq\":1,\"language\":\"en\",\"text\":\"stale interim\",\"final\":false,\"publishedAt\":\"" + old + "\"}");
        rooms.publishEvent(room, "{\"type\":\"translation\",\"speaker\":\"" + sp + "\",\"utteranceId\":\"u1\","
                + "\"seq\":2,\"sourceLanguage\":\"en\",\"language\":\"es\",\"text\":\"final tardio\",\"final\":true,"
                + "\"publishedAt\":\"" + old + "\"}");
        rooms.publishEvent(room, "{\"type\":\"dub\",\"speaker\":\"" + sp + "\",\"utteranceId\":\"u1\",\"seq\":3,"
                + "\"language\":\"es\",\"url\":\"/api/v1/audio/x\",\"publishedAt\":\"" + old + "\"}");
        rooms.publishEvent(room, "{\"type\":\"transcript\",\"speaker\":\"" + sp + "\",\"utteranceId\":\"u2\","
                + "\"seq\":4,\"language\":\"en\",\"text\":\"live\",\"final\":false,\"publishedAt\":\"" + fresh + "\"}");
        List<JsonNode> got = es.conn().all(Duration.ofMillis(300));
        assertThat(texts(ofType(got, "transcript"))).containsExactly("live");
        assertThat(ofType(got, "translation")).singleElement()
                .satisfies(t -> assertThat(t.path("late").asBoolean()).isTrue());
        assertThat(ofType(got, "dub")).isEmpty();
        assertThat(count(b, "babelcall.signaling.dropped", "cause", "stale")).isEqualTo(2);
    }

    @Test
    void anUtteranceThatCannotFinishIsAnnouncedToEveryoneInTheRoomUnchanged() {
        Client speaker = join(a, "speaker", "en", "en", false);
        Client es = join(b, "es", "es", "es", true);
        String status = "{\"type\":\"caption-status\",\"speaker\":\"" + speaker.id() + "\",\"utteranceId\":\"u7\","
                + "\"seq\":5,\"state\":\"failed\",\"reason\":\"recognizer timed out\"}";
        rooms.publishEvent(room, status);
        for (Client c : List.of(speaker, es)) {
            JsonNode got = c.conn().next("caption-status");
            assertThat(got.path("utteranceId").asString()).isEqualTo("u7");
            assertThat(got.path("state").asString()).isEqualTo("failed");
            assertThat(got.path("reason").asString()).isEqualTo("recognizer timed out");
        }
    }

    @Test
    void captionsReachEachListenerInItsLanguageOnly() {
        Client speaker = join(a, "speaker", "en", "en", false);
        Client es = join(a, "es", "es", "es", false);
        Client vi = join(b, "vi", "vi", "vi", true);
        Client esDub = join(b, "esdub", "es", "es", true);
        String sp = speaker.id();
        rooms.publishEvent(room, "{\"type\":\"transcript\",\"speaker\":\"" + sp + "\",\"utteranceId\":\"u1\",\"seq\":1,"
                + "\"language\":\"en\",\"text\":\"hello\",\"final\":true}");
        rooms.publishEvent(room, "{\"type\":\"translation\",\"speaker\":\"" + sp + "\",\"utteranceId\":\"u1\",\"seq\":2,"
                + "\"sourceLanguage\":\"en\",\"language\":\"es\",\"text\":\"hola\",\"final\":true}");
        rooms.publishEvent(room, "{\"type\":\"translation\",\"speaker\":\"" + sp + "\",\"utteranceId\":\"u1\",\"seq\":3,"
                + "\"sourceLanguage\":\"en\",\"language\":\"vi\",\"text\":\"xin chao\",\"final\":true}");
        rooms.publishEvent(room, "{\"type\":\"dub\",\"speaker\":\"" + sp + "\",\"utteranceId\":\"u1\",\"seq\":4,"
                + "\"language\":\"es\",\"url\":\"/api/v1/audio/x\"}");
        rooms.publishEvent(room, "{\"type\":\"caption-status\",\"speaker\":\"" + sp + "\",\"state\":\"ok\"}");
        rooms.publishEvent(room, "{\"type\":\"bogus\",\"speaker\":\"" + sp + "\"}");

        Map<Client, List<JsonNode>> got = new HashMap<>();
        for (Client c : List.of(speaker, es, vi, esDub)) {
            got.put(c, c.conn().all(Duration.ofMillis(200)));
            assertThat(texts(ofType(got.get(c), "transcript"))).containsExactly("hello");
            assertThat(ofType(got.get(c), "caption-status")).hasSize(1);
        }
        assertThat(texts(ofType(got.get(es), "translation"))).containsExactly("hola");
        assertThat(texts(ofType(got.get(esDub), "translation"))).containsExactly("hola");
        assertThat(texts(ofType(got.get(vi), "translation"))).containsExactly("xin chao");
        assertThat(ofType(got.get(speaker), "translation")).isEmpty();
        // dub 'es': only the listener with dubbing on in Spanish
        assertThat(ofType(got.get(esDub), "dub")).hasSize(1);
        assertThat(ofType(got.get(es), "dub")).isEmpty();
        assertThat(ofType(got.get(vi), "dub")).isEmpty();
        assertThat(ofType(got.get(speaker), "dub")).isEmpty();
        // events are delivered unchanged, in publication order
        assertThat(got.get(esDub).stream().map(n -> n.path("type").asString()).toList())
                .containsExactly("transcript", "translation", "dub", "caption-status");

        rooms.publishEvent(room, "{\"type\":\"dub\",\"speaker\":\"" + sp + "\",\"utteranceId\":\"u1\",\"seq\":4,"
                + "\"language\":\"es\",\"url\":\"/api/v1/audio/x\"}");
        assertThat(esDub.next("dub").path("url").asString()).isEqualTo("/api/v1/audio/x");
        assertThat(es.conn().drain("dub", Duration.ofMillis(150))).isEmpty(); // dubbing off
        assertThat(vi.conn().drain("dub", Duration.ofMillis(50))).isEmpty(); // other language
        // a speaker never gets the dub of their own speech, even in their dubbing language
        rooms.publishEvent(room, "{\"type\":\"dub\",\"speaker\":\"" + esDub.id() + "\",\"utteranceId\":\"u9\","
                + "\"seq\":1,\"language\":\"es\",\"url\":\"/api/v1/audio/own\"}");
        assertThat(esDub.conn().drain("dub", Duration.ofMillis(200))).isEmpty();

        // the listener's current language counts
        es.send("{\"type\":\"language\",\"captionLanguage\":\"vi\"}");
        es.next("peer-updated");
        rooms.publishEvent(room, "{\"type\":\"translation\",\"speaker\":\"" + sp + "\",\"utteranceId\":\"u2\",\"seq\":5,"
                + "\"sourceLanguage\":\"en\",\"language\":\"vi\",\"text\":\"tam biet\",\"final\":true}");
        assertThat(es.next("translation").path("text").asString()).isEqualTo("tam biet");
    }

    @Test
    void captionsKeepPerSpeakerOrder() {
        Client one = join(a, "one");
        Client two = join(b, "two");
        for (int seq = 1; seq <= 300; seq++) {
            for (String speaker : List.of(one.id(), two.id())) {
                rooms.publishEvent(room, "{\"type\":\"transcript\",\"speaker\":\"" + speaker + "\",\"utteranceId\":\"u"
                        + (seq / 10) + "\",\"seq\":" + seq + ",\"language\":\"en\",\"text\":\"w" + seq
                        + "\",\"final\":false}");
            }
        }
        for (Client listener : List.of(one, two)) {
            List<JsonNode> got = listener.conn().drain("transcript", Duration.ofMillis(300));
            assertThat(got).hasSize(600);
            Map<String, Long> last = new HashMap<>();
            for (JsonNode n : got) {
                long prev = last.getOrDefault(n.path("speaker").asString(), 0L);
                assertThat(n.path("seq").asLong()).isEqualTo(prev + 1);
                last.put(n.path("speaker").asString(), n.path("seq").asLong());
            }
        }
    }
}
