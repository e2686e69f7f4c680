package io.babelcall.pipeline.tap;

import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.common.caption.Transcript;
import io.babelcall.common.media.TapEndpoint;
import io.babelcall.common.media.TapMapping;
import io.babelcall.common.room.RedisKeys;
import io.babelcall.common.token.ParticipantTokens;
import io.babelcall.pipeline.audio.AudioStreamRegistry;
import io.babelcall.pipeline.audio.Decimator48To16;
import io.babelcall.pipeline.speech.PipelineMetrics;
import io.babelcall.pipeline.support.Audio;
import io.babelcall.pipeline.support.EventCollector;
import io.babelcall.pipeline.support.Rooms;
import io.babelcall.testsupport.RedisServerExtension;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.listener.ReactiveRedisMessageListenerContainer;
import reactor.core.scheduler.Scheduler;
import tools.jackson.databind.ObjectMapper;

/**
 * The speech tap end to end on the real engines: English speech made by {@code flite -voice slt} at 48 kHz, encoded
 * by Concentus into 20 ms Opus RTP packets as Janus forwards them, sent over UDP to the orchestrator's tap, decoded,
 * recognised by pocketsphinx and published on the room's Redis channel. What the tap hands to the pipeline is
 * recorded ({@link RecordingSinks}) and compared with an in-order decode of the same packets (the oracle) and with the
 * source.
 */
@ExtendWith(RedisServerExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "babelcall.token.secret=" + Rooms.SECRET,
        "babelcall.engines.instances.apertium.options.preload=false",
        "babelcall.tap.mapping-check-interval=300ms",
})
@Import(RecordingSinks.class)
class SpeechTapTests {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** 16 kHz samples per 20 ms packet. */
    private static final int PACKET_16K = 320;

    @Autowired
    SpeechTap tap;
    @Autowired
    RecordingSinks.Recorded recorded;
    @Autowired
    ReactiveStringRedisTemplate redis;
    @Autowired
    ObjectMapper json;
    @Autowired
    ParticipantTokens tokens;
    @Autowired
    ReactiveRedisMessageListenerContainer container;
    @Autowired
    MeterRegistry meters;
    @Autowired
    TapDirectory directory;
    @Autowired
    TapSink.Factory sinks;
    @Autowired
    AudioStreamRegistry registry;
    @Autowired
    PipelineMetrics pipelineMetrics;
    @Autowired
    @Qualifier("audioWorkers")
    Scheduler workers;

    private Rooms rooms;
    private DatagramSocket socket;
    private InetSocketAddress target;
    private Path dir;

    @BeforeEach
    void setUp() throws Exception {
        rooms = new Rooms(redis, json, tokens);
        socket = new DatagramSocket();
        target = new InetSocketAddress("127.0.0.1", tap.port());
        dir = Files.createTempDirectory("speech-tap");
    }

    @AfterEach
    void tearDown() {
        socket.close();
    }

