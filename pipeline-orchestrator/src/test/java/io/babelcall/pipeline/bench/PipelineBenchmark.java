package io.babelcall.pipeline.bench;

import io.babelcall.common.caption.Translation;
import io.babelcall.common.token.ParticipantTokens;
import io.babelcall.pipeline.PipelineApplication;
import io.babelcall.pipeline.engine.registry.EngineRouter;
import io.babelcall.pipeline.support.Audio;
import io.babelcall.pipeline.support.AudioClient;
import io.babelcall.pipeline.support.Rooms;
import io.babelcall.testsupport.RedisServerExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.listener.ReactiveRedisMessageListenerContainer;
import tools.jackson.databind.ObjectMapper;

/**
 * Benchmark of the orchestrator (not a test): boots the service on a free port against a real Redis and streams
 * speech through its audio WebSocket exactly as browsers do (20 ms PCM16 frames, real time).
 *
 * <ul>
 *   <li>{@code local}: end of speech -> translation published (server timestamps {@code endOfSpeechAt} ->
 *       {@code publishedAt}) with the local engines (pocketsphinx, Apertium, espeak-ng), engine cache off.</li>
 *   <li>{@code overhead}: the orchestration alone, with instant in-process fake engines: from the moment the endpointer
 *       ends an utterance (the recogniser's endUtterance call) to the translation event published and received from
 *       Redis. Every utterance is a new sentence, so translations miss the cache as in live speech
 *       ({@code -Dbench.repeat=true}: the same sentence, cache hits).</li>
 *   <li>{@code capacity}: N concurrent real-time speakers on the local engines, N = 1, 2, 3, ... until the p50 of
 *       end of speech -> translation is more than twice the single-speaker p50 (decoders raised to N + 1).</li>
 *   <li>{@code speakers}: N (8) concurrent real-time speakers with the shipped engine settings, in a room each and
 *       all in one room, against one speaker alone ({@link ConcurrentSpeakers}).</li>
 * </ul>
 * Prints p50/p95/p99 and throughput. Run with
 * {@code pipeline-orchestrator/bench.sh [local|overhead|capacity|speakers|all]}.
 */
public final class PipelineBenchmark {

