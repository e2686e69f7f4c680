package io.babelcall.pipeline.bench;

import io.babelcall.pipeline.engine.TestSpeech;
import io.babelcall.pipeline.tts.WavFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The speech {@link WerBenchmark} scores, in three sets that play different parts: settings are chosen on the
 * {@link #TUNING} sentences, the {@link #HELD_OUT} ones then say what the chosen settings are worth (choosing on them
 * would fit the figure to sixteen sentences), and recordings of people (pocketsphinx-testdata's LibriVox and card
 * clips) guard against settings that only suit synthetic voices. No sentence here is spoken by a test or another
 * benchmark.
 */
final class WerSets {

    static final String[] HELD_OUT = {
            "The bus leaves at half past seven.",
            "Could you open the window a little?",
            "She is reading a book in the garden.",
            "We need more time to finish the project.",
            "The children are playing in the park.",
            "Please send the invoice by email.",
            "I forgot my keys at the office.",
            "Our flight was delayed by two hours.",
            "Let us talk about the budget next week.",
            "The doctor will see you in ten minutes.",
            "He bought a new car last month.",
            "Do you know where the library is?",
            "The soup is too hot to eat.",
            "I will call you when I arrive.",
            "They moved to a bigger apartment.",
            "The store closes at nine tonight."};
    static final String[] TUNING = {
            "Can you pass me the salt, please?",
            "My sister lives near the river.",
            "The meeting starts after lunch.",
            "I would like a glass of juice.",
            "It is raining again this morning.",
            "We should buy some fresh bread.",
            "The phone is on the kitchen table.",
            "Turn left at the next corner.",
            "My brother works at a hospital.",
            "The shop opens at eight tomorrow.",
            "Please write your name on the form.",
            "The dog is sleeping under the chair.",
            "How much does this ticket cost?",
            "We watched a film last night.",
            "The weather will be warm on Sunday.",
            "I need to charge my laptop.",
            "Her birthday is in the spring.",
            "Can we meet again on Friday?",
            "The water in the lake is cold.",
            "He plays the guitar very well.",
            "Put the letters in the blue box.",
            "The bakery is closed on Monday.",
            "I lost my umbrella on the bus.",
            "They are cooking dinner for their friends."};
    static final String WARM_UP = "Hello, this is a test of my microphone.";
    static final List<String> VOICES = List.of("slt", "awb", "rms", "kal16");
    /** Where Debian's pocketsphinx-testdata puts its recordings. */
    static final Path TEST_DATA = Path.of(System.getProperty("wer.test-data", "/usr/share/pocketsphinx/test/data"));
    /**
     * Silence after each sentence before the utterance ends ({@code -Dwer.trailing-silence}): what the decoder hears of
     * the pause. Since the speculative final (round 11) the pipeline ends the decoder's utterance 100 ms into the
     * silence; before, after the endpoint's 220-300 ms.
     */
    static final int TRAILING_SILENCE_MS = Integer.getInteger("wer.trailing-silence", 100);

    /** One speaker's utterances and what was said; {@code warmUp} is decoded first, uncounted (the cepstral mean). */
    record Speaker(String name, List<short[]> warmUp, List<String> references, List<short[]> audio) {
    }

    private WerSets() {
    }

    /** Each flite voice speaking {@code sentences}, after 200 ms of silence and before the trailing silence. */
    static List<Speaker> flite(String[] sentences, Path dir) throws IOException, InterruptedException {
        List<Speaker> speakers = new ArrayList<>();
        for (String voice : VOICES) {
            List<short[]> audio = new ArrayList<>();
            for (String s : sentences) {
                audio.add(TestSpeech.concat(TestSpeech.silence(200), TestSpeech.speak(s, voice, dir),
                        TestSpeech.silence(TRAILING_SILENCE_MS)));
            }
            speakers.add(new Speaker(voice, List.of(TestSpeech.speak(WARM_UP, voice, dir)), List.of(sentences), audio));
        }
        return speakers;
    }

    /**
     * People: a LibriVox reader (five sentences of Sense and Sensibility) and a speaker naming playing cards, from
     * pocketsphinx-testdata; each speaker's first recording is also the uncounted warm-up.
     */
    static List<Speaker> people() throws IOException {
        if (!Files.isDirectory(TEST_DATA.resolve("librivox"))) {
            throw new IllegalStateException("no recordings of people at " + TEST_DATA
                    + ": apt-get install pocketsphinx-testdata (or -Dwer.test-data=DIR)");
        }
        return List.of(recordings("librivox", TEST_DATA.resolve("librivox/transcription")),
                recordings("cards", TEST_DATA.resolve("cards/cards.transcription")));
    }

    /** A Sphinx transcription file, {@code <s> words </s> (fileid)} per line, the WAV files beside it. */
    private static Speaker recordings(String name, Path transcription) throws IOException {
        Pattern line = Pattern.compile("<s>(.*)</s>\\s*\\((.+)\\)");
        List<String> references = new ArrayList<>();
        List<short[]> audio = new ArrayList<>();
        for (String l : Files.readAllLines(transcription)) {
            Matcher m = line.matcher(l.trim());
            if (m.matches()) {
                references.add(m.group(1).trim());
                audio.add(WavFile.pcm16Samples(Files.readAllBytes(transcription.resolveSibling(m.group(2) + ".wav"))));
            }
        }
        if (audio.isEmpty()) {
            throw new IllegalStateException("no utterances in " + transcription);
        }
        return new Speaker(name, audio.subList(0, 1), references, audio);
    }
}