    @Test
    void aKnownOpusStreamIsDecodedLikeTheSourceAndTranscribedDespiteReorderingDuplicatesAndALoss() throws Exception {
        Speaker speaker = speaker("ann");
        String room = speaker.room();
        int ssrc = speaker.ssrc();
        short[] source = Audio.concat(Audio.silence(48_000, 0.5),
                Audio.flite("Where is the train station?", dir, 48_000), Audio.silence(48_000, 1.0));
        // the sequence numbers wrap around 65535 -> 0 during the sentence
        List<OpusRtpStream.Datagram> packets = new OpusRtpStream(ssrc, 65_500, false).packets(source);

        try (EventCollector events = new EventCollector(container, json, room)) {
            openTap(ssrc, packets.get(0));
            List<OpusRtpStream.Datagram> rest = new ArrayList<>(packets.subList(1, packets.size()));
            // in the sentence (packets 25-110): packet 46 arrives 40 ms late, 56 twice, 70 never
            rest.add(47, rest.remove(45));
            rest.add(56, rest.get(55));
            rest.remove(70);
            OpusRtpStream.send(socket, target, rest);

            Transcript fin = awaitFinal(events, "ann");
            assertThat(fin.language().value()).isEqualTo("en");
            assertThat(words(fin.text())).as(fin.text()).contains("where", "train", "station");
        }
        // The oracle: packets 1.. in order, none lost. Up to the lost packet 70 the tap's output is exactly that
        // (reordering and the duplicate undone); the lost 20 ms is concealed (in-band FEC of packet 71) so the rest
        // stays in step with it.
        short[] ideal = OpusRtpStream.decode(packets.subList(1, packets.size()));
        short[] got = awaitAudio("ann", ideal.length);
        int lostAt = 69 * PACKET_16K;
        assertThat(got).hasSameSizeAs(ideal);
        assertThat(Arrays.copyOf(got, lostAt)).isEqualTo(Arrays.copyOf(ideal, lostAt));
        Similarity concealed = Similarity.at(Arrays.copyOfRange(ideal, lostAt, lostAt + PACKET_16K),
                Arrays.copyOfRange(got, lostAt, lostAt + PACKET_16K), 0);
        Similarity after = Similarity.at(Arrays.copyOfRange(ideal, lostAt, ideal.length),
                Arrays.copyOfRange(got, lostAt, got.length), 0);
        System.out.println("lost packet vs oracle: " + concealed + "; from there on: " + after);
        // measured 0.99 / 15 dB for the concealed packet and 26 dB from it on; a concealment that dropped or added a
        // frame would put the rest out of step: correlation near 0
        assertThat(concealed.correlation()).isGreaterThan(0.8);
        assertThat(after.snrDb()).isGreaterThan(15);

        // And against the source (after the same decimation; the tap began with packet 1): Opus at 32 kbit/s in VoIP
        // mode is not waveform-exact (fricatives are coded as shaped noise), measured 0.92 overall at a lag of 100
        // samples (the encoder's 6.5 ms look-ahead). A wrong rate, channel count or gain would fail this.
        short[] reference = new Decimator48To16().process(source, OpusRtpStream.FRAME,
                source.length - OpusRtpStream.FRAME);
        Similarity vsSource = Similarity.best(reference, got, 400);
        System.out.println("tap audio vs source: " + vsSource);
        assertThat(vsSource.correlation()).isGreaterThan(0.85);
        assertThat(vsSource.lag()).isBetween(90, 110);
    }

