package io.babelcall.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.babelcall.common.language.LanguageCode;
import io.babelcall.common.token.InvalidTokenException;
import io.babelcall.common.token.ParticipantClaims;
import io.babelcall.common.token.ParticipantTokens;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ParticipantTokensTests {

    private static final String KEY = "0123456789abcdef0123456789abcdef-test";
    private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");
    private final ParticipantTokens tokens = new ParticipantTokens(KEY, Clock.fixed(NOW, ZoneOffset.UTC));

    private ParticipantClaims claims(Instant exp) {
        return new ParticipantClaims("room-1", "p-1", "Ana", LanguageCode.of("en"), LanguageCode.of("es"), true,
                NOW.minusSeconds(10), exp, "jti-1");
    }

    @Test
    void signedTokenVerifiesToTheSameClaims() throws Exception {
        ParticipantClaims c = claims(NOW.plusSeconds(3600));
        assertThat(tokens.verify(tokens.sign(c))).isEqualTo(c);
    }

    @Test
    void expiredTokenIsRefused() {
        String t = tokens.sign(claims(NOW.minusSeconds(1)));
        assertThatThrownBy(() -> tokens.verify(t)).isInstanceOf(InvalidTokenException.class)
                .extracting(e -> ((InvalidTokenException) e).reason()).isEqualTo(InvalidTokenException.Reason.EXPIRED);
    }

    @Test
    void tokenSignedWithAnotherKeyIsRefused() {
        String forged = new ParticipantTokens("another-key-another-key-another-key!", Clock.systemUTC())
                .sign(claims(NOW.plusSeconds(3600)));
        assertThatThrownBy(() -> tokens.verify(forged)).isInstanceOf(InvalidTokenException.class)
                .extracting(e -> ((InvalidTokenException) e).reason())
                .isEqualTo(InvalidTokenException.Reason.BAD_SIGNATURE);
    }

    @Test
    void tamperedPayloadIsRefused() {
        String[] parts = tokens.sign(claims(NOW.plusSeconds(3600))).split("\\.", -1);
        String payload = new String(java.util.Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace("room-1", "room-2");
        String tampered = parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        assertThatThrownBy(() -> tokens.verify(tampered)).isInstanceOf(InvalidTokenException.class);
    }

    @Test
    void garbageAndMissingTokensAreRefused() {
        assertThatThrownBy(() -> tokens.verify("not-a-jwt")).isInstanceOf(InvalidTokenException.class)
                .extracting(e -> ((InvalidTokenException) e).reason()).isEqualTo(InvalidTokenException.Reason.MALFORMED);
        assertThatThrownBy(() -> tokens.verify(null)).isInstanceOf(InvalidTokenException.class)
                .extracting(e -> ((InvalidTokenException) e).reason()).isEqualTo(InvalidTokenException.Reason.MISSING);
    }

    @Test
    void unsignedAlgNoneTokenIsRefused() {
        String payload = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"iss\":\"babelcall\",\"sub\":\"p\",\"room\":\"r\",\"exp\":9999999999}".getBytes(StandardCharsets.UTF_8));
        String header = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> tokens.verify(header + "." + payload + ".")).isInstanceOf(InvalidTokenException.class);
    }

    @Test
    void shortKeyIsRejectedAtStart() {
        assertThatThrownBy(() -> new ParticipantTokens("short", Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 32 bytes");
    }
}
