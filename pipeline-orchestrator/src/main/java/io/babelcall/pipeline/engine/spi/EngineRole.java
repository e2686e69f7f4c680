package io.babelcall.pipeline.engine.spi;

/** The three engine roles; {@link #tag()} is the value of the {@code role} metric tag and the routes key. */
public enum EngineRole {
    STT("stt"),
    MT("mt"),
    TTS("tts");

    private final String tag;

    EngineRole(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }
}
