package io.babelcall.pipeline.support;

import io.babelcall.pipeline.dub.DubAudioStore;
import io.babelcall.pipeline.engine.registry.EngineRouter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;

/**
 * One Spring context (real Redis, real WebSocket server on a random port) with in-process fake engines, shared by the
 * pipeline test classes. Interim translation is off so MT calls can be counted exactly.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "babelcall.token.secret=" + Rooms.SECRET,
        "babelcall.audio.start-timeout=1500ms",
        "babelcall.pipeline.interim-translation-interval=0s",
        "babelcall.pipeline.listener-cache-ttl=0s",
        "babelcall.pipeline.translation-timeout=1s",
        "babelcall.pipeline.recognition-timeout=1s", // the fake recogniser answers at once unless told to stall
        // the configured engines stay idle behind the fakes: do not warm them up
        "babelcall.engines.instances.apertium.options.preload=false",
        "babelcall.engines.instances.sphinx.options.min-idle=0"
})
@Import(FakeEngineConfiguration.class)
public abstract class PipelineTestBase extends LiveServerTestBase {

    // One client per test, HTTP/1.1: a client shared by every test class kept pooled connections to servers of
    // contexts closed since, whose random ports later contexts may get again (a GET then hung until its time-out).
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Autowired
    protected FakeEngines engines;
    @Autowired
    protected EngineRouter router;
    @Autowired
    protected MeterRegistry meters;
    @Autowired
    protected DubAudioStore dubs;
    protected Rooms rooms;

    @BeforeEach
    void setUpRooms() {
        rooms = newRooms();
        engines.translator.reset();
        engines.recognizer.speculate(false);
    }

    /** GET on this server; {@code authorization} is the whole header value ("Bearer ...") or null for none. */
    protected HttpResponse<byte[]> get(String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** A dub audio entry of the room, as the pipeline stores one; returns its URL path. */
    protected String storedDub(String roomId) {
        return DubAudioStore.path(dubs.store(roomId, new byte[] {'R', 'I', 'F', 'F'}).block(Duration.ofSeconds(5)));
    }

    /** One utterance of synthetic voice followed by enough silence to end it. */
    protected static short[] utterance(int rate) {
        return Audio.concat(Audio.silence(rate, 0.2), Audio.voice(rate, 0.8), Audio.silence(rate, 0.6));
    }
}
