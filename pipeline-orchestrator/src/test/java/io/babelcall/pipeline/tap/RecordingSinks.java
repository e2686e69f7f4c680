package io.babelcall.pipeline.tap;

import io.babelcall.pipeline.speech.SpeakerPipelineFactory;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * Taps feed the real speaker pipelines, and every sample handed to them is also recorded per participant, so a test
 * can compare what the tap decoded with what was sent.
 */
@TestConfiguration(proxyBeanMethods = false)
public class RecordingSinks {

    /** The 16 kHz audio each participant's taps delivered, in order, and how many of their taps were closed. */
    public static final class Recorded {

        private final Map<String, short[]> audio = new ConcurrentHashMap<>();
        private final Map<String, Integer> lengths = new ConcurrentHashMap<>();
        private final Map<String, Integer> closed = new ConcurrentHashMap<>();

        synchronized void append(String participantId, short[] samples) {
            short[] buf = audio.getOrDefault(participantId, new short[16_000]);
            int len = lengths.getOrDefault(participantId, 0);
            if (len + samples.length > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + samples.length));
            }
            System.arraycopy(samples, 0, buf, len, samples.length);
            audio.put(participantId, buf);
            lengths.put(participantId, len + samples.length);
        }

        public synchronized short[] samples(String participantId) {
            return Arrays.copyOf(audio.getOrDefault(participantId, new short[0]), lengths.getOrDefault(participantId, 0));
        }

        public synchronized int length(String participantId) {
            return lengths.getOrDefault(participantId, 0);
        }

        public int closed(String participantId) {
            return closed.getOrDefault(participantId, 0);
        }
    }

    @Bean
    Recorded recordedTapAudio() {
        return new Recorded();
    }

    @Bean
    @Primary
    TapSink.Factory recordingTapSinks(SpeakerPipelineFactory pipelines, Recorded recorded) {
        return speaker -> {
            TapSink real = TapSink.of(pipelines.create(speaker));
            String id = speaker.participantId();
            return new TapSink() {
                @Override
                public void accept(short[] samples, long arrivalNanos) {
                    recorded.append(id, samples);
                    real.accept(samples, arrivalNanos);
                }

                @Override
                public boolean inSpeech() {
                    return real.inSpeech();
                }

                @Override
                public void close() {
                    real.close();
                    recorded.closed.merge(id, 1, Integer::sum);
                }
            };
        };
    }
}