    private static final String[] SENTENCES = {
            "The weather is nice today.",
            "I would like a cup of coffee.",
            "Where is the train station?",
            "Thank you very much for your help.",
            "We will meet again tomorrow morning.",
            "Can you send me the report?",
            // commas: pauses inside a sentence, where an endpoint must not cut
            "If it rains tomorrow, we will stay at home.",
            "Yes, I think so, but please call me first."};

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "all";
        String redis = RedisServerExtension.redisUrl();
        System.out.println("Redis: " + redis + "; cores: " + Runtime.getRuntime().availableProcessors());
        Path dir = Files.createTempDirectory("bench-speech");
        List<Sentence> speech = new ArrayList<>();
        // -Dbench.texts=FILE (a sentence per line) speaks other sentences, e.g. another benchmark's
        String other = System.getProperty("bench.texts");
        List<String> texts = other == null ? List.of(SENTENCES)
                : Files.readAllLines(Path.of(other)).stream().map(String::strip).filter(t -> !t.isEmpty()).toList();
        for (String s : texts) {
            speech.add(new Sentence(s, Audio.flite(s, dir)));
        }
        if (mode.equals("floor")) { // what Redis round trips alone cost on this host
            RedisRoundTrips.run(Integer.getInteger("floor.samples", 2000), Long.getLong("floor.interval-ms", 20));
        }
        if (mode.equals("overhead") || mode.equals("all")) {
            overhead(Integer.getInteger("bench.utterances", 200));
        }
        if (mode.equals("local") || mode.equals("all")) {
            local(speech, Integer.getInteger("bench.utterances.local", 24));
        }
        if (mode.equals("tap")) { // issue #17: the speech tap against /ws/audio
            TapVersusSocket.compare(List.of(SENTENCES), Integer.getInteger("bench.rounds", 4));
        }
        if (mode.equals("capacity") || mode.equals("all")) {
            ConcurrentSpeakers.capacity(speech, Integer.getInteger("bench.max.speakers", 24));
        }
        if (mode.equals("speakers") || mode.equals("all")) {
            ConcurrentSpeakers.atOnce(speech, Integer.getInteger("bench.speakers", 8),
                    Integer.getInteger("bench.sentences", 6));
        }
        System.exit(0);
    }

    // ------------------------------------------------------------------ overhead (fake engines)

    /**
     * Runs the per-utterance path often enough for the JIT to compile it (a server in service has long done so):
     * short utterances in another room with the same listener languages, streamed at 40x real time, not measured.
     */
    private static void warmUp(Env env, int utterances) throws Exception {
        if (utterances <= 0) {
            return;
        }
        long t0 = System.nanoTime();
        String room = env.rooms.newRoom();
        String token = env.rooms.join(room, "warm", "Warm-up", "en", "en", false);
        env.rooms.join(room, "w1", "W1", "es", "es", true);
        env.rooms.join(room, "w2", "W2", "ca", "ca", false);
        scriptSentences("warm", utterances);
        short[] one = Audio.concat(Audio.voice(16000, 0.3), Audio.silence(16000, 0.4));
        try (AudioClient c = AudioClient.connect(env.port, token).start(16000)) {
            for (int i = 0; i < utterances; i++) {
                c.stream(one, 16000, 20, 40);
            }
        }
        // the warm-up stream has settled: no utterance ended for half a second (captions follow within milliseconds)
        java.util.concurrent.atomic.AtomicInteger seen = new java.util.concurrent.atomic.AtomicInteger(-1);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .during(java.time.Duration.ofMillis(500)).until(() -> {
                    int ended = TimedFakes.ENDS.getOrDefault("warm", List.of()).size();
                    return seen.getAndSet(ended) == ended;
                });
        System.out.printf("warm-up: %d utterances in %.1f s (not measured)%n", utterances, (System.nanoTime() - t0) / 1e9);
    }

    private static void overhead(int utterances) throws Exception {
        // 1.9x real time by default (within the ingest limit of 2x) for shorter runs; 1.0 gave the same figures.
        double speed = Double.parseDouble(System.getProperty("bench.speed", "1.9"));
        System.out.println("\n== overhead: instant in-process fake engines, " + utterances
                + " utterances, listeners es+es+ca, audio at " + speed + "x real time, "
                + (Boolean.getBoolean("bench.repeat") ? "the same sentence each time (translation cache hits)"
                : "a new sentence each time (translation cache misses, as in live speech)") + " ==");
        // The warm-up stream runs far faster than real time, so the ingest rate limit is lifted for this context.
        try (ConfigurableApplicationContext ctx = boot(TimedFakes.class,
                "babelcall.pipeline.interim-translation-interval=0s", "babelcall.audio.max-realtime-factor=100",
                "babelcall.audio.rate-burst=60s")) {
            Env env = new Env(ctx);
            warmUp(env, Integer.getInteger("bench.warmup", 1500));
            String room = env.rooms.newRoom();
            String token = env.rooms.join(room, "spk", "Speaker", "en", "en", false);
            env.rooms.join(room, "l1", "L1", "es", "es", true);
            env.rooms.join(room, "l2", "L2", "es", "es", false);
            env.rooms.join(room, "l3", "L3", "ca", "ca", false);
            scriptSentences("spk", utterances);
            Map<String, Long> received = new ConcurrentHashMap<>();
            List<String> order = Collections.synchronizedList(new ArrayList<>());
            // The listener has its own Redis client, as signaling (another process) has in production: it must not
            // borrow the orchestrator's Redis I/O threads to receive and parse the events it times.
            io.lettuce.core.RedisClient listenerClient =
                    io.lettuce.core.RedisClient.create(RedisServerExtension.redisUrl());
            var listener = listenerClient.connectPubSub();
            listener.addListener(new io.lettuce.core.pubsub.RedisPubSubAdapter<String, String>() {
                @Override
                public void message(String channel, String message) {
                    long now = System.nanoTime();
                    var e = env.json.readValue(message, io.babelcall.common.caption.CaptionEvent.class);
                    if (e instanceof io.babelcall.common.caption.Transcript t && t.isFinal()) {
                        order.add(t.utteranceId());
                    }
                    if (e instanceof Translation t && t.isFinal() && t.language().value().equals("ca")) {
                        received.put(t.utteranceId(), now);
                    }
                }
            });
            listener.sync().subscribe(io.babelcall.common.room.RedisKeys.events(room));
            short[] one = Audio.concat(Audio.voice(16000, 0.6), Audio.silence(16000, 0.4));
            try (AudioClient c = AudioClient.connect(env.port, token).start(16000)) {
                c.stream(Audio.silence(16000, 0.3), 16000, 20, 0);
                for (int i = 0; i < utterances; i++) {
                    c.stream(one, 16000, 20, speed);
                }
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (received.size() < utterances && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
            }
            listener.close();
            listenerClient.shutdown();
            List<Long> ends = TimedFakes.ENDS.get("spk");
            List<Double> acked = new ArrayList<>();
            List<Double> ms = new ArrayList<>();
            int warm = 10;
            for (int i = warm; i < Math.min(order.size(), ends.size()); i++) {
                Long ack = TimedFakes.CA_ACKED.get(order.get(i));
                Long got = received.get(order.get(i));
                if (ack != null && got != null) {
                    acked.add((ack - ends.get(i)) / 1e6);
                    ms.add((got - ends.get(i)) / 1e6);
                }
            }
            // Two ends: the orchestrator's (Redis has taken the PUBLISH: the span of the eos-to-translation metric,
            // without the hangover) and a subscriber's (one more hop: Redis to another client's I/O thread).
            report("endUtterance -> 'ca' translation published (PUBLISH acknowledged; transcript and 'ca' sent in order)",
                    acked, 0);
            report("endUtterance -> 'ca' translation received by a subscriber", ms, 0);
        }
    }

    /**
     * Gives the speaker a new sentence per utterance, so every translation misses the cache (live speech rarely
     * repeats itself), unless {@code -Dbench.repeat=true}: then every utterance is "hello world" and hits it.
     */
    private static void scriptSentences(String speakerId, int utterances) {
        if (Boolean.getBoolean("bench.repeat")) {
            return;
        }
        String run = Long.toString(System.nanoTime(), 36);
        String[] sentences = new String[utterances];
        for (int i = 0; i < utterances; i++) {
            sentences[i] = "this is sentence " + i + " of run " + run + " and nobody said it before";
        }
        TimedFakes.FAKES.recognizer.script(speakerId, sentences);
    }

    // ------------------------------------------------------------------ local engines

    private static void local(List<Sentence> speech, int utterances) throws Exception {
        System.out.println("\n== local engines: pocketsphinx + Apertium + espeak-ng, cache off, " + utterances
                + " utterances, real time ==");
        try (ConfigurableApplicationContext ctx = boot(null, "babelcall.engines.cache.enabled=false")) {
            Env env = new Env(ctx);
            SpeakerRun.Result r = SpeakerRun.run(env, speech, 1, utterances, SpeakerRun.Layout.ROOM_EACH);
            report("end of speech -> 'es' translation published", r.latencies(), r.seconds());
            System.out.println("  degraded (caption-status not ok): " + r.degraded());
            System.out.println("  " + r.interims().describe());
            report("speech onset -> first interim published", r.firstInterims(), 0);
            report("(onset at the first sample over -55 dBFS, rounds 1-12) -> first interim", r.firstInterimsFromPeak(),
                    0);
            System.out.printf("  sentences %d: split inside a sentence (finals beyond one per sentence) %d (%.1f %%), "
                    + "without a final %d%n", r.sentences(), r.extraFinals(), 100.0 * r.extraFinals() / r.sentences(),
                    r.missingFinals());
            System.out.printf("  finals against the sentences spoken: WER %.1f %% (%d errors in %d words)%n",
                    100.0 * r.wordErrors() / Math.max(1, r.words()), r.wordErrors(), r.words());
        }
    }

    // ------------------------------------------------------------------ plumbing

    static final class Env {
        final int port;
        final Rooms rooms;
        final ObjectMapper json;
        final ReactiveRedisMessageListenerContainer container;

        Env(ConfigurableApplicationContext ctx) {
            port = ((WebServerApplicationContext) ctx).getWebServer().getPort();
            json = ctx.getBean(ObjectMapper.class);
            container = ctx.getBean(ReactiveRedisMessageListenerContainer.class);
            rooms = new Rooms(ctx.getBean(ReactiveStringRedisTemplate.class), json, ctx.getBean(ParticipantTokens.class));
        }
    }

    static ConfigurableApplicationContext boot(Class<?> extra, String... props) {
        List<String> all = new ArrayList<>(List.of("server.port=0", "babelcall.token.secret=" + Rooms.SECRET,
                "logging.level.root=WARN", "logging.level.io.babelcall=ERROR", "spring.main.banner-mode=off"));
        all.addAll(List.of(props));
        // -Dbench.props=key=value;key=value: settings to compare (e.g. an engine option before and after a change)
        for (String p : System.getProperty("bench.props", "").split(";", -1)) {
            if (!p.isBlank()) {
                all.add(p.strip());
            }
        }
        // The extra configuration first: its EngineRouter must be registered before the engine auto-configuration's
        // @ConditionalOnMissingBean(EngineRouter) is evaluated.
        SpringApplicationBuilder b = extra == null ? new SpringApplicationBuilder(PipelineApplication.class)
                : new SpringApplicationBuilder(extra, PipelineApplication.class);
        return b.run(all.stream().map(p -> "--" + p).toArray(String[]::new)); // args outrank application.yml
    }

    static double pct(List<Double> values, double p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int idx = (int) Math.ceil(p / 100 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, idx)));
    }

    static void report(String what, List<Double> ms, double seconds) {
        System.out.println("  load average (other processes share these cores): " + loadAverage());
        System.out.printf("  %s: n=%d  p50 %.2f ms  p95 %.2f ms  p99 %.2f ms  max %.2f ms%s%n", what, ms.size(),
                pct(ms, 50), pct(ms, 95), pct(ms, 99), ms.stream().mapToDouble(Double::doubleValue).max().orElse(0),
                seconds > 0 ? String.format("  (%.2f utterances/s over %.0f s)", ms.size() / seconds, seconds) : "");
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "n/a";
        }
    }

    private PipelineBenchmark() {
    }
}
