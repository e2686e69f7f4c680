package io.babelcall.pipeline.audio;


/**
 * Voice activity detection and endpointing for one speaker at 16 kHz, in 10 ms analysis frames.
 *
 * <p>A frame is voiced when its level is {@code snrDb} above an adaptive noise floor (and above {@code minLevelDb})
 * and its zero-crossing rate is below {@code maxZeroCrossingRate} (white-ish noise crosses zero on about half the
 * samples, voiced speech far less). The noise floor is the minimum of 100 ms block minima over the last
 * {@code noiseWindow}: it follows stationary noise up within that window and drops at once in a pause, and speech,
 * which always has dips between syllables, does not lift it.
 *
 * <p>Speech starts after {@code minSpeech} of consecutive voiced frames; the {@code preRoll} before them is passed on
 * too, so word onsets are not clipped. It ends after {@code hangover} without a voiced frame - or after only
 * {@code earlyHangover} when the listener says the recogniser has heard a complete phrase
 * ({@link Listener#phraseComplete}) -, or is cut after
 * {@code maxUtterance} (a new utterance follows at once if the speaker goes on). After {@code speculativeFinalAfter}
 * of silence the listener hears that the speaker paused ({@link Listener#speechPaused}: the recogniser may work out
 * the final while the hangover runs) and, if a voiced frame comes before the end, that speech resumed. Only the audio
 * of utterances reaches the {@link Listener}; silence costs a level and a zero-crossing count per 10 ms. One instance
 * per stream; not thread-safe.
 */
public final class Endpointer {

    public static final int SAMPLE_RATE = 16_000;
    public static final int FRAME = 160; // 10 ms

    /** Why an utterance ended. */
    public enum EndReason { ENDPOINT, FORCED, STREAM_END }

    /** Receives utterances as they happen; all calls come from inside {@link #accept} or {@link #flush}. */
    public interface Listener {

        /** An utterance starts; {@code firstSample} is the stream index (16 kHz) of its first voiced sample. */
        void onSpeechStart(long firstSample);

        /** Audio of the current utterance (pre-roll first); the array is reused after the call returns. */
        void onSpeechAudio(short[] samples, int offset, int length);

        /** The utterance ended; {@code lastVoicedSample} is the stream index just after its last voiced frame. */
        void onSpeechEnd(EndReason reason, long lastVoicedSample);

        /**
         * Asked during a silence of at least {@code earlyHangover} (and less than {@code hangover}) after stream index
         * {@code lastVoicedSample}: whether the utterance may end now, because what was said is complete.
         */
        default boolean phraseComplete(long lastVoicedSample) {
            return false;
        }

        /** Silence of {@code speculativeFinalAfter} after stream index {@code lastVoicedSample}; the end may follow. */
        default void speechPaused(long lastVoicedSample) {
        }

        /** A voiced frame after {@link #speechPaused}: the same utterance goes on. */
        default void speechResumed() {
        }
    }

    private final Listener listener;
    private final double snrDb;
    private final double minLevelDb;
    private final double maxZcr;
    private final int minSpeechFrames;
    private final int hangoverFrames;
    private final int earlyHangoverFrames;
    private final int pauseFrames;
    private final int maxUtteranceFrames;

    private final short[] frame = new short[FRAME];
    private int frameFill;
    private long samplesSeen; // stream index of the next sample to analyse

    // noise floor: minimum over a ring of 100 ms block minima
    private final double[] blockMinima;
    private int blocksFilled;
    private int blockCursor;
    private double currentBlockMin = Double.MAX_VALUE;
    private int framesInBlock;
    private double noiseFloor = Double.NaN;

    // pre-roll ring (pre-roll + the onset frames)
    private final short[] preRoll;
    private int preRollStart;
    private int preRollFill;

    private boolean inSpeech;
    private int consecutiveVoiced;
    private int silentRun;
    private boolean paused; // speechPaused was said in this silent run
    private int utteranceFrames;
    private long lastVoicedSample;
    private long utterances;

    public Endpointer(VadProperties props, Listener listener) {
        this.listener = listener;
        this.snrDb = props.snrDb();
        this.minLevelDb = props.minLevelDb();
        this.maxZcr = props.maxZeroCrossingRate();
        this.minSpeechFrames = frames(props.minSpeech().toMillis());
        this.hangoverFrames = frames(props.hangover().toMillis());
        // 0 turns the early end off
        this.earlyHangoverFrames = props.earlyHangover().isZero() ? Integer.MAX_VALUE
                : frames(props.earlyHangover().toMillis());
        this.maxUtteranceFrames = frames(props.maxUtterance().toMillis());
        this.pauseFrames = props.speculativeFinalAfter().isZero() ? Integer.MAX_VALUE
                : frames(props.speculativeFinalAfter().toMillis());
        this.blockMinima = new double[Math.max(1, (int) (props.noiseWindow().toMillis() / 100))];
        this.preRoll = new short[(frames(props.preRoll().toMillis()) + minSpeechFrames) * FRAME];
    }

    private static int frames(long millis) {
        return (int) Math.max(1, Math.round(millis / 10.0));
    }

