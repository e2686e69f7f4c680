package io.babelcall.pipeline.stt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalAgreementTests {

    /** The rewrites a streaming recogniser makes (the example): stable words never change once shown. */
    @Test
    void wordsTwoInterimsAgreedOnStayAndTheRestIsATentativeTail() {
        LocalAgreement a = new LocalAgreement();
        List<LocalAgreement.Shown> shown = new ArrayList<>();
        for (String h : List.of("Our tray", "Our train leave", "Our train leaves the stage", "Our train leaves the station at",
                "Our train leaves the station at noon")) {
            shown.add(a.show(h));
        }
        assertThat(shown).extracting(LocalAgreement.Shown::stable)
                .containsExactly("", "Our", "Our train", "Our train leaves the", "Our train leaves the station at");
        assertThat(shown).extracting(LocalAgreement.Shown::text).containsExactly("Our tray", "Our train leave",
                "Our train leaves the stage", "Our train leaves the station at", "Our train leaves the station at noon");
        assertThat(shown).extracting(LocalAgreement.Shown::grew).containsExactly(false, true, true, true, true);
    }

    @Test
    void aHypothesisThatTakesBackAStableWordKeepsItOnScreen() {
        LocalAgreement a = new LocalAgreement();
        a.show("see you");
        a.show("see you soon");
        LocalAgreement.Shown revised = a.show("sea you soon then");
        assertThat(revised.stable()).isEqualTo("see you");
        assertThat(revised.text()).isEqualTo("see you soon then");
        assertThat(revised.text()).startsWith(revised.stable());
    }

    @Test
    void caseAndPunctuationDoNotCountAsChangesAndTheStableLengthCountsUtf16Units() {
        LocalAgreement a = new LocalAgreement();
        a.show("café, ok");
        LocalAgreement.Shown s = a.show("Café ok 👋 more");
        assertThat(s.stable()).as("the words as the newest hypothesis spells them").isEqualTo("Café ok");
        assertThat(s.text()).isEqualTo("Café ok 👋 more");
        a.show("CAFÉ OK 👋 more.");
        LocalAgreement.Shown next = a.show("café ok 👋 MORE yes");
        assertThat(next.stable()).as("stable words keep the spelling they were committed in").isEqualTo("Café ok 👋 MORE");
        assertThat(next.stableChars()).as("UTF-16 units: the emoji is two").isEqualTo(15);
    }

    /** With three hypotheses to agree, a word two agreed on is not stable until a third says it too. */
    @Test
    void moreAgreeingHypothesesHoldWordsBackLonger() {
        LocalAgreement a = new LocalAgreement(3);
        assertThat(a.show("yes i think sell").stable()).isEmpty();
        assertThat(a.show("yes i think sell but").stable()).isEmpty();
        assertThat(a.show("yes i think so but please").stable()).isEqualTo("yes i think");
        assertThat(a.show("yes i think so but please call").stable()).isEqualTo("yes i think");
        assertThat(a.show("yes i think so but please call me").stable()).isEqualTo("yes i think so but please");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new LocalAgreement(1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** The newest hypothesis ending on an agreed word may still be saying it: the word waits for the next. */
    @Test
    void theLastWordHeardIsHeldBackUntilTheHypothesisGoesOnPastIt() {
        LocalAgreement a = new LocalAgreement();
        a.show("we will meet again to");
        assertThat(a.show("we will meet again to").stable()).isEqualTo("we will meet again");
        assertThat(a.show("we will meet again tomorrow").stable()).isEqualTo("we will meet again");
        assertThat(a.show("we will meet again tomorrow morning").stable()).isEqualTo("we will meet again tomorrow");
    }

    @Test
    void shorterHypothesesShowOnlyTheStableWords() {
        LocalAgreement a = new LocalAgreement();
        a.show("one two three");
        a.show("one two three four");
        LocalAgreement.Shown s = a.show("one two");
        assertThat(s.text()).isEqualTo("one two three");
        assertThat(s.stableChars()).isEqualTo(s.text().length());
    }
}
