package io.babelcall.pipeline.speech;

import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.common.caption.CaptionEvent;
import io.babelcall.common.caption.CaptionStatus;
import io.babelcall.common.caption.Dub;
import io.babelcall.common.caption.TextSpan;
import io.babelcall.common.caption.Transcript;
import io.babelcall.common.caption.Translation;
import io.babelcall.common.room.RedisKeys;
import io.babelcall.pipeline.support.Audio;
import io.babelcall.pipeline.support.AudioClient;
import io.babelcall.pipeline.support.EventCollector;
import io.babelcall.pipeline.support.PipelineTestBase;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The speech pipeline behind the socket, with in-process fake engines and real Redis: translation fan-out per
 * distinct caption language, per-speaker ordering and seq, dubbing and its HTTP fetch, degradation and recovery of a
 * failing translator, the transcript export and the metrics.
 */
class CaptionPipelineTests extends PipelineTestBase {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void translatesOncePerDistinctLanguageOfConnectedListenersAndKeepsEachSpeakersOrder() throws Exception {
        String room = rooms.newRoom();
        String speaker = rooms.join(room, "ann", "Ann", "en", "en", false);
        rooms.join(room, "bea", "Bea", "es", "es", true);
        rooms.join(room, "carl", "Carl", "es", "es", true);
        rooms.join(room, "dani", "Dani", "ca", "ca", false);
        rooms.join(room, "ed", "Ed", "en", "en", true); // the speaker's language: neither translated nor dubbed
        rooms.admitOnly(room, "finn", "Finn", "fr", "fr", true); // never connected to signaling: no listener
        engines.recognizer.script("ann", "i'm here", "where are you");
        double utterancesBefore = counter("babelcall.utterances", "language", "en");
        int synthesesBefore = engines.synthesizer.calls.get();