    /** Feeds 16 kHz samples. */
    public void accept(short[] samples, int offset, int length) {
        int i = offset;
        int end = offset + length;
        while (i < end) {
            int n = Math.min(FRAME - frameFill, end - i);
            System.arraycopy(samples, i, frame, frameFill, n);
            frameFill += n;
            i += n;
            if (frameFill == FRAME) {
                analyse();
                frameFill = 0;
            }
        }
    }

    /** End of stream: ends an utterance in progress (a partial last frame counts as its audio). */
    public void flush() {
        if (inSpeech) {
            if (frameFill > 0) {
                listener.onSpeechAudio(frame, 0, frameFill);
            }
            inSpeech = false;
            listener.onSpeechEnd(EndReason.STREAM_END, lastVoicedSample);
        }
        frameFill = 0;
    }

    public boolean inSpeech() {
        return inSpeech;
    }

    /** Utterances started so far. */
    public long utterances() {
        return utterances;
    }

    /** The current noise floor estimate in dBFS (NaN before the first frame). */
    public double noiseFloorDb() {
        return noiseFloor;
    }

    /** The level (RMS) in dBFS of the {@link #FRAME} samples of {@code pcm} from {@code offset}; -100 for silence. */
    public static double frameLevelDb(short[] pcm, int offset) {
        long sumSquares = 0;
        for (int k = offset; k < offset + FRAME; k++) {
            sumSquares += (long) pcm[k] * pcm[k];
        }
        double meanSquare = sumSquares / (double) FRAME;
        return meanSquare < 1e-3 ? -100 : 10 * Math.log10(meanSquare / (32768.0 * 32768.0));
    }

    private void analyse() {
        int crossings = 0;
        short prev = frame[0];
        for (int k = 0; k < FRAME; k++) {
            short s = frame[k];
            if ((s >= 0) != (prev >= 0)) {
                crossings++;
            }
            prev = s;
        }
        double levelDb = frameLevelDb(frame, 0);
        double zcr = crossings / (double) (FRAME - 1);
        updateNoiseFloor(levelDb);
        boolean voiced = levelDb > Math.max(noiseFloor + snrDb, minLevelDb) && zcr <= maxZcr;
        long frameEnd = samplesSeen + FRAME;
        samplesSeen = frameEnd;

        if (!inSpeech) {
            pushPreRoll();
            consecutiveVoiced = voiced ? consecutiveVoiced + 1 : 0;
            if (consecutiveVoiced >= minSpeechFrames) {
                startUtterance(frameEnd - (long) consecutiveVoiced * FRAME, true);
                lastVoicedSample = frameEnd;
            }
            return;
        }
        listener.onSpeechAudio(frame, 0, FRAME);
        utteranceFrames++;
        if (voiced) {
            silentRun = 0;
            lastVoicedSample = frameEnd;
            if (paused) {
                paused = false;
                listener.speechResumed();
            }
        } else if (++silentRun == pauseFrames) {
            paused = true;
            listener.speechPaused(lastVoicedSample);
        }
        if (silentRun >= hangoverFrames
                || (silentRun >= earlyHangoverFrames && listener.phraseComplete(lastVoicedSample))) {
            endUtterance(EndReason.ENDPOINT);
        } else if (utteranceFrames >= maxUtteranceFrames) {
            endUtterance(EndReason.FORCED);
            if (silentRun == 0) {
                startUtterance(frameEnd, false); // the speaker goes on: the next utterance starts here
            }
        }
    }

    private void startUtterance(long firstSample, boolean withPreRoll) {
        inSpeech = true;
        utterances++;
        silentRun = 0;
        paused = false;
        utteranceFrames = 0;
        listener.onSpeechStart(firstSample);
        if (withPreRoll) {
            int first = Math.min(preRollFill, preRoll.length - preRollStart);
            listener.onSpeechAudio(preRoll, preRollStart, first);
            if (first < preRollFill) {
                listener.onSpeechAudio(preRoll, 0, preRollFill - first);
            }
            utteranceFrames = preRollFill / FRAME;
        }
        preRollFill = 0;
        preRollStart = 0;
    }

    private void endUtterance(EndReason reason) {
        inSpeech = false;
        consecutiveVoiced = 0;
        paused = false;
        listener.onSpeechEnd(reason, lastVoicedSample);
    }

    private void pushPreRoll() {
        if (preRoll.length == 0) {
            return;
        }
        int capacity = preRoll.length;
        int writeAt = (preRollStart + preRollFill) % capacity;
        System.arraycopy(frame, 0, preRoll, writeAt, FRAME); // capacity is a multiple of FRAME
        if (preRollFill < capacity) {
            preRollFill += FRAME;
        } else {
            preRollStart = (preRollStart + FRAME) % capacity;
        }
    }

    private void updateNoiseFloor(double levelDb) {
        currentBlockMin = Math.min(currentBlockMin, levelDb);
        if (++framesInBlock == 10) {
            blockMinima[blockCursor] = currentBlockMin;
            blockCursor = (blockCursor + 1) % blockMinima.length;
            blocksFilled = Math.min(blocksFilled + 1, blockMinima.length);
            currentBlockMin = Double.MAX_VALUE;
            framesInBlock = 0;
        }
        double floor = currentBlockMin;
        for (int b = 0; b < blocksFilled; b++) {
            floor = Math.min(floor, blockMinima[b]);
        }
        noiseFloor = floor;
    }
}
