package io.babelcall.pipeline.text;

import io.babelcall.common.language.LanguageCode;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns raw ASR output (lowercase, unpunctuated, with filler tokens) into a sentence a translator handles well:
 * engine markers such as {@code <sil>}, {@code [noise]} or {@code (2)} removed, whitespace collapsed, sentence case,
 * and a final question mark or period. For English also the pronoun "I" and its contractions, and questions detected
 * by their first word. Already punctuated text keeps its punctuation. Stateless and thread-safe.
 */
public final class TextNormalizer {

    private static final Pattern MARKERS = Pattern.compile("<[^>]*>|\\[[^]]*]|\\(\\d+\\)|\\+\\+?[a-z]+\\+\\+?",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern SPACES = Pattern.compile("\\s+");
    private static final Pattern SPACE_BEFORE_PUNCT = Pattern.compile("\\s+([,.!?;:])");

    /** English words that open a question when they come first. */
    private static final Set<String> QUESTION_OPENERS = Set.of(
            "who", "whom", "whose", "what", "which", "where", "when", "why", "how",
            "is", "are", "am", "was", "were", "do", "does", "did", "can", "could", "would", "will", "should",
            "shall", "may", "might", "must", "have", "has", "had",
            "isn't", "aren't", "wasn't", "weren't", "don't", "doesn't", "didn't", "can't", "couldn't", "won't",
            "wouldn't", "shouldn't", "haven't", "hasn't", "hadn't");

    public String normalize(String raw, LanguageCode language) {
        if (raw == null) {
            return "";
        }
        String text = MARKERS.matcher(raw).replaceAll(" ");
        text = SPACES.matcher(text).replaceAll(" ").trim();
        text = SPACE_BEFORE_PUNCT.matcher(text).replaceAll("$1");
        if (text.isEmpty()) {
            return "";
        }
        boolean english = language != null && "en".equals(language.primary());
        String[] words = text.split(" ");
        if (english) {
            for (int i = 0; i < words.length; i++) {
                words[i] = englishPronoun(words[i]);
            }
        }
        String first = stripPunct(words[0]).toLowerCase(Locale.ROOT);
        text = String.join(" ", words);
        text = capitalizeFirst(text, language);
        char last = text.charAt(text.length() - 1);
        if (last == '.' || last == '?' || last == '!' || last == '…') {
            return text;
        }
        if (last == ',' || last == ';' || last == ':') {
            text = text.substring(0, text.length() - 1);
        }
        boolean question = english && QUESTION_OPENERS.contains(first) && words.length > 1;
        return text + (question ? "?" : ".");
    }

    /** "i" -> "I", "i'm" -> "I'm", "i'll", "i've", "i'd" likewise; other words unchanged. */
    private static String englishPronoun(String word) {
        if (word.equals("i")) {
            return "I";
        }
        if (word.startsWith("i'") && word.length() <= 4) {
            String rest = word.substring(2);
            if (rest.equals("m") || rest.equals("ll") || rest.equals("ve") || rest.equals("d")) {
                return "I'" + rest;
            }
        }
        return word;
    }

    private static String stripPunct(String w) {
        int end = w.length();
        while (end > 0 && ",.;:!?".indexOf(w.charAt(end - 1)) >= 0) {
            end--;
        }
        return w.substring(0, end);
    }

    private static String capitalizeFirst(String text, LanguageCode language) {
        Locale locale = language == null ? Locale.ROOT : Locale.forLanguageTag(language.value());
        int cp = text.codePointAt(0);
        if (!Character.isLowerCase(cp)) {
            return text;
        }
        int len = Character.charCount(cp);
        return text.substring(0, len).toUpperCase(locale) + text.substring(len);
    }
}