        try (EventCollector events = events(room); AudioClient c = AudioClient.connect(port, speaker).start(48000)) {
            c.stream(Audio.concat(utterance(48000), utterance(48000)), 48000, 20, 1.5);
            events.await(Translation.class, t -> t.text().contains("Where are you?") && t.language().value().equals("ca"), WAIT);
            events.await(Dub.class, d -> true, WAIT);
            c.stop();
            events.awaitSettled(Duration.ofMillis(200), WAIT);

            List<Transcript> finals = events.of(Transcript.class).stream().filter(Transcript::isFinal).toList();
            assertThat(finals).extracting(Transcript::text).containsExactly("I'm here.", "Where are you?");
            // exactly one MT call per distinct language per utterance: es (two listeners) and ca; none for English
            assertThat(engines.translator.calls("es")).isEqualTo(2);
            assertThat(engines.translator.calls("ca")).isEqualTo(2);
            assertThat(engines.translator.calls("en")).isZero();
            assertThat(engines.translator.calls("fr")).isZero();
            List<Translation> translations = events.of(Translation.class);
            assertThat(translations).hasSize(4).allSatisfy(t -> {
                assertThat(t.isFinal()).isTrue();
                assertThat(t.sourceLanguage().value()).isEqualTo("en");
                assertThat(t.endOfSpeechAt()).isNotNull().isBeforeOrEqualTo(t.publishedAt());
            });
            for (Transcript f : finals) {
                assertThat(translations.stream().filter(t -> t.utteranceId().equals(f.utteranceId())))
                        .extracting(t -> t.language().value() + ":" + t.text())
                        .containsExactlyInAnyOrder("es:[es] " + f.text(), "ca:[ca] " + f.text());
                assertThat(f.endOfSpeechAt()).isBeforeOrEqualTo(f.publishedAt());
            }

            // seq increases over all of the speaker's events in publish order, and a translation of utterance 2
            // never precedes the final of utterance 1 (nor its own final)
            List<CaptionEvent> all = events.events;
            long prev = Long.MIN_VALUE;
            for (CaptionEvent e : all) {
                long seq = seq(e);
                if (seq >= 0) {
                    assertThat(seq).isGreaterThan(prev);
                    prev = seq;
                }
            }
            int final1 = indexOf(all, e -> e instanceof Transcript t && t.isFinal() && t.utteranceId().equals(finals.get(0).utteranceId()));
            int final2 = indexOf(all, e -> e instanceof Transcript t && t.isFinal() && t.utteranceId().equals(finals.get(1).utteranceId()));
            for (int i = 0; i < all.size(); i++) {
                if (all.get(i) instanceof Translation t) {
                    int ownFinal = t.utteranceId().equals(finals.get(0).utteranceId()) ? final1 : final2;
                    assertThat(i).isGreaterThan(ownFinal).isGreaterThan(final1);
                }
            }

            // one dub per utterance, in Spanish only (two listeners dub in es, one synthesis each time; the English
            // listener's dubbing is the speaker's own language), fetchable with a room token
            List<Dub> dubs = events.of(Dub.class);
            assertThat(dubs).hasSize(2).allSatisfy(d -> assertThat(d.language().value()).isEqualTo("es"));
            assertThat(engines.synthesizer.calls.get() - synthesesBefore).isEqualTo(2);
            Dub dub = dubs.get(0);
            assertThat(dub.url()).startsWith("/api/v1/audio/");
            HttpResponse<byte[]> wav = get(dub.url(), "Bearer " + speaker);
            assertThat(wav.statusCode()).isEqualTo(200);
            assertThat(wav.headers().firstValue("Content-Type")).hasValue("audio/wav");
            assertThat(Audio.readWav(wav.body()).seconds()).isGreaterThan(0.1);
            assertThat(get(dub.url() + "?access_token=" + speaker, null).statusCode()).isEqualTo(200);
            assertThat(get(dub.url(), null).statusCode()).isEqualTo(401);
            String otherRoom = rooms.newRoom();
            String stranger = rooms.join(otherRoom, "eve", "Eve", "en", "en", false);
            HttpResponse<byte[]> forbidden = get(dub.url(), "Bearer " + stranger);
            assertThat(forbidden.statusCode()).isEqualTo(403);
            assertThat(forbidden.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(get("/api/v1/audio/AAAAAAAAAAAAAAAAAAAAAA", "Bearer " + speaker).statusCode()).isEqualTo(404);
            Long ttl = redis.getExpire(RedisKeys.dubAudio(dub.url().substring("/api/v1/audio/".length()))).block().toSeconds();
            assertThat(ttl).isBetween(500L, 600L);
            redis.delete(RedisKeys.dubAudio(dub.url().substring("/api/v1/audio/".length()))).block(); // as if expired
            assertThat(get(dub.url(), "Bearer " + speaker).statusCode()).isEqualTo(404);
        }

        assertThat(counter("babelcall.utterances", "language", "en")).isEqualTo(utterancesBefore + 2);
        assertThat(meters.find("babelcall.pipeline.eos.to.translation").tag("target", "ca").timer().count()).isPositive();
        assertThat(meters.find("babelcall.pipeline.eos.to.transcript").timer().count()).isPositive();

        // the transcript: both finals with their translations, exported in three formats
        HttpResponse<byte[]> jsonExport = get("/api/v1/rooms/" + room + "/transcript?format=json&lang=es", "Bearer " + speaker);
        assertThat(jsonExport.statusCode()).isEqualTo(200);
        JsonNode doc = json.readTree(jsonExport.body());
        assertThat(doc.get("utterances")).hasSize(2);
        JsonNode first = doc.get("utterances").get(0);
        assertThat(first.get("speakerName").asString()).isEqualTo("Ann");
        assertThat(first.get("text").asString()).isEqualTo("I'm here.");
        assertThat(first.get("caption").asString()).isEqualTo("[es] I'm here.");
        assertThat(first.get("startMs").asLong()).isZero();
        String vtt = new String(get("/api/v1/rooms/" + room + "/transcript?format=vtt&lang=ca", "Bearer " + speaker).body(),
                StandardCharsets.UTF_8);
        assertThat(vtt).startsWith("WEBVTT\n\n1\n00:00:00.000 --> 00:00:0").contains("<v Ann>[ca] Where are you?");
        String srt = new String(get("/api/v1/rooms/" + room + "/transcript?format=srt", "Bearer " + speaker).body(),
                StandardCharsets.UTF_8);
        assertThat(srt).startsWith("1\n00:00:00,000 --> 00:00:0").contains("Ann: I'm here.\n\n2\n");
        assertThat(redis.getExpire(RedisKeys.transcript(room)).block()).isPositive();
        assertThat(get("/api/v1/rooms/" + room + "/transcript?format=doc", "Bearer " + speaker).statusCode()).isEqualTo(400);
        assertThat(get("/api/v1/rooms/" + room + "/transcript?lang=not%20a%20language", "Bearer " + speaker).statusCode())
                .isEqualTo(400);
        assertThat(get("/api/v1/rooms/" + room + "/transcript", null).statusCode()).isEqualTo(401);
        String otherRoom = rooms.newRoom();
        assertThat(get("/api/v1/rooms/" + otherRoom + "/transcript", "Bearer " + speaker).statusCode()).isEqualTo(403);
    }

