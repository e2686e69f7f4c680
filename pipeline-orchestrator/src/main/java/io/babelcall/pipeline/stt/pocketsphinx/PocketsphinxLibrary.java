package io.babelcall.pipeline.stt.pocketsphinx;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;

/**
 * JNA binding of the few functions of libpocketsphinx 5prealpha (Debian {@code libpocketsphinx3}) and libsphinxbase
 * the adapter needs. A decoder is not thread-safe: each one is used by one thread at a time.
 */
final class PocketsphinxLibrary {

    interface Pocketsphinx extends Library {
        Pointer ps_args();

        Pointer ps_init(Pointer config);

        int ps_start_utt(Pointer ps);

        int ps_process_raw(Pointer ps, short[] data, NativeLong samples, int noSearch, int fullUtterance);

        int ps_end_utt(Pointer ps);

        Pointer ps_get_hyp(Pointer ps, IntByReference score);

        int ps_free(Pointer ps);

        /** The decoder's feature computation ({@code feat_t *}); its CMN state is read and set below. */
        Pointer ps_get_feat(Pointer ps);
    }

    interface Sphinxbase extends Library {
        Pointer cmd_ln_parse_r(Pointer inout, Pointer definitions, int argc, String[] argv, int strict);

        int cmd_ln_free_r(Pointer config);

        void cmn_live_get(Pointer cmn, float[] mean);

        void cmn_live_set(Pointer cmn, float[] mean);
    }

    final Pocketsphinx ps;
    final Sphinxbase sphinxbase;

    private PocketsphinxLibrary(Pocketsphinx ps, Sphinxbase sphinxbase) {
        this.ps = ps;
        this.sphinxbase = sphinxbase;
    }

    /** Loads the libraries ({@code libpocketsphinx.so.3}, {@code libsphinxbase.so.3}); throws with a clear message. */
    static PocketsphinxLibrary load(String pocketsphinx, String sphinxbase) {
        try {
            Sphinxbase sb = Native.load(sphinxbase, Sphinxbase.class);
            Pocketsphinx p = Native.load(pocketsphinx, Pocketsphinx.class);
            return new PocketsphinxLibrary(p, sb);
        } catch (UnsatisfiedLinkError e) {
            throw new IllegalStateException("cannot load " + pocketsphinx + "/" + sphinxbase
                    + " (" + e.getMessage() + "); install it with: apt-get install -y libpocketsphinx3 pocketsphinx", e);
        }
    }
}
