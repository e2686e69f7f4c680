package io.babelcall.api.ice;

import io.babelcall.api.config.TurnProperties;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * ICE servers for one participant. TURN credentials follow the TURN REST API scheme that coturn checks with
 * {@code use-auth-secret} / {@code static-auth-secret}: username {@code "<expiry epoch seconds>:<participantId>"},
 * password Base64(HMAC-SHA1(secret, username)). Nothing is stored: coturn recomputes the HMAC and checks the expiry.
 */
public class IceServerFactory {

    private final TurnProperties properties;
    private final Clock clock;

    public IceServerFactory(TurnProperties properties, Clock clock) {
        this.properties = properties;
        this.clock = clock;
    }

    public IceServers forParticipant(String participantId) {
        List<IceServer> servers = new ArrayList<>();
        if (!properties.stunUrls().isEmpty()) {
            servers.add(new IceServer(List.copyOf(properties.stunUrls()), null, null));
        }
        if (properties.turnEnabled()) {
            long expiry = clock.instant().plus(properties.ttl()).getEpochSecond();
            String username = expiry + ":" + participantId;
            servers.add(new IceServer(List.copyOf(properties.turnUrls()), username,
                    credential(properties.secret(), username)));
        }
        return new IceServers(List.copyOf(servers), properties.ttl().toSeconds());
    }

    /** Base64(HMAC-SHA1(secret, username)), the coturn {@code use-auth-secret} password. */
    public static String credential(String secret, String username) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 unavailable", e);
        }
    }
}