    @Test
    void aFailingTranslatorDegradesToStatusAndOriginalThenRecovers() throws Exception {
        String room = rooms.newRoom();
        String speaker = rooms.join(room, "ann", "Ann", "en", "en", false);
        rooms.join(room, "bea", "Bea", "es", "es", false);
        rooms.join(room, "dani", "Dani", "ca", "ca", false);
        engines.recognizer.script("ann", "first try", "second try");
        engines.translator.fail("ca", true);

        try (EventCollector events = events(room); AudioClient c = AudioClient.connect(port, speaker).start(16000)) {
            c.stream(utterance(16000), 16000, 20, 1.5);
            CaptionStatus down = events.await(CaptionStatus.class,
                    s -> s.state().equals(CaptionStatus.UNTRANSLATED), WAIT);
            assertThat(down.language().value()).isEqualTo("ca");
            assertThat(down.speaker()).isEqualTo("ann");
            // the original is still delivered, and the healthy language still translated
            Transcript first = events.await(Transcript.class, t -> t.isFinal() && t.text().equals("First try."), WAIT);
            events.await(Translation.class, t -> t.language().value().equals("es"), WAIT);
            // the status names the utterance it concerns and takes its place in the speaker's seq order
            assertThat(down.utteranceId()).isEqualTo(first.utteranceId());
            assertThat(down.seq()).isGreaterThan(first.seq());
            assertThat(events.of(Translation.class)).noneMatch(t -> t.language().value().equals("ca"));

            engines.translator.fail("ca", false);
            c.stream(utterance(16000), 16000, 20, 1.5);
            events.await(Translation.class, t -> t.language().value().equals("ca") && t.text().equals("[ca] Second try."), WAIT);
            CaptionStatus up = events.await(CaptionStatus.class, s -> s.state().equals(CaptionStatus.OK), WAIT);
            assertThat(up.language().value()).isEqualTo("ca");
            assertThat(up.seq()).isGreaterThan(down.seq());
            assertThat(up.utteranceId()).isNotEqualTo(first.utteranceId()).isNotNull();
            assertThat(c.isOpen()).isTrue(); // the engine never ended the stream
        }
    }

    @Test
    void aFailingSynthesizerDegradesDubbingToStatusWhileCaptionsGoOnThenRecovers() throws Exception {
        String room = rooms.newRoom();
        String speaker = rooms.join(room, "ann", "Ann", "en", "en", false);
        rooms.join(room, "bea", "Bea", "es", "es", true);
        engines.recognizer.script("ann", "no voice yet", "a voice again");
        engines.synthesizer.fail(true);

        try (EventCollector events = events(room); AudioClient c = AudioClient.connect(port, speaker).start(16000)) {
            c.stream(utterance(16000), 16000, 20, 1.5);
            CaptionStatus down = events.await(CaptionStatus.class,
                    s -> s.state().equals(CaptionStatus.TTS_UNAVAILABLE), WAIT);
            assertThat(down.language().value()).isEqualTo("es");
            Translation translated = events.await(Translation.class, t -> t.text().equals("[es] No voice yet."), WAIT);
            assertThat(down.utteranceId()).isEqualTo(translated.utteranceId());
            assertThat(events.of(Dub.class)).isEmpty();

            engines.synthesizer.fail(false);
            c.stream(utterance(16000), 16000, 20, 1.5);
            Dub dub = events.await(Dub.class, d -> d.language().value().equals("es"), WAIT);
            CaptionStatus up = events.await(CaptionStatus.class,
                    s -> s.state().equals(CaptionStatus.OK) && s.seq() > down.seq(), WAIT);
            assertThat(up.language().value()).isEqualTo("es");
            assertThat(up.utteranceId()).isEqualTo(dub.utteranceId()).isNotEqualTo(down.utteranceId());
            assertThat(c.isOpen()).isTrue(); // the engine never ended the stream
        } finally {
            engines.synthesizer.fail(false);
        }
    }

