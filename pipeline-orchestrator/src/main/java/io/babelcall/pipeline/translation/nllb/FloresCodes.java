package io.babelcall.pipeline.translation.nllb;

import io.babelcall.common.language.LanguageCode;
import java.util.Map;
import java.util.Optional;

/**
 * ISO 639-1 (product tags) -> FLORES-200 codes as NLLB expects them ({@code eng_Latn}, {@code vie_Latn}). Tags with a
 * script or region are looked up exactly first ({@code zh-Hant}, {@code pt-BR}), then by primary language. Languages
 * missing here are given with the instance option {@code codes.<tag>: <flores code>}.
 */
final class FloresCodes {

    private static final Map<String, String> CODES = Map.ofEntries(
            Map.entry("af", "afr_Latn"), Map.entry("am", "amh_Ethi"), Map.entry("ar", "arb_Arab"),
            Map.entry("bg", "bul_Cyrl"), Map.entry("bn", "ben_Beng"), Map.entry("ca", "cat_Latn"),
            Map.entry("cs", "ces_Latn"), Map.entry("cy", "cym_Latn"), Map.entry("da", "dan_Latn"),
            Map.entry("de", "deu_Latn"), Map.entry("el", "ell_Grek"), Map.entry("en", "eng_Latn"),
            Map.entry("es", "spa_Latn"), Map.entry("et", "est_Latn"), Map.entry("eu", "eus_Latn"),
            Map.entry("fa", "pes_Arab"), Map.entry("fi", "fin_Latn"), Map.entry("fr", "fra_Latn"),
            Map.entry("ga", "gle_Latn"), Map.entry("gl", "glg_Latn"), Map.entry("gu", "guj_Gujr"),
            Map.entry("he", "heb_Hebr"), Map.entry("hi", "hin_Deva"), Map.entry("hr", "hrv_Latn"),
            Map.entry("hu", "hun_Latn"), Map.entry("hy", "hye_Armn"), Map.entry("id", "ind_Latn"),
            Map.entry("is", "isl_Latn"), Map.entry("it", "ita_Latn"), Map.entry("ja", "jpn_Jpan"),
            Map.entry("ka", "kat_Geor"), Map.entry("kk", "kaz_Cyrl"), Map.entry("km", "khm_Khmr"),
            Map.entry("kn", "kan_Knda"), Map.entry("ko", "kor_Hang"), Map.entry("lo", "lao_Laoo"),
            Map.entry("lt", "lit_Latn"), Map.entry("lv", "lvs_Latn"), Map.entry("mk", "mkd_Cyrl"),
            Map.entry("ml", "mal_Mlym"), Map.entry("mr", "mar_Deva"), Map.entry("ms", "zsm_Latn"),
            Map.entry("my", "mya_Mymr"), Map.entry("nb", "nob_Latn"), Map.entry("ne", "npi_Deva"),
            Map.entry("nl", "nld_Latn"), Map.entry("no", "nob_Latn"), Map.entry("pa", "pan_Guru"),
            Map.entry("pl", "pol_Latn"), Map.entry("pt", "por_Latn"), Map.entry("ro", "ron_Latn"),
            Map.entry("ru", "rus_Cyrl"), Map.entry("sk", "slk_Latn"), Map.entry("sl", "slv_Latn"),
            Map.entry("sq", "als_Latn"), Map.entry("sr", "srp_Cyrl"), Map.entry("sv", "swe_Latn"),
            Map.entry("sw", "swh_Latn"), Map.entry("ta", "tam_Taml"), Map.entry("te", "tel_Telu"),
            Map.entry("th", "tha_Thai"), Map.entry("tl", "tgl_Latn"), Map.entry("tr", "tur_Latn"),
            Map.entry("uk", "ukr_Cyrl"), Map.entry("ur", "urd_Arab"), Map.entry("uz", "uzn_Latn"),
            Map.entry("vi", "vie_Latn"), Map.entry("zh", "zho_Hans"), Map.entry("zh-Hans", "zho_Hans"),
            Map.entry("zh-Hant", "zho_Hant"), Map.entry("zh-TW", "zho_Hant"), Map.entry("zu", "zul_Latn"));

    private FloresCodes() {
    }

    /** The built-in FLORES-200 code of a product tag (exact tag first, then primary language). */
    static Optional<String> of(LanguageCode language) {
        return Optional.ofNullable(CODES.getOrDefault(language.value(), CODES.get(language.primary())));
    }
}
