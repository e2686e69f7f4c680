package io.babelcall.pipeline.audio;

import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.pipeline.support.Audio;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** VAD and endpointing on synthetic signals and on real speech made by flite. */
class EndpointerTests {

    private static final int RATE = 16_000;

    /** What the endpointer reported, with the stream position (in samples) at which each call happened. */
    static final class Recorder implements Endpointer.Listener {
        record Utt(long firstSample, long startedAt, long audioSamples, Endpointer.EndReason reason,
                   long lastVoiced, long endedAt) {
        }

        final List<Utt> done = new ArrayList<>();
        /** What {@link #phraseComplete} answers; the silences it was asked about (stream positions). */
        boolean complete;
        final List<Long> askedAt = new ArrayList<>();
        long position;
        long first;
        long startedAt;
        long audio;
        long totalAudio;

        @Override
        public void onSpeechStart(long firstSample) {
            first = firstSample;
            startedAt = position;
            audio = 0;
        }

        @Override
        public void onSpeechAudio(short[] samples, int offset, int length) {
            audio += length;
            totalAudio += length;
        }

        @Override
        public void onSpeechEnd(Endpointer.EndReason reason, long lastVoicedSample) {
            done.add(new Utt(first, startedAt, audio, reason, lastVoicedSample, position));
        }

        @Override
        public boolean phraseComplete(long lastVoicedSample) {
            askedAt.add(position - lastVoicedSample);
            return complete;
        }

        /** Silence (samples) when each speechPaused came; speechResumed calls. */
        final List<Long> pausedAfter = new ArrayList<>();
        int resumed;

        @Override
        public void speechPaused(long lastVoicedSample) {
            pausedAfter.add(position - lastVoicedSample);
        }

        @Override
        public void speechResumed() {
            resumed++;
        }
    }

    private static Recorder run(short[] audio, VadProperties props) {
        return run(audio, props, new Recorder());
    }

    private static Recorder run(short[] audio, VadProperties props, Recorder r) {
        Endpointer e = new Endpointer(props, r);
        for (int off = 0; off < audio.length; off += 320) { // 20 ms frames, as browsers send them
            int n = Math.min(320, audio.length - off);
            r.position = (long) off + n;
            e.accept(audio, off, n);
        }
        e.flush();
        return r;
    }

    private static double sec(long samples) {
        return samples / (double) RATE;
    }

    @Test
    void oneUtteranceOfVoiceBetweenSilencesWithPreRollAndHangover() {
        Recorder r = run(Audio.concat(Audio.silence(RATE, 1), Audio.voice(RATE, 1), Audio.silence(RATE, 1)),
                VadProperties.defaults());
        assertThat(r.done).hasSize(1);
        Recorder.Utt u = r.done.get(0);
        assertThat(sec(u.firstSample())).isBetween(0.98, 1.03);
        assertThat(sec(u.lastVoiced())).isBetween(1.97, 2.03);
        assertThat(u.reason()).isEqualTo(Endpointer.EndReason.ENDPOINT);
        // ended after the 300 ms hangover (within one 20 ms input frame)
        assertThat(sec(u.endedAt() - u.lastVoiced())).isBetween(0.29, 0.33);
        // the recogniser gets pre-roll + speech + hangover, not the silence around it
        assertThat(sec(u.audioSamples())).isBetween(1.45, 1.6);
    }

    @Test
    void hangoverIsConfigurable() {
        VadProperties d = VadProperties.defaults();
        VadProperties longer = new VadProperties(Duration.ofMillis(600), d.preRoll(), d.minSpeech(), d.maxUtterance(),
                d.snrDb(), d.minLevelDb(), d.maxZeroCrossingRate(), d.noiseWindow(), d.earlyHangover(),
                d.speculativeFinalAfter());
        Recorder r = run(Audio.concat(Audio.silence(RATE, 0.5), Audio.voice(RATE, 0.6), Audio.silence(RATE, 0.45),
                Audio.voice(RATE, 0.6), Audio.silence(RATE, 1)), longer);
        assertThat(r.done).hasSize(1); // a 450 ms pause does not end the utterance with a 600 ms hangover
        assertThat(sec(r.done.get(0).endedAt() - r.done.get(0).lastVoiced())).isBetween(0.59, 0.63);
        assertThat(run(Audio.concat(Audio.silence(RATE, 0.5), Audio.voice(RATE, 0.6), Audio.silence(RATE, 0.45),
                Audio.voice(RATE, 0.6), Audio.silence(RATE, 1)), d).done).hasSize(2); // ... but does with 300 ms
    }

