package io.babelcall.common.media;

/**
 * Where a live orchestrator replica receives forwarded RTP, and how loaded it is: the value of
 * {@code RedisKeys.tapReplica(replicaId)}, refreshed by that replica every heartbeat with a short TTL, so an entry
 * that exists belongs to a live replica (contract and the picker's rules: docs/media.md, "Speech tap").
 *
 * @param host  address Janus sends to (an IP literal, or a name Janus resolves, e.g. a compose service)
 * @param port  UDP port
 * @param taps  RTP streams this replica is receiving now
 */
public record TapEndpoint(String host, int port, int taps) {
}
