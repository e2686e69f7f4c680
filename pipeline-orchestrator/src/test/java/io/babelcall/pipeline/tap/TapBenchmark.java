package io.babelcall.pipeline.tap;

import io.babelcall.common.token.ParticipantTokens;
import io.babelcall.pipeline.PipelineApplication;
import io.babelcall.pipeline.support.Audio;
import io.babelcall.pipeline.support.Rooms;
import io.babelcall.testsupport.RedisServerExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import tools.jackson.databind.ObjectMapper;

/**
 * Benchmark of the speech tap (not a test; figures in docs/benchmarks/tap.md):
 * <ul>
 *   <li>{@code decode}: CPU time of the jitter buffer, Opus decoding and 48 -> 16 kHz decimation per second of audio,
 *       in process, on flite speech with pauses encoded as browsers send it (20 ms, 32 kbit/s VoIP, FEC);</li>
 *   <li>{@code latency}: N concurrent real-time RTP streams over UDP into a booted orchestrator (real Redis); for every
 *       chunk of PCM handed on, the time since its datagram was read (the {@code babelcall_rtp_packet_to_pcm} span),
 *       p50/p95/p99, and the process CPU per stream-second. The sink only measures: no recognition behind it.</li>
 * </ul>
 * Run from the repository root:
 * <pre>
 * ./mvnw -B -q -o -f pipeline-orchestrator/pom.xml test-compile dependency:build-classpath -Dmdep.includeScope=test \
 *     -Dmdep.outputFile=target/bench-classpath.txt
 * java -cp pipeline-orchestrator/target/test-classes:pipeline-orchestrator/target/classes:common/target/classes:$(cat \
 *     pipeline-orchestrator/target/bench-classpath.txt) io.babelcall.pipeline.tap.TapBenchmark [streams...]
 * </pre>
 */
public final class TapBenchmark {

    private static final String[] SENTENCES = {"The weather is nice today.", "I would like a cup of coffee.",
            "Where is the train station?", "Thank you very much for your help."};

    /** Latencies (nanos) of every PCM chunk handed on; a source of the benchmark's context (not scanned). */
    static class MeasuringSinks {
        static final long[] LATENCIES = new long[2_000_000];
        static int count;

        @Bean
        @Primary
        TapSink.Factory measuringSinks() {
            return speaker -> new TapSink() {
                @Override
                public void accept(short[] samples, long arrivalNanos) {
                    long latency = System.nanoTime() - arrivalNanos;
                    synchronized (LATENCIES) {
                        if (count < LATENCIES.length) {
                            LATENCIES[count++] = latency;
                        }
                    }
                }

                @Override
                public boolean inSpeech() {
                    return false;
                }

                @Override
                public void close() {
                }
            };
        }
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("tap-bench");
        List<short[]> parts = new ArrayList<>();
        for (String s : SENTENCES) {
            parts.add(Audio.flite(s, dir, 48_000));
            parts.add(Audio.silence(48_000, 0.8));
        }
        short[] clip = Audio.concat(parts.toArray(short[][]::new));
        double clipSeconds = clip.length / 48_000.0;
        System.out.printf("clip: %.1f s of flite speech with pauses; cores: %d; load: %.1f%n", clipSeconds,
                Runtime.getRuntime().availableProcessors(), ManagementFactory.getOperatingSystemMXBean()
                        .getSystemLoadAverage());
        decode(clip, clipSeconds);
        int[] streams = args.length == 0 ? new int[] {1, 10, 50}
                : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        latency(clip, clipSeconds, streams);
        System.exit(0);
    }

    private static void decode(short[] clip, double clipSeconds) {
        List<RtpPacket> packets = new OpusRtpStream(1, 0, false).packets(clip).stream().map(OpusRtpStream::packet)
                .toList();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (double loss : new double[] {0, 0.05}) {
            int rounds = 60;
            long cpu = 0;
            for (int r = 0; r < rounds + 10; r++) {
                TapDecoder decoder = new TapDecoder(new TapMetrics(new SimpleMeterRegistry()));
                JitterBuffer buffer = new JitterBuffer(80_000_000L);
                long t0 = threads.getCurrentThreadCpuTime();
                long now = 0;
                for (RtpPacket p : packets) {
                    now += 20_000_000L;
                    if (loss > 0 && ThreadLocalRandom.current().nextDouble() < loss) {
                        continue;
                    }
                    buffer.offer(p, now, (q, lost) -> decoder.decode(q, lost));
                    buffer.flush(now, (q, lost) -> decoder.decode(q, lost));
                }
                if (r >= 10) { // the first rounds warm the JIT up
                    cpu += threads.getCurrentThreadCpuTime() - t0;
                }
            }
            System.out.printf("decode (%.0f%% loss): %.2f ms CPU per second of audio (%.2f%% of one core per stream)%n",
                    loss * 100, cpu / 1e6 / (rounds * clipSeconds), cpu / 1e7 / (rounds * clipSeconds));
        }
    }

