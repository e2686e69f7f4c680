package io.babelcall.pipeline.bench;

/** A benchmark sentence: its text and its speech (16 kHz PCM16), so finals can be scored against what was said. */
final class Sentence {

    private final String text;
    private final short[] audio;

    Sentence(String text, short[] audio) {
        this.text = text;
        this.audio = audio;
    }

    String text() {
        return text;
    }

    /** The samples themselves (not a copy): read only. */
    short[] audio() {
        return audio;
    }
}
