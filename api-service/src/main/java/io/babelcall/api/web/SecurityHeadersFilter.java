package io.babelcall.api.web;

import io.babelcall.api.config.ApiProperties;
import io.babelcall.support.web.SecurityHeadersWebFilter;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * The api's security headers (the shared {@link SecurityHeadersWebFilter}): its Content-Security-Policy lets the page
 * run only its own scripts and talk only to this origin plus the configured signaling, audio and orchestrator origins
 * (WebSocket and HTTP); camera and microphone stay allowed for this origin so getUserMedia works.
 */
@Component
public class SecurityHeadersFilter extends SecurityHeadersWebFilter {

    private static final String PERMISSIONS = "camera=(self), microphone=(self), display-capture=(self), "
            + "autoplay=(self), geolocation=(), payment=(), usb=()";

    public SecurityHeadersFilter(ApiProperties properties) {
        super(contentSecurityPolicy(properties), PERMISSIONS);
    }

    private static String contentSecurityPolicy(ApiProperties properties) {
        Set<String> connect = new LinkedHashSet<>();
        connect.add("'self'");
        addOrigin(connect, properties.signalingUrl());
        addOrigin(connect, properties.audioUrl());
        addOrigin(connect, properties.orchestratorUrl());
        Set<String> media = new LinkedHashSet<>();
        media.add("'self'");
        media.add("blob:");
        addOrigin(media, properties.orchestratorUrl());
        return "default-src 'self'; "
                + "script-src 'self'; "
                + "worker-src 'self' blob:; "
                + "style-src 'self' 'unsafe-inline'; "
                + "img-src 'self' data: blob:; "
                + "font-src 'self' data:; "
                + "media-src " + String.join(" ", media) + "; "
                + "connect-src " + String.join(" ", connect) + "; "
                + "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
    }

    /** Adds the scheme://host[:port] of an absolute URL; relative URLs are same-origin, covered by 'self'. */
    private static void addOrigin(Set<String> sources, String url) {
        try {
            URI uri = URI.create(url.trim());
            if (uri.getScheme() == null || uri.getHost() == null) {
                return;
            }
            String origin = uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getHost()
                    + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
            sources.add(origin);
        } catch (IllegalArgumentException e) {
            // validated URLs only reach here; an unparsable one simply adds no source
        }
    }
}
