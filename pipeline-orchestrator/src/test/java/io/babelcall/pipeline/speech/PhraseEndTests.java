package io.babelcall.pipeline.speech;

import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.common.language.LanguageCode;
import org.junit.jupiter.api.Test;

/** The adaptive endpoint's judgement of a silence, from the hypotheses heard around its start. */
class PhraseEndTests {

    static final long MS = 1_000_000L;

    @Test
    void completeWhenTheHypothesisDidNotChangeAcrossTheSilenceAndEndsLikeASentence() {
        PhraseEnd p = new PhraseEnd(LanguageCode.of("en"));
        p.heard("please open", 0);
        p.heard("please open the window", 100 * MS);
        // silent since 120 ms; the next hypothesis, 100 ms into the silence, has the same words (punctuation aside)
        p.heard("Please open the window.", 220 * MS);
        assertThat(p.complete(120 * MS)).isTrue();
    }

    @Test
    void notCompleteWhileAWordWasStillBeingHeardOrOnlyBeforeTheDecodeMargin() {
        PhraseEnd p = new PhraseEnd(LanguageCode.of("en"));
        p.heard("we will meet again to", 100 * MS);
        p.heard("we will meet again tomorrow", 220 * MS); // the last word grew in the silence
        assertThat(p.complete(120 * MS)).isFalse();
        p.heard("we will meet again tomorrow", 320 * MS); // ... and stayed: complete
        assertThat(p.complete(120 * MS)).isTrue();

        PhraseEnd q = new PhraseEnd(LanguageCode.of("en"));
        q.heard("thank you", 100 * MS);
        q.heard("thank you", 140 * MS); // 20 ms into the silence: may still be audio from before it
        assertThat(q.complete(120 * MS)).isFalse();
        q.heard("thank you", 120 * MS + PhraseEnd.DECODE_MARGIN_NANOS);
        assertThat(q.complete(120 * MS)).isTrue();
    }

    @Test
    void notCompleteOnAWordAfterWhichASentenceGoesOnInEnglishOnly() {
        PhraseEnd en = new PhraseEnd(LanguageCode.of("en-GB"));
        en.heard("can you send me the", 100 * MS);
        en.heard("can you send me the", 300 * MS);
        assertThat(en.complete(120 * MS)).isFalse();

        PhraseEnd es = new PhraseEnd(LanguageCode.of("es"));
        es.heard("abre la ventana", 100 * MS);
        es.heard("abre la ventana", 300 * MS);
        assertThat(es.complete(120 * MS)).isTrue();
    }

    @Test
    void aSpeculativeFinalInThisSilenceDecidesAloneEvenWhereItDiffersFromTheInterims() {
        PhraseEnd p = new PhraseEnd(LanguageCode.of("en"));
        p.heard("then you're off as has a lot of", 100 * MS);
        p.heard("then you're off as has a lot of my", 180 * MS); // the interims changed into the silence ...
        assertThat(p.complete(120 * MS)).isFalse();
        p.heardFinal("the new office has a lot of light", 250 * MS); // ... the second pass settled it
        assertThat(p.complete(120 * MS)).isTrue();

        PhraseEnd q = new PhraseEnd(LanguageCode.of("en"));
        q.heard("please bring your laptop to the", 100 * MS);
        q.heard("please bring your laptop to the", 300 * MS);
        q.heardFinal("please bring your laptop to the", 260 * MS); // mid-phrase: the speaker looks for a word
        assertThat(q.complete(120 * MS)).isFalse();

        // one from an earlier pause of the utterance (the speaker went on) says nothing about this silence
        PhraseEnd r = new PhraseEnd(LanguageCode.of("en"));
        r.heardFinal("if it rains tomorrow", 200 * MS);
        r.heard("if it rains tomorrow we will stay at", 900 * MS);
        r.heard("if it rains tomorrow we will stay at home", 1_000 * MS);
        assertThat(r.complete(1_050 * MS)).isFalse();
        r.reset();
        r.heard("yes", 1_200 * MS);
        assertThat(r.complete(1_150 * MS)).isFalse(); // nor does one of an earlier utterance
    }

    @Test
    void nothingHeardOrANewUtteranceIsNeverComplete() {
        PhraseEnd p = new PhraseEnd(LanguageCode.of("en"));
        assertThat(p.complete(0)).isFalse(); // an engine without interims: always the full hangover
        p.heard("thank you", 100 * MS);
        p.heard("thank you", 300 * MS);
        p.reset();
        p.heard("good", 400 * MS);
        assertThat(p.complete(350 * MS)).isFalse(); // nothing of this utterance before the silence
    }
}
