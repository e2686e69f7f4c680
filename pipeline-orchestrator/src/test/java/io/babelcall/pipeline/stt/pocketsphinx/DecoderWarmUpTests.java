package io.babelcall.pipeline.stt.pocketsphinx;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Pointer;
import io.babelcall.pipeline.engine.TestSpeech;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A new decoder's warm-up (real pocketsphinx, Debian en-US model): decoded once, then as if it had never happened. */
class DecoderWarmUpTests {

    @TempDir
    Path dir;

    @Test
    void theWarmUpLeavesTheCepstralMeanAsItWasAndTheDecoderReadyForSpeech() throws Exception {
        PocketsphinxLibrary lib = PocketsphinxLibrary.load("pocketsphinx", "sphinxbase");
        Path model = PocketsphinxFactory.DEFAULT_MODEL;
        String[] argv = {"-hmm", model.resolve("en-us").toString(), "-lm", model.resolve("en-us.lm.bin").toString(),
                "-dict", model.resolve("cmudict-en-us.dict").toString(), "-samprate", "16000", "-logfn", "/dev/null"};
        Pointer config = lib.sphinxbase.cmd_ln_parse_r(null, lib.ps.ps_args(), argv.length, argv, 1);
        assertThat(config).as("pocketsphinx arguments").isNotNull();
        try (Decoder decoder = new Decoder(lib, config)) {
            float[] before = decoder.cmn();
            assertThat(before).as("the live cepstral mean is readable (else the check below says nothing)").isNotNull();

            decoder.warmUp(WarmUpAudio.speechLike());

            // a stream sets its speaker's mean on the decoder it leases; the warm-up must not leave its own behind
            assertThat(decoder.cmn()).containsExactly(before);
            assertThat(decoder.inUtterance()).isFalse();
            String sentence = "please open the window";
            decoder.start();
            decoder.process(TestSpeech.concat(TestSpeech.silence(200), TestSpeech.speak(sentence, dir),
                    TestSpeech.silence(200)));
            decoder.end();
            assertThat(TestSpeech.wer(sentence, decoder.hypothesis())).isLessThanOrEqualTo(0.25);
        } finally {
            lib.sphinxbase.cmd_ln_free_r(config);
        }
    }

    @Test
    void theWarmUpSoundIsASecondOfLoudSpeechLikeAudio() {
        short[] audio = WarmUpAudio.speechLike();
        assertThat(audio.length).isBetween(16000, 24000);
        int peak = 0;
        for (short s : audio) {
            peak = Math.max(peak, Math.abs(s));
        }
        assertThat(peak).isGreaterThan(3000); // well above the decoder's silence
    }
}
