package io.babelcall.common.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.babelcall.common.language.LanguageCode;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;

/**
 * Signs and verifies participant tokens: compact JWS with HMAC-SHA256, issuer {@value #ISSUER}. The api signs;
 * signaling and the orchestrator verify with the same key. Thread-safe.
 */
public final class ParticipantTokens {

    public static final String ISSUER = "babelcall";
    /** HS256 needs a key of at least 256 bits. */
    public static final int MIN_KEY_BYTES = 32;

    private static final String ROOM = "room";
    private static final String NAME = "name";
    private static final String SPOKEN = "spk";
    private static final String CAPTION = "cap";
    private static final String DUBBING = "dub";

    private final JWSSigner signer;
    private final JWSVerifier verifier;
    private final Clock clock;

    public ParticipantTokens(String signingKey, Clock clock) {
        Objects.requireNonNull(signingKey, "signing key");
        byte[] key = signingKey.getBytes(StandardCharsets.UTF_8);
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException(
                    "token signing key must be at least " + MIN_KEY_BYTES + " bytes, got " + key.length);
        }
        try {
            this.signer = new MACSigner(key);
            this.verifier = new MACVerifier(key);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("unusable token signing key: " + e.getMessage(), e);
        }
        this.clock = clock;
    }

    public String sign(ParticipantClaims claims) {
        JWTClaimsSet set = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject(claims.participantId())
                .claim(ROOM, claims.roomId())
                .claim(NAME, claims.displayName())
                .claim(SPOKEN, claims.spokenLanguage().value())
                .claim(CAPTION, claims.captionLanguage().value())
                .claim(DUBBING, claims.dubbing())
                .issueTime(Date.from(claims.issuedAt()))
                .expirationTime(Date.from(claims.expiresAt()))
                .jwtID(claims.tokenId())
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), set);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign token", e);
        }
        return jwt.serialize();
    }

    /** Returns the claims of a valid, unexpired token of this issuer, or throws saying why it is refused. */
    public ParticipantClaims verify(String token) throws InvalidTokenException {
        if (token == null || token.isBlank()) {
            throw new InvalidTokenException(InvalidTokenException.Reason.MISSING, "no token");
        }
        SignedJWT jwt;
        JWTClaimsSet set;
        try {
            jwt = SignedJWT.parse(token.trim());
            set = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new InvalidTokenException(InvalidTokenException.Reason.MALFORMED, "malformed token");
        }
        if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm())) {
            throw new InvalidTokenException(InvalidTokenException.Reason.BAD_SIGNATURE, "unexpected token algorithm");
        }
        try {
            if (!jwt.verify(verifier)) {
                throw new InvalidTokenException(InvalidTokenException.Reason.BAD_SIGNATURE, "bad token signature");
            }
        } catch (JOSEException e) {
            throw new InvalidTokenException(InvalidTokenException.Reason.BAD_SIGNATURE, "bad token signature");
        }
        if (!ISSUER.equals(set.getIssuer())) {
            throw new InvalidTokenException(InvalidTokenException.Reason.WRONG_ISSUER, "token of another issuer");
        }
        Date exp = set.getExpirationTime();
        if (exp == null || !clock.instant().isBefore(exp.toInstant())) {
            throw new InvalidTokenException(InvalidTokenException.Reason.EXPIRED, "token expired");
        }
        try {
            return new ParticipantClaims(
                    required(set.getStringClaim(ROOM)),
                    required(set.getSubject()),
                    required(set.getStringClaim(NAME)),
                    LanguageCode.of(required(set.getStringClaim(SPOKEN))),
                    LanguageCode.of(required(set.getStringClaim(CAPTION))),
                    Boolean.TRUE.equals(set.getBooleanClaim(DUBBING)),
                    set.getIssueTime() == null ? Instant.EPOCH : set.getIssueTime().toInstant(),
                    exp.toInstant(),
                    set.getJWTID());
        } catch (ParseException | IllegalArgumentException e) {
            throw new InvalidTokenException(InvalidTokenException.Reason.MALFORMED, "token claims are incomplete");
        }
    }

    private static String required(String v) {
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("missing claim");
        }
        return v;
    }
}