    @Test
    void aCompletePhraseEndsAfterTheEarlyHangoverAndAnIncompleteOneWaitsForTheFullOne() {
        short[] speech = Audio.concat(Audio.silence(RATE, 1), Audio.voice(RATE, 1), Audio.silence(RATE, 1));
        Recorder complete = new Recorder();
        complete.complete = true;
        run(speech, VadProperties.defaults(), complete);
        assertThat(complete.done).hasSize(1);
        // 220 ms early hangover (within one 20 ms input frame), asked only once the silence reached it
        assertThat(sec(complete.done.get(0).endedAt() - complete.done.get(0).lastVoiced())).isBetween(0.21, 0.25);
        assertThat(complete.askedAt).allSatisfy(at -> assertThat(sec(at)).isGreaterThanOrEqualTo(0.21));

        Recorder incomplete = run(speech, VadProperties.defaults(), new Recorder());
        assertThat(incomplete.done).hasSize(1);
        assertThat(sec(incomplete.done.get(0).endedAt() - incomplete.done.get(0).lastVoiced())).isBetween(0.29, 0.33);
        assertThat(incomplete.askedAt).isNotEmpty().allSatisfy(at -> assertThat(sec(at)).isBetween(0.21, 0.31));

        // early-hangover 0: never asked, the full hangover
        VadProperties d = VadProperties.defaults();
        VadProperties off = new VadProperties(d.hangover(), d.preRoll(), d.minSpeech(), d.maxUtterance(), d.snrDb(),
                d.minLevelDb(), d.maxZeroCrossingRate(), d.noiseWindow(), Duration.ZERO, d.speculativeFinalAfter());
        Recorder never = new Recorder();
        never.complete = true;
        run(speech, off, never);
        assertThat(never.askedAt).isEmpty();
        assertThat(sec(never.done.get(0).endedAt() - never.done.get(0).lastVoiced())).isBetween(0.29, 0.33);
    }

    @Test
    void aPauseIsAnnouncedAfterTheSpeculativeFinalDelayAndItsEndIfTheSpeakerGoesOn() {
        // a 150 ms pause inside the utterance (a comma), then the end
        short[] speech = Audio.concat(Audio.silence(RATE, 1), Audio.voice(RATE, 0.6), Audio.silence(RATE, 0.15),
                Audio.voice(RATE, 0.6), Audio.silence(RATE, 1));
        Recorder r = run(speech, VadProperties.defaults());
        assertThat(r.done).hasSize(1);
        // paused at 100 ms of silence (within one 20 ms input frame) in the comma and at the end; resumed once
        assertThat(r.pausedAfter).hasSize(2).allSatisfy(at -> assertThat(sec(at)).isBetween(0.09, 0.13));
        assertThat(r.resumed).isEqualTo(1);

        // a pause shorter than the delay is not announced
        Recorder shortGap = run(Audio.concat(Audio.silence(RATE, 1), Audio.voice(RATE, 0.6), Audio.silence(RATE, 0.06),
                Audio.voice(RATE, 0.6), Audio.silence(RATE, 1)), VadProperties.defaults());
        assertThat(shortGap.pausedAfter).hasSize(1);
        assertThat(shortGap.resumed).isZero();

        // speculative-final-after 0: never announced
        VadProperties d = VadProperties.defaults();
        VadProperties off = new VadProperties(d.hangover(), d.preRoll(), d.minSpeech(), d.maxUtterance(), d.snrDb(),
                d.minLevelDb(), d.maxZeroCrossingRate(), d.noiseWindow(), d.earlyHangover(), Duration.ZERO);
        Recorder never = run(speech, off);
        assertThat(never.done).hasSize(1);
        assertThat(never.pausedAfter).isEmpty();
        assertThat(never.resumed).isZero();
    }

    @Test
    void silenceAndStationaryNoiseProduceNothing() {
        assertThat(run(Audio.silence(RATE, 5), VadProperties.defaults()).totalAudio).isZero();
        for (double rms : new double[] {0.001, 0.01, 0.1, 0.3}) {
            Recorder r = run(Audio.whiteNoise(RATE, 5, rms, 42), VadProperties.defaults());
            assertThat(r.done).as("white noise at rms %s", rms).isEmpty();
            assertThat(r.totalAudio).isZero();
        }
        // noise that starts after silence: the floor follows it and nothing is detected (zero-crossing rate)
        Recorder r = run(Audio.concat(Audio.silence(RATE, 1), Audio.whiteNoise(RATE, 4, 0.05, 3)), VadProperties.defaults());
        assertThat(r.done).isEmpty();
    }

