package io.babelcall.pipeline.stt;

import io.babelcall.common.language.LanguageCode;
import java.util.Set;

/**
 * A speech-to-text engine instance (one adapter per engine kind: pocketsphinx, OpenAI-compatible, Vosk, ...).
 * Opens one {@link RecognitionSession} per speaker stream.
 */
public interface SpeechRecognizer {

    /** Instance name from configuration, used in metrics, health and logs. */
    String name();

    /** Languages this instance can recognise. */
    Set<LanguageCode> languages();

    /** Starts recognising one speaker's audio (PCM16LE mono at {@code request.sampleRate()}, normally 16000). */
    RecognitionSession open(RecognitionRequest request, RecognitionListener listener);
}