    private static void latency(short[] clip, double clipSeconds, int[] streamCounts) throws Exception {
        String redisUrl = RedisServerExtension.redisUrl();
        ConfigurableApplicationContext ctx = new SpringApplicationBuilder(MeasuringSinks.class,
                PipelineApplication.class).run("--server.port=0", "--spring.data.redis.url=" + redisUrl,
                "--babelcall.token.secret=" + Rooms.SECRET, "--babelcall.tap.port=0",
                "--babelcall.engines.instances.apertium.options.preload=false",
                "--babelcall.engines.instances.sphinx.options.min-idle=0", "--logging.level.io.babelcall=WARN");
        SpeechTap tap = ctx.getBean(SpeechTap.class);
        Rooms rooms = new Rooms(ctx.getBean(ReactiveStringRedisTemplate.class), ctx.getBean(ObjectMapper.class),
                ctx.getBean(ParticipantTokens.class));
        ReactiveStringRedisTemplate redis = ctx.getBean(ReactiveStringRedisTemplate.class);
        ObjectMapper json = ctx.getBean(ObjectMapper.class);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        InetSocketAddress target = new InetSocketAddress("127.0.0.1", tap.port());
        try (DatagramSocket socket = new DatagramSocket()) {
            for (int n : streamCounts) {
                String room = rooms.newRoom();
                List<List<OpusRtpStream.Datagram>> streams = new ArrayList<>();
                List<Integer> ssrcs = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    int ssrc = ThreadLocalRandom.current().nextInt();
                    ssrcs.add(ssrc);
                    rooms.join(room, "s" + i, "S" + i, "en", "en", false);
                    redis.opsForValue().set(io.babelcall.common.room.RedisKeys.tap(Integer.toUnsignedLong(ssrc)),
                            json.writeValueAsString(new io.babelcall.common.media.TapMapping(room, "s" + i, 111)))
                            .block();
                    streams.add(new OpusRtpStream(ssrc, i, false).packets(clip));
                }
                for (List<OpusRtpStream.Datagram> s : streams) { // open every tap (its first packet is dropped)
                    byte[] d = s.get(0).data();
                    socket.send(new DatagramPacket(d, d.length, target));
                }
                while (!ssrcs.stream().allMatch(tap::receiving)) {
                    TimeUnit.MILLISECONDS.sleep(10);
                }
                synchronized (MeasuringSinks.LATENCIES) {
                    MeasuringSinks.count = 0;
                }
                long cpu0 = os.getProcessCpuTime();
                long t0 = System.nanoTime();
                int ticks = streams.get(0).size();
                for (int t = 1; t < ticks; t++) {
                    long wait = t0 + t * 20_000_000L - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    for (List<OpusRtpStream.Datagram> s : streams) {
                        byte[] d = s.get(t).data();
                        socket.send(new DatagramPacket(d, d.length, target));
                    }
                }
                TimeUnit.MILLISECONDS.sleep(300);
                double cpuMs = (os.getProcessCpuTime() - cpu0) / 1e6;
                long[] l;
                synchronized (MeasuringSinks.LATENCIES) {
                    l = Arrays.copyOf(MeasuringSinks.LATENCIES, MeasuringSinks.count);
                }
                Arrays.sort(l);
                System.out.printf("%d streams: packet -> PCM p50 %.3f ms, p95 %.3f ms, p99 %.3f ms, max %.1f ms over"
                                + " %d chunks; process CPU %.1f ms per stream-second (sender included); load %.1f%n",
                        n, pct(l, 50), pct(l, 95), pct(l, 99), l[l.length - 1] / 1e6, l.length,
                        cpuMs / (n * clipSeconds), os.getSystemLoadAverage());
            }
        } finally {
            ctx.close();
        }
    }

    private static double pct(long[] sorted, double p) {
        int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }
}
