package io.babelcall.api.room;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * Unguessable identifiers from {@link SecureRandom}, URL-safe Base64 without padding. A room id is the room's access
 * key (anyone with the link may join), hence 128 bits.
 */
@Component
public class RandomIds {

    /** Shape of every id this service issues (and of any id worth a Redis lookup). */
    public static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private final SecureRandom random;

    public RandomIds(SecureRandom random) {
        this.random = random;
    }

    /** 16 random bytes: 22 characters. */
    public String roomId() {
        return next(16);
    }

    /** 12 random bytes: 16 characters; only needs to be unique within its room. */
    public String participantId() {
        return next(12);
    }

    public String tokenId() {
        return next(12);
    }

    private String next(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return ENCODER.encodeToString(b);
    }

    public static boolean wellFormed(String id) {
        return id != null && SHAPE.matcher(id).matches();
    }
}
