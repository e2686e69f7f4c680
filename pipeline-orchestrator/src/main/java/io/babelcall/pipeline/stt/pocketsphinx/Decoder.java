package io.babelcall.pipeline.stt.pocketsphinx;

import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import io.babelcall.pipeline.engine.spi.EngineException;
import java.nio.charset.StandardCharsets;

/** One native pocketsphinx decoder (acoustic model, dictionary and language model loaded: ~90 MB, ~0.4 s to create). */
final class Decoder implements AutoCloseable {

    // feat_t layout of sphinxbase 5prealpha on LP64: int32 cepsize at 16, cmn_t *cmn_struct at 88;
    // cmn_t: int32 veclen at 28. Checked against each other before use; CMN carry-over is off if they disagree.
    private static final int FEAT_CEPSIZE = 16;
    private static final int FEAT_CMN_STRUCT = 88;
    private static final int CMN_VECLEN = 28;

    private final PocketsphinxLibrary lib;
    private final Pointer cmn;
    private final int cepsize;
    private Pointer ps;
    /** Between a successful {@code ps_start_utt} and a successful {@code ps_end_utt}: must not be reused. */
    private boolean inUtterance;

    Decoder(PocketsphinxLibrary lib, Pointer config) {
        this.lib = lib;
        this.ps = lib.ps.ps_init(config);
        if (ps == null) {
            throw new EngineException("ps_init failed (model files unreadable or invalid arguments)");
        }
        Pointer found = null;
        int size = 0;
        Pointer feat = lib.ps.ps_get_feat(ps);
        if (feat != null) {
            size = feat.getInt(FEAT_CEPSIZE);
            Pointer c = feat.getPointer(FEAT_CMN_STRUCT);
            if (size > 0 && size <= 64 && c != null && c.getInt(CMN_VECLEN) == size) {
                found = c;
            }
        }
        this.cmn = found;
        this.cepsize = size;
    }

    /**
     * The live cepstral-mean estimate (updated at each utterance end), or null when unavailable. Carried per speaker
     * so a decoder shared between streams starts each utterance with that speaker's channel normalisation.
     */
    float[] cmn() {
        if (cmn == null) {
            return null;
        }
        float[] mean = new float[cepsize];
        lib.sphinxbase.cmn_live_get(cmn, mean);
        return mean;
    }

    void setCmn(float[] mean) {
        if (cmn != null && mean != null && mean.length == cepsize) {
            lib.sphinxbase.cmn_live_set(cmn, mean);
        }
    }

    void start() {
        check(lib.ps.ps_start_utt(ps), "ps_start_utt");
        inUtterance = true;
    }

    void process(short[] samples) {
        check(lib.ps.ps_process_raw(ps, samples, new NativeLong(samples.length), 0, 0), "ps_process_raw");
    }

    void end() {
        check(lib.ps.ps_end_utt(ps), "ps_end_utt");
        inUtterance = false;
    }

    /** Whether an utterance was started and not (successfully) ended: such a decoder is discarded, never pooled. */
    boolean inUtterance() {
        return inUtterance;
    }

    /**
     * Decodes {@code audio} once and forgets it, keeping the cepstral mean: a new decoder's first utterance otherwise
     * takes 2-3x as long (the models' memory is touched for the first time), and that is the first caption a
     * listener waits for after a start.
     */
    void warmUp(short[] audio) {
        float[] mean = cmn();
        start();
        process(audio);
        end();
        hypothesis();
        setCmn(mean);
    }

    /** The best hypothesis so far (during an utterance) or the final one (after {@link #end()}); "" when none. */
    String hypothesis() {
        Pointer hyp = lib.ps.ps_get_hyp(ps, null);
        return hyp == null ? "" : hyp.getString(0, StandardCharsets.UTF_8.name()).trim();
    }

    @Override
    public void close() {
        if (ps != null) {
            lib.ps.ps_free(ps);
            ps = null;
        }
    }

    private static void check(int rc, String call) {
        if (rc < 0) {
            throw new EngineException(call + " failed (" + rc + ")");
        }
    }
}