    @Test
    void voiceOverNoiseIsFoundAndShortClicksAreNot() {
        short[] noise = Audio.whiteNoise(RATE, 4, 0.003, 9);
        short[] voice = Audio.concat(Audio.silence(RATE, 1.5), Audio.voice(RATE, 1), Audio.silence(RATE, 1.5));
        short[] mixed = new short[noise.length];
        for (int i = 0; i < mixed.length; i++) {
            mixed[i] = (short) (noise[i] + voice[i]);
        }
        Recorder r = run(mixed, VadProperties.defaults());
        assertThat(r.done).hasSize(1);
        assertThat(sec(r.done.get(0).firstSample())).isBetween(1.45, 1.6);

        short[] clicks = Audio.concat(Audio.silence(RATE, 1), Audio.voice(RATE, 0.04), Audio.silence(RATE, 1),
                Audio.voice(RATE, 0.05), Audio.silence(RATE, 1));
        assertThat(run(clicks, VadProperties.defaults()).done).isEmpty();
    }

    @Test
    void longSpeechIsCutAt15SecondsAndGoesOn() {
        // 20 s of talking: words with 150 ms gaps (shorter than the hangover), as speech has
        List<short[]> parts = new ArrayList<>();
        parts.add(Audio.silence(RATE, 0.5));
        for (int i = 0; i < 19; i++) {
            parts.add(Audio.voice(RATE, 0.9));
            parts.add(Audio.silence(RATE, 0.15));
        }
        parts.add(Audio.voice(RATE, 0.05));
        parts.add(Audio.silence(RATE, 1));
        Recorder r = run(Audio.concat(parts.toArray(short[][]::new)), VadProperties.defaults());
        assertThat(r.done).hasSize(2);
        assertThat(r.done.get(0).reason()).isEqualTo(Endpointer.EndReason.FORCED);
        assertThat(sec(r.done.get(0).audioSamples())).isBetween(14.9, 15.05);
        assertThat(r.done.get(1).reason()).isEqualTo(Endpointer.EndReason.ENDPOINT);
        assertThat(sec(r.done.get(1).lastVoiced())).isBetween(20.35, 20.55);
    }

    @Test
    void steadyLoudSoundIsTakenForNoiseWithinTheNoiseWindow() {
        // a constant hum that starts loud: the floor rises to it within noise-window (2 s), so the utterance ends
        Recorder r = run(Audio.concat(Audio.silence(RATE, 0.5), Audio.voice(RATE, 10)), VadProperties.defaults());
        assertThat(r.done).hasSize(1);
        assertThat(sec(r.done.get(0).endedAt())).isLessThan(3.5);
    }

    @Test
    void streamEndFinishesAnUtteranceInProgress() {
        Recorder r = run(Audio.concat(Audio.silence(RATE, 0.5), Audio.voice(RATE, 1)), VadProperties.defaults());
        assertThat(r.done).hasSize(1);
        assertThat(r.done.get(0).reason()).isEqualTo(Endpointer.EndReason.STREAM_END);
    }

    @Test
    void realSpeechFromFliteGivesOneUtterancePerSentence(@TempDir Path dir) throws Exception {
        short[] first = Audio.flite("The weather is nice today.", dir);
        short[] second = Audio.flite("Where is the train station?", dir);
        short[] audio = Audio.concat(Audio.silence(RATE, 1), first, Audio.silence(RATE, 1.2), second,
                Audio.silence(RATE, 1));
        Recorder r = run(audio, VadProperties.defaults());
        assertThat(r.done).hasSize(2);
        double firstEnd = 1 + sec(first.length);
        double secondStart = firstEnd + 1.2;
        assertThat(sec(r.done.get(0).firstSample())).isBetween(0.95, 1.3);
        assertThat(sec(r.done.get(0).lastVoiced())).isBetween(firstEnd - 0.4, firstEnd + 0.05);
        assertThat(sec(r.done.get(1).firstSample())).isBetween(secondStart - 0.05, secondStart + 0.3);
        // the recogniser gets about the speech, not the 3.2 s of silence
        assertThat(sec(r.totalAudio)).isLessThan(sec(first.length + second.length) + 1.2);
    }
}