    @Test
    void aStalledRecognizerDegradesToAsrStatusWithoutEndingTheStreamThenRecovers() throws Exception {
        String room = rooms.newRoom();
        String speaker = rooms.join(room, "ann", "Ann", "en", "en", false);
        rooms.join(room, "bea", "Bea", "es", "es", false);
        engines.recognizer.script("ann", "heard again");
        engines.recognizer.stall(true);

        try (EventCollector events = events(room); AudioClient c = AudioClient.connect(port, speaker).start(16000)) {
            c.stream(utterance(16000), 16000, 20, 1.5);
            CaptionStatus down = events.await(CaptionStatus.class,
                    s -> s.state().equals(CaptionStatus.ASR_UNAVAILABLE), WAIT);
            assertThat(down.speaker()).isEqualTo("ann");
            assertThat(events.of(Transcript.class)).noneMatch(Transcript::isFinal);
            assertThat(c.isOpen()).isTrue();
            // the utterance whose interim listeners see will get no final: they are told so, naming it
            Transcript interim = events.await(Transcript.class, t -> !t.isFinal(), WAIT);
            CaptionStatus failed = events.await(CaptionStatus.class,
                    s -> CaptionStatus.FAILED.equals(s.state()), WAIT);
            assertThat(failed.utteranceId()).isEqualTo(interim.utteranceId());
            assertThat(failed.reason()).isEqualTo("recognizer timed out");
            assertThat(failed.seq()).isGreaterThan(interim.seq());

            engines.recognizer.stall(false);
            c.stream(utterance(16000), 16000, 20, 1.5);
            Transcript heard = events.await(Transcript.class, t -> t.isFinal() && t.text().equals("Heard again."), WAIT);
            events.await(Translation.class, t -> t.utteranceId().equals(heard.utteranceId()), WAIT);
            CaptionStatus up = events.await(CaptionStatus.class,
                    s -> s.state().equals(CaptionStatus.OK) && s.seq() > down.seq(), WAIT);
            assertThat(up.reason()).isEqualTo("recovered");
            assertThat(c.isOpen()).isTrue(); // the engine never ended the stream
        } finally {
            engines.recognizer.stall(false);
        }
    }


    @Test
    void anUtteranceTheRecognizerMadeNothingOfIsAbandonedSoItsInterimLineSettles() throws Exception {
        String room = rooms.newRoom();
        String speaker = rooms.join(room, "ann", "Ann", "en", "en", false);
        rooms.join(room, "bea", "Bea", "es", "es", false);
        engines.recognizer.script("ann", "", "heard after");

        try (EventCollector events = events(room); AudioClient c = AudioClient.connect(port, speaker).start(16000)) {
            c.stream(Audio.concat(utterance(16000), utterance(16000)), 16000, 20, 1.5);
            Transcript next = events.await(Transcript.class, t -> t.isFinal() && t.text().equals("Heard after."), WAIT);
            List<Transcript> interims = events.of(Transcript.class).stream().filter(t -> !t.isFinal()
                    && !t.utteranceId().equals(next.utteranceId())).toList();
            assertThat(interims).as("interims of the first utterance").isNotEmpty();
            CaptionStatus abandoned = events.await(CaptionStatus.class,
                    s -> CaptionStatus.ABANDONED.equals(s.state()), WAIT);
            assertThat(abandoned.utteranceId()).isEqualTo(interims.get(0).utteranceId());
            assertThat(abandoned.reason()).isEqualTo("nothing recognised");
            assertThat(events.of(CaptionStatus.class)).as("one status, for the first utterance only").hasSize(1);
        }
    }

