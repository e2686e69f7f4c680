package io.babelcall.signaling.transport;

import io.babelcall.common.token.ParticipantClaims;
import io.babelcall.common.token.TokenCarrier;
import io.babelcall.signaling.config.SignalingProperties;
import io.babelcall.signaling.metrics.SignalingMetrics;
import io.babelcall.signaling.session.SignalingHandler;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.ReceiverContext;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.reactivestreams.Publisher;
import org.springframework.boot.reactor.netty.NettyRouteProvider;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;
import reactor.netty.http.server.WebsocketServerSpec;

/**
 * {@code /ws} served by Reactor Netty itself, ahead of the WebFlux handler that serves everything else (actuator):
 * checks the handshake ({@link HandshakeCheck}, on a frame worker since it reads Redis), then upgrades the connection
 * with no extension (browsers ask for {@code permessage-deflate}: ~145 KB of zlib state per socket to compress messages
 * of a few hundred bytes) and hands its frames to {@link InboundFrames} and its writes to {@link NettyConnection}.
 *
 * <p>Why not WebFlux's WebSocket support, or Tomcat's: both keep several kilobytes more per idle socket (sessions,
 * adapters, buffers; docs/benchmarks/signaling.md, round 12), and an idle socket is what a replica holds most of.
 */
public final class WebSocketRoute implements NettyRouteProvider {

    public static final String PATH = "/ws";

    private final HandshakeCheck check;
    private final SignalingHandler handler;
    private final SignalingProperties props;
    private final SignalingMetrics metrics;
    private final FrameWorkers workers;
    private final ObservationRegistry observations;
    private final AtomicInteger open = new AtomicInteger();
    private final OutboundBudget budget;

    public WebSocketRoute(HandshakeCheck check, SignalingHandler handler, SignalingProperties props,
                          SignalingMetrics metrics, FrameWorkers workers, ObservationRegistry observations) {
        this.check = check;
        this.handler = handler;
        this.props = props;
        this.metrics = metrics;
        this.workers = workers;
        this.observations = observations;
        this.budget = new OutboundBudget(props.send().replicaBufferChars(), props.send().fairShareChars());
    }

    @Override
    public HttpServerRoutes apply(HttpServerRoutes routes) {
        return routes.route(request -> PATH.equals(request.fullPath()), this::serve);
    }

    /** Characters written to this replica's sockets and not yet on the wire. */
    public long queuedChars() {
        return budget.queued();
    }

    private Publisher<Void> serve(HttpServerRequest request, HttpServerResponse response) {
        if (!request.requestHeaders().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
            return refuse(response, 400, "this path takes WebSocket upgrade requests only");
        }
        if (!handler.acceptingConnections()) {
            return refuse(response, 503, "this replica is shutting down; retry");
        }
        if (open.get() >= props.maxSockets()) {
            metrics.closed("replica_full");
            return refuse(response, 503, "this replica has no room for another socket; retry");
        }
        String query = request.uri().indexOf('?') < 0 ? null : request.uri().substring(request.uri().indexOf('?') + 1);
        String subprotocols = request.requestHeaders().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
        HandshakeCheck.Request checked = new HandshakeCheck.Request(
                request.requestHeaders().get(HttpHeaderNames.ORIGIN), request.requestHeaders().get(HttpHeaderNames.HOST),
                query, subprotocols);
        Observation observation = handshakeObservation(request.requestHeaders());
        Channel[] channel = new Channel[1];
        request.withConnection(c -> channel[0] = c.channel());
        return Mono.fromCallable(() -> observed(observation, checked))
                .subscribeOn(Schedulers.fromExecutor(workers.handshakes()))
                // back on the connection's event loop to answer: the upgrade rearranges the channel's pipeline
                .publishOn(Schedulers.fromExecutor(channel[0].eventLoop()))
                .flatMap(verdict -> verdict.accepted()
                        ? upgrade(response, verdict.claims(), bearerRequested(subprotocols))
                        : refuse(response, verdict.status(), verdict.detail()));
    }

    /**
     * The handshake as a server observation: its log lines carry the trace (continued from a {@code traceparent} header
     * when the client sent one) and it is timed as {@code babelcall.signaling.handshake{status}}.
     */
    private Observation handshakeObservation(HttpHeaders headers) {
        ReceiverContext<HttpHeaders> context = new ReceiverContext<>(HttpHeaders::get);
        context.setCarrier(headers);
        context.setContextualName("websocket handshake");
        return Observation.createNotStarted("babelcall.signaling.handshake", () -> context, observations);
    }

    private HandshakeCheck.Verdict observed(Observation observation, HandshakeCheck.Request request) {
        observation.start();
        try (Observation.Scope ignored = observation.openScope()) {
            HandshakeCheck.Verdict verdict = check.check(request);
            observation.lowCardinalityKeyValue("status", Integer.toString(verdict.status()));
            return verdict;
        } catch (RuntimeException e) {
            observation.error(e);
            throw e;
        } finally {
            observation.stop();
        }
    }

    private Mono<Void> upgrade(HttpServerResponse response, ParticipantClaims claims, boolean bearer) {
        WebsocketServerSpec.Builder spec = WebsocketServerSpec.builder()
                .maxFramePayloadLength(props.maxMessageBytes())
                .compress(false)
                .handlePing(true); // pings come to InboundFrames: rate-limited and read at our pace, not auto-answered
        if (bearer) {
            // Only when asked for: with a protocol set, Reactor Netty serves no socket that asked for none.
            spec.protocols(TokenCarrier.SUBPROTOCOL);
        }
        return response.sendWebsocket((in, out) -> {
            Channel[] channel = new Channel[1];
            in.withConnection(c -> channel[0] = c.channel());
            open.incrementAndGet();
            channel[0].closeFuture().addListener(f -> open.decrementAndGet());
            NettyConnection connection = new NettyConnection(channel[0], out, props.send().bufferChars(), budget,
                    props.send().timeLimit().toNanos(), metrics);
            InboundFrames frames = new InboundFrames(handler, connection, claims, workers.frames(),
                    props.maxMessageBytes());
            in.receiveFrames().subscribe(frames);
            // Kept with the socket for its lifetime otherwise: ~1 KB, and the token browsers send as a subprotocol.
            in.headers().clear();
            return in.receiveCloseStatus().doOnNext(frames::closeStatus).then();
        }, spec.build());
    }

    private static boolean bearerRequested(String subprotocols) {
        return subprotocols != null && Arrays.stream(subprotocols.split(",", -1))
                .anyMatch(p -> p.strip().toLowerCase(Locale.ROOT).equals(TokenCarrier.SUBPROTOCOL));
    }

    /** An RFC 9457 problem, before any socket exists. */
    private static Mono<Void> refuse(HttpServerResponse response, int status, String detail) {
        HttpResponseStatus s = HttpResponseStatus.valueOf(status);
        String body = "{\"type\":\"about:blank\",\"title\":\"" + s.reasonPhrase() + "\",\"status\":" + status
                + ",\"detail\":\"" + detail.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
        return response.status(s)
                .header(HttpHeaderNames.CONTENT_TYPE, "application/problem+json")
                .sendString(Mono.just(body), StandardCharsets.UTF_8)
                .then();
    }
}