    @Test
    void garbageAndUnknownSsrcsDoNotDisturbALiveTap() throws Exception {
        Speaker speaker = speaker("bob");
        String room = speaker.room();
        int ssrc = speaker.ssrc();
        short[] source = Audio.concat(Audio.silence(48_000, 0.3),
                Audio.flite("I would like a cup of coffee.", dir, 48_000), Audio.silence(48_000, 1.0));
        List<OpusRtpStream.Datagram> packets = new OpusRtpStream(ssrc, 1000, false).packets(source);
        int unknownSsrc = ssrc ^ 0x5a5a5a5a; // never mapped
        byte[] opus = Arrays.copyOfRange(packets.get(1).data(), 12, packets.get(1).data().length);
        List<byte[]> garbage = OpusRtpStream.garbage(ssrc, unknownSsrc, opus);
        List<OpusRtpStream.Datagram> mixed = new ArrayList<>();
        int rounds = 0;
        int randomSsrcs = 0;
        for (int i = 1; i < packets.size(); i++) {
            mixed.add(packets.get(i));
            if (i % 3 == 0) {
                long due = packets.get(i).dueNanos();
                garbage.forEach(g -> mixed.add(new OpusRtpStream.Datagram(due, g)));
                rounds++;
                if (i % 15 == 0) { // now and then a new random SSRC
                    mixed.add(new OpusRtpStream.Datagram(due, OpusRtpStream.rtp(111, 1, 0,
                            ThreadLocalRandom.current().nextInt(), opus, opus.length)));
                    randomSsrcs++;
                }
            }
        }
        try (EventCollector events = new EventCollector(container, json, room)) {
            openTap(ssrc, packets.get(0));
            double[] before = drops();
            double unknownLookups = counter("babelcall.rtp.lookups", "result", "unknown");
            double found = counter("babelcall.rtp.lookups", "result", "found");
            long t0 = System.nanoTime();
            OpusRtpStream.send(socket, target, mixed);
            double seconds = (System.nanoTime() - t0) / 1e9;

            Transcript fin = awaitFinal(events, "bob");
            assertThat(words(fin.text())).as(fin.text()).contains("like", "cup");
            // every sample is what the packets alone make: the garbage changed nothing
            short[] ideal = OpusRtpStream.decode(packets.subList(1, packets.size()));
            assertThat(awaitAudio("bob", ideal.length)).isEqualTo(ideal);

            double[] after = drops();
            assertThat(after[0] - before[0]).as("malformed").isEqualTo(5 * rounds);
            assertThat(after[1] - before[1]).as("rtcp").isEqualTo(rounds);
            assertThat(after[2] - before[2]).as("payload_type").isEqualTo(rounds);
            assertThat(after[3] - before[3]).as("unknown_ssrc").isEqualTo(rounds + randomSsrcs);
            // one look-up per unknown SSRC and retry period, not one per packet
            assertThat(counter("babelcall.rtp.lookups", "result", "unknown") - unknownLookups)
                    .isLessThanOrEqualTo(randomSsrcs + seconds / 1.0 + 2);
            assertThat(counter("babelcall.rtp.lookups", "result", "found") - found).isZero();
            assertThat(rounds).isGreaterThan(20);
        }
    }

    @Test
    void pausesDoNotEndATapButSilenceEndsTheUtteranceAndIdlenessTheTap() throws Exception {
        Speaker speaker = speaker("carl");
        String room = speaker.room();
        int ssrc = speaker.ssrc();
        OpusRtpStream stream = new OpusRtpStream(ssrc, 300, true); // DTX: nothing is sent for most silent frames
        List<OpusRtpStream.Datagram> first = stream.packets(Audio.concat(Audio.silence(48_000, 0.3),
                Audio.flite("Thank you very much for your help.", dir, 48_000)));

        try (EventCollector events = new EventCollector(container, json, room)) {
            openTap(ssrc, first.get(0));
            double found = counter("babelcall.rtp.lookups", "result", "found");
            OpusRtpStream.send(socket, target, first.subList(1, first.size()));
            // the packets stop with the sentence: the tap feeds silence in real time, so the endpointer ends the
            // utterance while the tap is still open (not at its idle end)
            Transcript one = awaitFinal(events, "carl");
            assertThat(words(one.text())).as(one.text()).contains("thank", "help");
            assertThat(recorded.closed("carl")).isZero();

            // 6.5 s of silence with DTX (longer than the 5 s idle-timeout), then another sentence: the same tap
            List<OpusRtpStream.Datagram> pauseAndMore = new ArrayList<>(stream.packets(Audio.silence(48_000, 6.5)));
            int pausePackets = pauseAndMore.size();
            System.out.println("DTX: " + pausePackets + " packets in 6.5 s of silence");
            assertThat(pausePackets).as("DTX packets in 6.5 s").isBetween(1, 325 / 4);
            pauseAndMore.addAll(stream.packets(Audio.flite("Where is the train station?", dir, 48_000)));
            OpusRtpStream.send(socket, target, pauseAndMore);
            Transcript two = events.await(Transcript.class, t -> t.isFinal() && t.speaker().equals("carl")
                    && !t.utteranceId().equals(one.utteranceId()), WAIT);
            assertThat(words(two.text())).as(two.text()).contains("train", "station");
            assertThat(counter("babelcall.rtp.lookups", "result", "found") - found).isZero();
            assertThat(recorded.closed("carl")).isZero();

            // no packets at all for idle-timeout: the tap ends
            Awaitility.await().atMost(WAIT).until(() -> recorded.closed("carl") == 1);
            assertThat(tap.receiving(ssrc)).isFalse();
            assertThat(events.of(Transcript.class).stream().filter(Transcript::isFinal)).hasSize(2);
        }
    }

