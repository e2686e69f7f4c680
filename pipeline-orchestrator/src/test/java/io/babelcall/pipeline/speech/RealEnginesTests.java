package io.babelcall.pipeline.speech;

import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.common.caption.CaptionStatus;
import io.babelcall.common.caption.Dub;
import io.babelcall.common.caption.Transcript;
import io.babelcall.common.caption.Translation;
import io.babelcall.pipeline.support.Audio;
import io.babelcall.pipeline.support.ApyServer;
import io.babelcall.pipeline.support.AudioClient;
import io.babelcall.pipeline.support.EventCollector;
import io.babelcall.pipeline.support.LiveServerTestBase;
import io.babelcall.pipeline.support.Rooms;
import io.babelcall.testsupport.RedisServerExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * End to end on the real local engines: English speech made by {@code flite -voice slt}, streamed in real time
 * (20 ms frames) through the audio socket, recognised by pocketsphinx, translated to Spanish by an Apertium APy
 * server (started here on a free port and stopped mid-stream) and to Catalan by the embedded Apertium pipelines,
 * dubbed by espeak-ng. Checks the WER of the finals, the translation events, the dub WAV fetched over HTTP, and
 * degradation + recovery while APy is down.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "babelcall.token.secret=" + Rooms.SECRET,
        "babelcall.engines.instances.apy.type=apertium-apy",
        "babelcall.engines.instances.apy.options.pairs=en->es",
        "babelcall.engines.routes.mt[0].pairs[0]=en->es",
        "babelcall.engines.routes.mt[0].engine=apy",
        "babelcall.engines.routes.mt[1].pairs[0]=*",
        "babelcall.engines.routes.mt[1].engine=apertium",
})
class RealEnginesTests extends LiveServerTestBase {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final int APY_PORT = freePort();
    private static final ApyServer APY = new ApyServer(Path.of("/usr/share/apertium/modes"), APY_PORT);


    @DynamicPropertySource
    static void apy(DynamicPropertyRegistry registry) {
        registry.add("babelcall.engines.instances.apy.options.url", () -> "http://127.0.0.1:" + APY_PORT);
    }

