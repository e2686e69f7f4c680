package io.babelcall.pipeline.bench;

import io.babelcall.common.caption.Translation;
import io.babelcall.common.media.TapMapping;
import io.babelcall.common.room.RedisKeys;
import io.babelcall.pipeline.support.Audio;
import io.babelcall.pipeline.support.AudioClient;
import io.babelcall.pipeline.support.EventCollector;
import io.babelcall.pipeline.support.Rooms;
import io.babelcall.pipeline.tap.OpusRtpStream;
import io.babelcall.pipeline.tap.SpeechTap;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.listener.ReactiveRedisMessageListenerContainer;
import tools.jackson.databind.ObjectMapper;

/**
 * End of speech -> translated caption for the same sentences through the two ways speech reaches the orchestrator
 * (issue #17: the tap must not be slower than {@code /ws/audio} by more than 50 ms at p50), without browsers: one
 * speaker, one Spanish listener, local engines, rounds alternated in one sitting.
 * <ul>
 *   <li>socket: PCM16 at 16 kHz in 20 ms frames over {@code /ws/audio}, as the page's worklet sends it;</li>
 *   <li>tap: the same sentences made by flite at 48 kHz, Opus-encoded by Concentus as browsers do (20 ms, 32 kbit/s,
 *       FEC) and sent as RTP datagrams to the tap's UDP port, as Janus's {@code rtp_forward} does, with the SSRC
 *       mapping signaling writes.</li>
 * </ul>
 * Two figures per sentence: the server's (end of speech, the arrival of the last voiced frame, to the final {@code es}
 * translation published: the metric's span) and the client's (the last voiced frame sent to the same publication),
 * which also holds what each path does before its end of speech is known (the tap's jitter buffer and decoding).
 * Both frames are sent at the start of their 20 ms, the socket's as {@link AudioClient#stream} does.
 */
final class TapVersusSocket {

    /** What one round measured, ms. */
    record Round(List<Double> server, List<Double> client, int sentences, int finals) {
    }

    private final int apiPort;
    private final SpeechTap tap;
    private final Rooms rooms;
    private final ReactiveStringRedisTemplate redis;
    private final ObjectMapper json;
    private final ReactiveRedisMessageListenerContainer container;

    private TapVersusSocket(ConfigurableApplicationContext ctx) {
        PipelineBenchmark.Env env = new PipelineBenchmark.Env(ctx);
        this.apiPort = env.port;
        this.tap = ctx.getBean(SpeechTap.class);
        this.rooms = env.rooms;
        this.redis = ctx.getBean(ReactiveStringRedisTemplate.class);
        this.json = env.json;
        this.container = env.container;
    }