    @Test
    void aDeletedMappingEndsTheTapAndFinalisesTheUtteranceInProgress() throws Exception {
        Speaker speaker = speaker("dan");
        String room = speaker.room();
        int ssrc = speaker.ssrc();
        List<OpusRtpStream.Datagram> packets = new OpusRtpStream(ssrc, 7, false).packets(Audio.concat(
                Audio.silence(48_000, 0.3), Audio.flite("Thank you very much for your help and we will meet again "
                        + "tomorrow morning at the train station.", dir, 48_000), Audio.silence(48_000, 1.0)));

        try (EventCollector events = new EventCollector(container, json, room)) {
            openTap(ssrc, packets.get(0));
            double found = counter("babelcall.rtp.lookups", "result", "found");
            double unknown = counter("babelcall.rtp.lookups", "result", "unknown");
            CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                try {
                    OpusRtpStream.send(socket, target, packets.subList(1, packets.size()));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Awaitility.await().atMost(WAIT).until(() -> recorded.length("dan") >= 16_000 * 3 / 2);
            redis.delete(RedisKeys.tap(Integer.toUnsignedLong(ssrc))).block(); // signaling stopped the forward
            Awaitility.await().atMost(WAIT).until(() -> recorded.closed("dan") == 1);
            int atEnd = recorded.length("dan");

            Transcript fin = awaitFinal(events, "dan");
            assertThat(words(fin.text())).as(fin.text()).contains("thank").doesNotContain("station");
            sending.join();
            // the packets that kept coming were dropped: the SSRC was looked up again and is unknown now
            assertThat(recorded.length("dan")).isEqualTo(atEnd);
            assertThat(tap.receiving(ssrc)).isFalse();
            assertThat(counter("babelcall.rtp.lookups", "result", "found") - found).isZero();
            assertThat(counter("babelcall.rtp.lookups", "result", "unknown") - unknown).isPositive();
            events.awaitSettled(Duration.ofMillis(500), WAIT);
            assertThat(events.of(Transcript.class).stream().filter(Transcript::isFinal)).hasSize(1);
        }
    }

    @Test
    void aReplicaPublishesItsEndpointAndLoadAndWithdrawsItFirstWhenItStops() throws Exception {
        TapEndpoint own = endpoint(tap.replicaId());
        assertThat(own).isNotNull();
        assertThat(own.host()).isEqualTo("127.0.0.1");
        assertThat(own.port()).isEqualTo(tap.port());

        String replica = "replica-under-test-" + ThreadLocalRandom.current().nextInt(1_000_000);
        TapProperties props = new TapProperties(true, "127.0.0.1", 0, "", replica, 1 << 20, Duration.ofMillis(80),
                Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofMillis(300), Duration.ofMillis(200),
                Duration.ofMillis(600), Duration.ofSeconds(2));
        SpeechTap other = new SpeechTap(props, directory, sinks, registry, pipelineMetrics,
                new TapMetrics(new SimpleMeterRegistry()), workers);
        other.start();
        try {
            Awaitility.await().atMost(WAIT).until(() -> endpoint(replica) != null);
            assertThat(endpoint(replica)).isEqualTo(new TapEndpoint("127.0.0.1", other.port(), 0));
            assertThat(redis.getExpire(RedisKeys.tapReplica(replica)).block())
                    .isPositive().isLessThanOrEqualTo(Duration.ofMillis(600));
            assertThat(redis.opsForSet().isMember(RedisKeys.TAP_REPLICAS, replica).block()).isTrue();

            int ssrc = speaker("eve").ssrc();
            List<OpusRtpStream.Datagram> packets = new OpusRtpStream(ssrc, 0, false)
                    .packets(Audio.silence(48_000, 0.1));
            OpusRtpStream.send(socket, new InetSocketAddress("127.0.0.1", other.port()), packets.subList(0, 1));
            Awaitility.await().atMost(WAIT).until(() -> other.receiving(ssrc));
            Awaitility.await().atMost(WAIT).until(() -> endpoint(replica) != null && endpoint(replica).taps() == 1);

            // stopping: the endpoint goes at once, while the tap drains (signaling would move it within that time)
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(other::stop);
            Awaitility.await().atMost(WAIT).until(() -> endpoint(replica) == null);
            assertThat(recorded.closed("eve")).isZero();
            assertThat(redis.opsForSet().isMember(RedisKeys.TAP_REPLICAS, replica).block()).isFalse();
            stopping.join();
            assertThat(recorded.closed("eve")).isEqualTo(1);
            assertThat(other.isRunning()).isFalse();
            // and no late heartbeat brings it back
            Awaitility.await().atMost(Duration.ofSeconds(3)).during(Duration.ofMillis(800))
                    .until(() -> endpoint(replica) == null);
        } finally {
            other.stop();
        }
    }

    // ------------------------------------------------------------------ helpers

    /** A room in which {@code participant} speaks English, and the SSRC mapped to them (as signaling writes it). */
    private record Speaker(String room, int ssrc) {
    }

    private Speaker speaker(String participant) {
        String room = rooms.newRoom();
        rooms.join(room, participant, participant.toUpperCase(Locale.ROOT), "en", "en", false);
        int ssrc = ThreadLocalRandom.current().nextInt();
        map(ssrc, room, participant);
        return new Speaker(room, ssrc);
    }

    private void map(int ssrc, String room, String participant) {
        redis.opsForValue().set(RedisKeys.tap(Integer.toUnsignedLong(ssrc)),
                json.writeValueAsString(new TapMapping(room, participant, OpusRtpStream.PAYLOAD_TYPE)),
                Duration.ofSeconds(60)).block();
    }

    /** Sends the first packet of a stream and waits until its tap is open (it is dropped: the SSRC is unknown). */
    private void openTap(int ssrc, OpusRtpStream.Datagram first) throws Exception {
        OpusRtpStream.send(socket, target, List.of(first));
        Awaitility.await().atMost(WAIT).until(() -> tap.receiving(ssrc));
    }

    /** The participant's tap audio once it has at least {@code samples} (the worker may still be on the last ones). */
    private short[] awaitAudio(String participant, int samples) {
        Awaitility.await().atMost(WAIT).until(() -> recorded.length(participant) >= samples);
        return recorded.samples(participant);
    }

    private double counter(String name, String tag, String value) {
        return meters.get(name).tag(tag, value).counter().count();
    }

    /** babelcall.rtp.dropped of malformed, rtcp, payload_type, unknown_ssrc. */
    private double[] drops() {
        return new double[] {counter("babelcall.rtp.dropped", "reason", "malformed"),
                counter("babelcall.rtp.dropped", "reason", "rtcp"),
                counter("babelcall.rtp.dropped", "reason", "payload_type"),
                counter("babelcall.rtp.dropped", "reason", "unknown_ssrc")};
    }

    private TapEndpoint endpoint(String replica) {
        String value = redis.opsForValue().get(RedisKeys.tapReplica(replica)).block();
        return value == null ? null : json.readValue(value, TapEndpoint.class);
    }

    private static Transcript awaitFinal(EventCollector events, String speaker) {
        return events.await(Transcript.class, t -> t.isFinal() && t.speaker().equals(speaker), WAIT);
    }

    private static List<String> words(String text) {
        return List.of(text.toLowerCase(Locale.ROOT).replaceAll("[^a-z' ]", " ").trim().split("\\s+"));
    }
}
