package io.babelcall.pipeline.support;

import io.babelcall.pipeline.engine.EngineRouter;
import io.micrometer.core.instrument.MeterRegistry;
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

    @Autowired
    protected FakeEngines engines;
    @Autowired
    protected EngineRouter router;
    @Autowired
    protected MeterRegistry meters;
    protected Rooms rooms;

    @BeforeEach
    void setUpRooms() {
        rooms = newRooms();
        engines.translator.reset();
    }

    /** One utterance of synthetic voice followed by enough silence to end it. */
    protected static short[] utterance(int rate) {
        return Audio.concat(Audio.silence(rate, 0.2), Audio.voice(rate, 0.8), Audio.silence(rate, 0.6));
    }
}