    /**
     * Interims say how much of their text is stable: words the recogniser's last {@code stable-agreement} (3)
     * hypotheses agreed on, kept by later ones.
     */
    @Test
    void interimsCarryAStablePrefixThatLaterInterimsKeep() throws Exception {
        String room = rooms.newRoom();
        String speaker = rooms.join(room, "ann", "Ann", "en", "en", false);
        rooms.join(room, "bea", "Bea", "es", "es", false);
        engines.recognizer.script("ann", "so far so good");

        try (EventCollector events = events(room); AudioClient c = AudioClient.connect(port, speaker).start(16000)) {
            // 2 s of speech: four of the fake's hypotheses (one per 0.5 s), three needed to agree
            c.stream(Audio.concat(Audio.silence(16000, 0.2), Audio.voice(16000, 2.0), Audio.silence(16000, 0.6)),
                    16000, 20, 1.5);
            Transcript fin = events.await(Transcript.class, Transcript::isFinal, WAIT);
            List<Transcript> interims = events.of(Transcript.class).stream()
                    .filter(t -> !t.isFinal() && t.utteranceId().equals(fin.utteranceId())).toList();
            assertThat(interims).as("interims of the utterance").hasSizeGreaterThanOrEqualTo(2);
            assertThat(interims.get(0).stable()).as("nothing agreed on yet").isZero();
            String stableBefore = "";
            for (Transcript t : interims) {
                assertThat(t.stable()).isNotNull();
                String stable = t.text().substring(0, t.stable());
                assertThat(stable).as("a stable prefix is never taken back").startsWith(stableBefore);
                stableBefore = stable;
            }
            assertThat(stableBefore).as("the fake recogniser's 'so far <n> ms' interims agree on 'so far'")
                    .isEqualToIgnoringCase("so far");
            assertThat(fin.stable()).as("finals carry no stable prefix").isNull();
        }
    }

    private double counter(String name, String tag, String value) {
        var c = meters.find(name).tag(tag, value).counter();
        return c == null ? 0 : c.count();
    }

    private static long seq(CaptionEvent e) {
        if (e instanceof Transcript t) {
            return t.seq();
        }
        if (e instanceof Translation t) {
            return t.seq();
        }
        if (e instanceof Dub d) {
            return d.seq();
        }
        return -1;
    }

    private static int indexOf(List<CaptionEvent> all, java.util.function.Predicate<CaptionEvent> p) {
        for (int i = 0; i < all.size(); i++) {
            if (p.test(all.get(i))) {
                return i;
            }
        }
        throw new AssertionError("no such event in " + all);
    }

    /**
     * A word the translator did not know reaches listeners marked: the translation event lists its span (UTF-16
     * offsets of the text) in {@code unknown}; a translation without one has no such field on the wire.
     */
    @Test
    void wordsTheTranslatorDoesNotKnowArePublishedAsUnknownSpans() throws Exception {
        String room = rooms.newRoom();
        String speaker = rooms.join(room, "ann", "Ann", "en", "en", false);
        rooms.join(room, "bea", "Bea", "es", "es", false);
        engines.recognizer.script("ann", "the zorblax is here", "all is well");
        try (EventCollector events = events(room); AudioClient c = AudioClient.connect(port, speaker).start(16000)) {
            c.stream(Audio.concat(utterance(16000), utterance(16000)), 16000, 20, 1.5);
            Translation marked = events.await(Translation.class, t -> t.text().contains("Zorblax")
                    || t.text().contains("zorblax"), WAIT);
            events.await(Translation.class, t -> t.text().contains("All is well"), WAIT);

            assertThat(marked.text()).isEqualTo("[es] The zorblax is here.");
            assertThat(marked.unknown()).containsExactly(new TextSpan(9, 16));
            List<JsonNode> wire = events.raw.stream().map(json::readTree)
                    .filter(n -> n.get("type").asString().equals("translation")).toList();
            assertThat(wire).hasSize(2);
            assertThat(wire.get(0).get("unknown").toString()).isEqualTo("[{\"start\":9,\"end\":16}]");
            assertThat(wire.get(1).has("unknown")).isFalse();
        }
    }
}
