package io.babelcall.signaling.media;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health component {@code sfu}: UP while at least one configured Janus node is connected, with how many are. Not in
 * the readiness group on purpose: without an SFU the replica still carries presence, chat and captions, and tells
 * each page that media is unavailable ({@code media-state}), instead of taking the whole call away.
 */
public class SfuHealthIndicator implements HealthIndicator {

    private final JanusNodes nodes;

    public SfuHealthIndicator(JanusNodes nodes) {
        this.nodes = nodes;
    }

    @Override
    public Health health() {
        int healthy = nodes.healthy().size();
        Health.Builder h = healthy > 0 ? Health.up() : Health.down();
        return h.withDetail("nodes", nodes.configured()).withDetail("reachable", healthy).build();
    }
}
