package io.babelcall.pipeline.stt.pocketsphinx;

import io.babelcall.pipeline.stt.SpeechRecognizer;
import java.util.Map;

/** What benchmarks outside this package wait for on a pocketsphinx recognizer (package-private state, read-only). */
public final class PocketsphinxProbe {

    private PocketsphinxProbe() {
    }

    /** Whether every stream's queued audio has been decoded. */
    public static boolean decodedEverything(SpeechRecognizer recognizer) {
        return ((PocketsphinxRecognizer) recognizer).idleWork();
    }

    /** Whether the pool has a decoder ready for the next stream (made, and warmed up if configured). */
    public static boolean decoderReady(SpeechRecognizer recognizer) {
        Map<String, Object> details = ((PocketsphinxRecognizer) recognizer).health().block().details();
        return ((Number) details.get("idleDecoders")).intValue() > 0;
    }
}