    @Test
    void englishSpeechBecomesCaptionsTranslationsAndDubsAndSurvivesAnApyOutage() throws Exception {
        Path dir = Files.createTempDirectory("real-engines");
        String[] sentences = {
                "The weather is nice today.",
                "I would like a cup of coffee.",
                "Where is the train station?",
                "Thank you very much for your help."};
        List<short[]> speech = new ArrayList<>();
        for (String s : sentences) {
            speech.add(Audio.flite(s, dir));
        }
        APY.start();

        Rooms rooms = new Rooms(redis, json, tokens);
        String room = rooms.newRoom();
        String speaker = rooms.join(room, "ann", "Ann", "en", "en", false);
        rooms.join(room, "bea", "Bea", "es", "es", true);
        rooms.join(room, "dani", "Dani", "ca", "ca", false);

        try (EventCollector events = new EventCollector(container, json, room);
             AudioClient c = AudioClient.connect(port, speaker).start(16000)) {
            c.stream(Audio.concat(Audio.silence(16000, 1), speech.get(0), Audio.silence(16000, 1.2), speech.get(1),
                    Audio.silence(16000, 1.2)), 16000, 20, 1.0);
            List<Transcript> finals = events.finals(2, WAIT);
            double wer = wer(sentences[0] + " " + sentences[1], finals.get(0).text() + " " + finals.get(1).text());
            System.out.printf("finals: %s / %s -> WER %.1f%%%n", finals.get(0).text(), finals.get(1).text(), wer * 100);
            assertThat(wer).isLessThanOrEqualTo(0.15);
            // while the second sentence is spoken, interim hypotheses come at least every 500 ms
            List<Instant> interims = events.of(Transcript.class).stream()
                    .filter(t -> !t.isFinal() && t.utteranceId().equals(finals.get(1).utteranceId()))
                    .map(Transcript::publishedAt).toList();
            System.out.println("interims of the second sentence published at " + interims);
            assertThat(interims).hasSizeGreaterThanOrEqualTo(3);
            for (int i = 1; i < interims.size(); i++) {
                assertThat(Duration.between(interims.get(i - 1), interims.get(i)))
                        .as("gap before interim %d", i).isLessThanOrEqualTo(Duration.ofMillis(500));
            }
            Translation es = events.await(Translation.class, t -> t.isFinal() && t.language().value().equals("es")
                    && t.utteranceId().equals(finals.get(1).utteranceId()), WAIT);
            assertThat(es.text()).isNotBlank().isNotEqualTo(finals.get(1).text());
            events.await(Translation.class, t -> t.language().value().equals("ca"), WAIT);
            System.out.println("es: " + es.text());
            assertThat(es.text().toLowerCase(Locale.ROOT)).contains("café");

            Dub dub = events.await(Dub.class, d -> d.language().value().equals("es"), WAIT);
            HttpResponse<byte[]> wav = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + dub.url() + "?access_token=" + speaker)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(wav.statusCode()).isEqualTo(200);
            Audio.Wav parsed = Audio.readWav(wav.body());
            assertThat(parsed.seconds()).isGreaterThan(0.5);
            int peak = 0;
            for (short v : parsed.samples()) {
                peak = Math.max(peak, Math.abs(v));
            }
            assertThat(peak).as("dub is not silent").isGreaterThan(1000);

            // APy goes away mid-stream: Spanish degrades to a status and the original, Catalan is unaffected
            APY.stop();
            c.stream(Audio.concat(speech.get(2), Audio.silence(16000, 1.2)), 16000, 20, 1.0);
            Transcript third = events.finals(3, WAIT).get(2);
            CaptionStatus down = events.await(CaptionStatus.class, s -> CaptionStatus.UNTRANSLATED.equals(s.state())
                    && s.language() != null && s.language().value().equals("es"), WAIT);
            System.out.println("while APy is down: " + down);
            events.await(Translation.class, t -> t.language().value().equals("ca")
                    && t.utteranceId().equals(third.utteranceId()), WAIT);
            assertThat(events.of(Translation.class)).noneMatch(t -> t.isFinal() && t.language().value().equals("es")
                    && t.utteranceId().equals(third.utteranceId()));

            // APy is back: Spanish recovers on the next utterance, on the same stream
            APY.start();
            c.stream(Audio.concat(speech.get(3), Audio.silence(16000, 1.2)), 16000, 20, 1.0);
            Transcript fourth = events.finals(4, WAIT).get(3);
            events.await(Translation.class, t -> t.isFinal() && t.language().value().equals("es")
                    && t.utteranceId().equals(fourth.utteranceId()), WAIT);
            events.await(CaptionStatus.class, s -> CaptionStatus.OK.equals(s.state()) && s.language() != null
                    && s.language().value().equals("es"), WAIT);
            assertThat(c.isOpen()).isTrue();
        }
    }

    /** Word error rate: word-level edit distance over the reference length, case and punctuation ignored. */
    static double wer(String reference, String hypothesis) {
        String[] r = words(reference);
        String[] h = words(hypothesis);
        int[][] d = new int[r.length + 1][h.length + 1];
        for (int i = 0; i <= r.length; i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= h.length; j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= r.length; i++) {
            for (int j = 1; j <= h.length; j++) {
                int sub = d[i - 1][j - 1] + (r[i - 1].equals(h[j - 1]) ? 0 : 1);
                d[i][j] = Math.min(sub, Math.min(d[i - 1][j], d[i][j - 1]) + 1);
            }
        }
        return d[r.length][h.length] / (double) r.length;
    }

    private static String[] words(String s) {
        String t = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z' ]", " ").trim();
        return t.isEmpty() ? new String[0] : t.split("\\s+");
    }

    @AfterAll
    static void cleanUp() throws InterruptedException {
        APY.stop();
    }

    private static int freePort() {
        try {
            return RedisServerExtension.freePort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