    /** {@code rounds} rounds of every sentence through each path, socket first, alternated. */
    static void compare(List<String> sentences, int rounds) throws Exception {
        System.out.println("\n== speech tap against /ws/audio: local engines, cache off, one speaker, " + rounds
                + " alternated rounds of " + sentences.size() + " sentences per path ==");
        Path dir = Files.createTempDirectory("bench-tap");
        List<short[]> speech16 = speech(sentences, dir, 16_000);
        List<short[]> speech48 = speech(sentences, dir, 48_000);
        try (ConfigurableApplicationContext ctx = PipelineBenchmark.boot(null, "babelcall.engines.cache.enabled=false",
                "babelcall.tap.port=0")) {
            TapVersusSocket bench = new TapVersusSocket(ctx);
            List<Double> socketServer = new ArrayList<>();
            List<Double> socketClient = new ArrayList<>();
            List<Double> tapServer = new ArrayList<>();
            List<Double> tapClient = new ArrayList<>();
            List<Double> codedServer = new ArrayList<>();
            List<Double> codedClient = new ArrayList<>();
            int[] finals = new int[3];
            int spoken = 0;
            for (int r = 0; r < rounds; r++) {
                Round socket = bench.viaSocket(speech16);
                Round tap = bench.viaTap(speech48);
                Round coded = bench.viaSocketOpusCoded(speech48);
                codedServer.addAll(coded.server());
                codedClient.addAll(coded.client());
                finals[2] += coded.finals();
                socketServer.addAll(socket.server());
                socketClient.addAll(socket.client());
                tapServer.addAll(tap.server());
                tapClient.addAll(tap.client());
                finals[0] += socket.finals();
                finals[1] += tap.finals();
                spoken += socket.sentences();
                System.out.printf("  round %d: finals socket %d, tap %d, socket with Opus-coded audio %d, of %d; "
                        + "load %s%n", r + 1, socket.finals(), tap.finals(), coded.finals(), socket.sentences(),
                        PipelineBenchmark.loadAverage());
            }
            PipelineBenchmark.report("/ws/audio: end of speech (server) -> 'es' published", socketServer, 0);
            PipelineBenchmark.report("speech tap: end of speech (server) -> 'es' published", tapServer, 0);
            PipelineBenchmark.report("/ws/audio, Opus-coded audio: end of speech (server) -> 'es' published",
                    codedServer, 0);
            PipelineBenchmark.report("/ws/audio: last voiced frame sent -> 'es' published", socketClient, 0);
            PipelineBenchmark.report("speech tap: last voiced frame sent -> 'es' published", tapClient, 0);
            PipelineBenchmark.report("/ws/audio, Opus-coded audio: last voiced frame sent -> 'es' published",
                    codedClient, 0);
            var packetToPcm = ctx.getBean(MeterRegistry.class)
                    .find("babelcall.rtp.packet.to.pcm").timer();
            if (packetToPcm != null) {
                System.out.printf("  tap, packet read -> PCM handed on: %d packets, mean %.2f ms, max %.2f ms%n",
                        packetToPcm.count(), packetToPcm.mean(TimeUnit.MILLISECONDS),
                        packetToPcm.max(TimeUnit.MILLISECONDS));
            }
            System.out.printf("  finals: /ws/audio %d, speech tap %d, Opus-coded over /ws/audio %d, of %d sentences "
                    + "each%n  at p50, tap - socket: server %+.1f ms, client %+.1f ms; tap - Opus-coded socket (the tap "
                    + "path itself): server %+.1f ms, client %+.1f ms%n", finals[0], finals[1], finals[2], spoken,
                    PipelineBenchmark.pct(tapServer, 50) - PipelineBenchmark.pct(socketServer, 50),
                    PipelineBenchmark.pct(tapClient, 50) - PipelineBenchmark.pct(socketClient, 50),
                    PipelineBenchmark.pct(tapServer, 50) - PipelineBenchmark.pct(codedServer, 50),
                    PipelineBenchmark.pct(tapClient, 50) - PipelineBenchmark.pct(codedClient, 50));
        }
    }

    /** The sentences made by flite at {@code rate}. */
    static List<short[]> speech(List<String> sentences, Path dir, int rate) throws Exception {
        List<short[]> out = new ArrayList<>();
        for (String s : sentences) {
            out.add(Audio.flite(s, dir, rate));
        }
        return out;
    }

    /** Every sentence (16 kHz) after 0.8 s of silence, through {@code /ws/audio}. */
    Round viaSocket(List<short[]> speech16) throws Exception {
        List<short[]> clips = new ArrayList<>();
        List<Integer> lastFrames = new ArrayList<>();
        for (short[] sentence : speech16) {
            short[] clip = Audio.concat(Audio.silence(16000, 0.8), sentence);
            clips.add(clip);
            lastFrames.add(SpeechTimings.lastVoicedFrame(clip, 16000));
        }
        return socket(clips, lastFrames);
    }

    /**
     * The tap's audio (48 kHz, through Opus and back, decimated to 16 kHz as the tap does) sent through {@code /ws/audio}:
     * tells what the codec does to the audio (e.g. to where the VAD hears speech end) from what the tap path adds.
     */
    Round viaSocketOpusCoded(List<short[]> speech48) throws Exception {
        List<short[]> clips = new ArrayList<>();
        List<Integer> lastFrames = new ArrayList<>();
        for (short[] sentence : speech48) {
            short[] clip = Audio.concat(Audio.silence(48_000, 0.8), sentence);
            clips.add(OpusRtpStream.decode(new OpusRtpStream(1, 1, false).packets(clip)));
            lastFrames.add(SpeechTimings.lastVoicedFrame(clip, 48_000));
        }
        return socket(clips, lastFrames);
    }

