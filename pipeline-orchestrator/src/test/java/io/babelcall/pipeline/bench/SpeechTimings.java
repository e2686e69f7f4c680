package io.babelcall.pipeline.bench;

import io.babelcall.common.caption.Transcript;
import io.babelcall.pipeline.audio.Endpointer;
import io.babelcall.pipeline.audio.VadProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Speech onsets and first interims, for the benchmark's "speech onset -> first interim" figure. */
final class SpeechTimings {

    private SpeechTimings() {
    }

    /** The VAD's absolute floor (-55 dBFS by default) as a PCM16 amplitude. */
    private static final int VOICED_FLOOR = (int) (32768 * Math.pow(10, VadProperties.defaults().minLevelDb() / 20));

    /**
     * Milliseconds from the start of {@code pcm} to the frame of {@code frameMs} holding its first 10 ms whose level
     * (RMS, {@link Endpointer#frameLevelDb}) is above the VAD's floor (-55 dBFS): speech onset. flite starts each utterance with
     * ~200 ms of noise at -62 to -69 dBFS whose single samples reach -50 dBFS, so a sample peak over the floor
     * ({@link #firstVoicedFrameMs}) can put the onset up to ~200 ms before the speech.
     */
    static long firstLevelFrameMs(short[] pcm, int frameMs) {
        double floorDb = VadProperties.defaults().minLevelDb();
        for (int f = 0; f + Endpointer.FRAME <= pcm.length; f += Endpointer.FRAME) {
            if (Endpointer.frameLevelDb(pcm, f) > floorDb) {
                int frame = 16000 * frameMs / 1000;
                return (long) (f / frame) * frameMs;
            }
        }
        return 0;
    }

    /**
     * Milliseconds from the start of {@code pcm} to the frame holding its first sample above -55 dBFS (the onset of
     * rounds 1-12, kept for comparison: see {@link #firstLevelFrameMs}).
     */
    static long firstVoicedFrameMs(short[] pcm, int frameMs) {
        for (int i = 0; i < pcm.length; i++) {
            if (Math.abs(pcm[i]) > VOICED_FLOOR) {
                int frame = 16000 * frameMs / 1000;
                return (long) (i / frame) * frameMs;
            }
        }
        return 0;
    }

    /** Index of the 20 ms frame of {@code pcm} (at {@code rate}) holding its last sample above -55 dBFS. */
    static int lastVoicedFrame(short[] pcm, int rate) {
        for (int i = pcm.length - 1; i >= 0; i--) {
            if (Math.abs(pcm[i]) > VOICED_FLOOR) {
                return i / (rate / 50);
            }
        }
        return 0;
    }

    /**
     * For each utterance with an interim: its first interim's {@code publishedAt} minus the speech onset it follows (the
     * latest onset before it), in ms.
     */
    static List<Double> firstInterimDelays(List<Transcript> transcripts, List<Instant> onsets) {
        Map<String, Instant> first = new LinkedHashMap<>();
        for (var t : transcripts) {
            if (!t.isFinal() && t.publishedAt() != null) {
                first.merge(t.utteranceId(), t.publishedAt(), (a, b) -> a.isBefore(b) ? a : b);
            }
        }
        List<Double> out = new ArrayList<>();
        for (Instant at : first.values()) {
            Instant onset = null;
            for (Instant o : onsets) {
                if (!o.isAfter(at) && (onset == null || o.isAfter(onset))) {
                    onset = o;
                }
            }
            if (onset != null && Duration.between(onset, at).toMillis() < 3000) {
                out.add(Duration.between(onset, at).toNanos() / 1e6);
            }
        }
        return out;
    }
}