    private Round socket(List<short[]> clips16, List<Integer> lastFrames) throws Exception {
        String room = rooms.newRoom();
        rooms.join(room, "lis", "Listener", "es", "es", false);
        String token = rooms.join(room, "spk", "Speaker", "en", "en", false);
        List<Instant> lastVoiced = new ArrayList<>();
        try (EventCollector events = new EventCollector(container, json, room);
             AudioClient c = AudioClient.connect(apiPort, token).start(16000)) {
            for (int i = 0; i < clips16.size(); i++) {
                // one paced call per clip (two would send the frame after a split 20 ms early); the frame holding
                // the last voiced sample is due lastFrame x 20 ms after the call starts
                lastVoiced.add(Instant.now().plusMillis(lastFrames.get(i) * 20L));
                c.stream(clips16.get(i), 16000, 20, 1.0);
            }
            c.stream(Audio.silence(16000, 1.0), 16000, 20, 1.0);
            return collect(events, lastVoiced);
        }
    }

    /** The same sentences (48 kHz) as Opus RTP to the tap. */
    Round viaTap(List<short[]> speech48) throws Exception {
        String room = rooms.newRoom();
        rooms.join(room, "lis", "Listener", "es", "es", false);
        rooms.join(room, "spk", "Speaker", "en", "en", false);
        int ssrc = ThreadLocalRandom.current().nextInt();
        redis.opsForValue().set(RedisKeys.tap(Integer.toUnsignedLong(ssrc)),
                json.writeValueAsString(new TapMapping(room, "spk", OpusRtpStream.PAYLOAD_TYPE))).block();
        OpusRtpStream stream = new OpusRtpStream(ssrc, 1, false);
        InetSocketAddress to = new InetSocketAddress("127.0.0.1", tap.port());
        List<Instant> lastVoiced = new ArrayList<>();
        try (EventCollector events = new EventCollector(container, json, room);
             DatagramSocket socket = new DatagramSocket()) {
            // the first datagram opens the tap (it is dropped while the mapping is looked up)
            send(socket, to, stream.packets(Audio.silence(48_000, 0.2)));
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> tap.receiving(ssrc));
            // encoded before sending (Concentus takes ~0.3 s per sentence here): encoding between sentences would
            // pause the packets, and a pause is filled with silence only after the jitter window (DTX's case)
            List<OpusRtpStream.Datagram> all = new ArrayList<>();
            List<Integer> marks = new ArrayList<>();
            for (short[] sentence : speech48) {
                short[] clip = Audio.concat(Audio.silence(48_000, 0.8), sentence);
                marks.add(all.size() + SpeechTimings.lastVoicedFrame(clip, 48_000));
                all.addAll(stream.packets(clip));
            }
            all.addAll(stream.packets(Audio.silence(48_000, 1.0)));
            Instant t0 = send(socket, to, all);
            for (int mark : marks) {
                lastVoiced.add(t0.plusMillis(mark * 20L));
            }
            return collect(events, lastVoiced);
        } finally {
            redis.delete(RedisKeys.tap(Integer.toUnsignedLong(ssrc))).block();
        }
    }

    /** Datagram i at start + i x 20 ms (one per frame: no DTX); returns the start. */
    private static Instant send(DatagramSocket socket, InetSocketAddress to, List<OpusRtpStream.Datagram> datagrams)
            throws Exception {
        Instant start = Instant.now();
        long t0 = System.nanoTime();
        for (int i = 0; i < datagrams.size(); i++) {
            long wait = t0 + i * 20_000_000L - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            byte[] d = datagrams.get(i).data();
            socket.send(new DatagramPacket(d, d.length, to));
        }
        return start;
    }

    /** Final {@code es} translations in order, matched to the sentences when there is one per sentence. */
    private static Round collect(EventCollector events, List<Instant> lastVoiced) {
        try {
            Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                    .until(() -> finals(events).size() >= lastVoiced.size());
        } catch (ConditionTimeoutException e) {
            // fewer finals than sentences: reported
        }
        List<Translation> finals = finals(events);
        List<Double> server = new ArrayList<>();
        List<Double> client = new ArrayList<>();
        for (int i = 0; i < finals.size(); i++) {
            Translation t = finals.get(i);
            server.add(Duration.between(t.endOfSpeechAt(), t.publishedAt()).toNanos() / 1e6);
            if (finals.size() == lastVoiced.size()) {
                client.add(Duration.between(lastVoiced.get(i), t.publishedAt()).toNanos() / 1e6);
            }
        }
        return new Round(server, client, lastVoiced.size(), finals.size());
    }

    private static List<Translation> finals(EventCollector events) {
        return events.of(Translation.class).stream()
                .filter(t -> t.isFinal() && t.endOfSpeechAt() != null && "es".equals(t.language().value()))
                .sorted(Comparator.comparing(Translation::publishedAt))
                .toList();
    }
}
