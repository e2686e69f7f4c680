package io.babelcall.pipeline.audio;

import io.babelcall.common.audio.AudioReady;
import io.babelcall.common.signaling.ErrorMessage;
import io.babelcall.common.signaling.ServerMessage;
import io.babelcall.common.token.TokenCarrier;
import io.babelcall.pipeline.security.AudioHandshakeFilter;
import io.babelcall.pipeline.security.AuthenticatedSpeaker;
import io.babelcall.pipeline.speech.PipelineMetrics;
import io.babelcall.pipeline.speech.SpeakerPipeline;
import io.babelcall.pipeline.speech.SpeakerPipelineFactory;
import io.babelcall.support.json.ClientJson;
import io.babelcall.support.logging.CallLog;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code /ws/audio}: one speaker's microphone. The handshake was authorised by {@link AudioHandshakeFilter}. Frames
 * are copied off the event loop and handled in order on a worker ({@link AudioIngest} checks them, the
 * {@link SpeakerPipeline} does the rest). A protocol violation sends an {@code error} frame and closes with the code of
 * its {@link AudioRejection}; it affects no other stream. However a stream ends, its pipeline is closed at once, so the
 * utterance in progress is finalised without waiting for the close handshake. Control messages are read with {@link ClientJson#strict}, and
 * no error message repeats what the client sent.
 */
public class AudioWebSocketHandler implements WebSocketHandler {

    private static final Logger log = LoggerFactory.getLogger(AudioWebSocketHandler.class);

    /** A received frame, copied out of its (pooled) buffer. */
    // ArrayRecordComponent: a carrier of bytes handed on once, never compared, hashed or printed
    @SuppressWarnings("ArrayRecordComponent")
    private record Frame(String text, byte[] binary, long arrivalNanos) {
    }

    private final AudioProperties props;
    private final ObjectMapper json;
    /** Reads the client's control messages: refuses strings that are not valid Unicode. */
    private final ObjectMapper clientJson;
    private final SpeakerPipelineFactory pipelines;
    private final AudioStreamRegistry registry;
    private final PipelineMetrics metrics;
    private final Scheduler worker;
    /** {@code {"type":"ready"}}, the first frame of every stream. */
    private final String readyFrame;

    public AudioWebSocketHandler(AudioProperties props, ObjectMapper json, SpeakerPipelineFactory pipelines,
                                 AudioStreamRegistry registry, PipelineMetrics metrics, Scheduler worker) {
        this.props = props;
        this.json = json;
        this.clientJson = ClientJson.strict(json);
        this.pipelines = pipelines;
        this.registry = registry;
        this.metrics = metrics;
        this.worker = worker;
        this.readyFrame = json.writeValueAsString(new AudioReady());
        // Every reason starts at zero, so dashboards and alert rules see the series before the first bad stream.
        for (AudioRejection r : AudioRejection.values()) {
            if (r.badInput()) {
                metrics.registerRejectionReason(r.code());
            }
        }
    }

    /** Lets a browser pass the token as {@code Sec-WebSocket-Protocol: bearer, <token>}; answered with "bearer". */
    @Override
    public List<String> getSubProtocols() {
        return List.of(TokenCarrier.SUBPROTOCOL);
    }

    @Override
    public Mono<Void> handle(WebSocketSession session) {
        AuthenticatedSpeaker speaker = (AuthenticatedSpeaker) session.getAttributes()
                .get(AudioHandshakeFilter.SPEAKER_ATTRIBUTE);
        if (speaker == null) { // cannot happen behind the filter; refuse rather than run unauthenticated
            return session.close(CloseStatus.POLICY_VIOLATION);
        }
        AudioIngest ingest = new AudioIngest(props, clientJson);
        AtomicBoolean started = new AtomicBoolean();
        AtomicBoolean ended = new AtomicBoolean();
        AudioStreamRegistry.Handle handle = registry.register(speaker.roomId(), speaker.participantId());
        SpeakerPipeline pipeline = pipelines.create(speaker);
        Object audioLock = new Object();
        // the worker thread handling a frame names the call in its MDC, for engine and pipeline lines alike
        CallLog.Ids ids = new CallLog.Ids(speaker.roomId(), speaker.participantId(), null);
        metrics.streamOpened();
        CallLog.info(log, speaker.roomId(), speaker.participantId()).log("audio stream of {} in room {} opened",
                speaker.participantId(), speaker.roomId());

        // One long-lived outbound stream: completing a send, or cancelling the inbound, would make Reactor Netty
        // close without a status code, so the stream is ended only by sending our own close frame.
        Sinks.Many<WebSocketMessage> outbound = Sinks.many().unicast().onBackpressureBuffer();
        session.send(outbound.asFlux()).subscribe(v -> { }, e -> log.debug("audio socket send ended: {}", e.toString()));
        Runnable closePipeline = () -> worker.schedule(ids.wrap(() -> {
            synchronized (audioLock) {
                pipeline.close();
            }
        }));
        Consumer<AudioRejectedException> reject = e -> {
            if (ended.compareAndSet(false, true)) {
                reject(session, speaker, outbound, e);
                closePipeline.run();
            }
        };

        Disposable startDeadline = Mono.delay(props.startTimeout()).subscribe(t -> {
            if (!started.get()) {
                reject.accept(new AudioRejectedException(AudioRejection.START_TIMEOUT,
                        "no start frame within " + props.startTimeout().toMillis() + " ms"));
            }
        });
        Disposable replaced = handle.replaced().subscribe(null, null, () -> reject.accept(new AudioRejectedException(
                AudioRejection.REPLACED, "a newer audio stream of this participant took over")));
        Disposable removed = handle.removed().subscribe(null, null, () -> reject.accept(new AudioRejectedException(
                AudioRejection.REMOVED, "the participant is no longer in the room")));
        Disposable shutdown = handle.shutdown().subscribe(null, null, () -> reject.accept(new AudioRejectedException(
                AudioRejection.SHUTDOWN, "this server is restarting: reconnect")));

        return session.receive()
                // Frames that arrive before this subscription can be dropped by the socket layer: the client waits for
                // "ready" before its start frame (docs/pipeline.md).
                .doOnSubscribe(s -> {
                    synchronized (outbound) {
                        outbound.tryEmitNext(session.textMessage(readyFrame));
                    }
                })
                .filter(m -> m.getType() == WebSocketMessage.Type.TEXT || m.getType() == WebSocketMessage.Type.BINARY)
                .map(AudioWebSocketHandler::copy)
                .publishOn(worker)
                .doOnNext(ids.wrap(frame -> {
                    if (ended.get()) {
                        return; // rejected or stopped: the close handshake is under way, the rest is ignored
                    }
                    synchronized (audioLock) {
                        try {
                            if (!handleFrame(frame, ingest, pipeline, started) && ended.compareAndSet(false, true)) {
                                session.close(CloseStatus.NORMAL).subscribe();
                            }
                        } catch (AudioRejectedException e) {
                            reject.accept(e);
                        }
                    }
                }))
                .onErrorResume(e -> {
                    // oversized frames and other protocol violations, reported by the decoder (AudioChannelGuard)
                    AudioRejectedException rejection = AudioChannelGuard.rejection(e, props.maxFrameBytes());
                    if (rejection == null) {
                        return Mono.error(e);
                    }
                    reject.accept(rejection);
                    return Mono.empty();
                })
                .then()
                .doFinally(signal -> {
                    CallLog.info(log, speaker.roomId(), speaker.participantId()).log(
                            "audio stream of {} in room {} ended ({})", speaker.participantId(), speaker.roomId(), signal);
                    startDeadline.dispose();
                    replaced.dispose();
                    removed.dispose();
                    shutdown.dispose();
                    outbound.tryEmitComplete();
                    registry.unregister(handle);
                    metrics.streamClosed();
                    closePipeline.run();
                });
    }

    /** Handles one frame; false after {@code stop}. Throws {@link AudioRejectedException} on bad input. */
    private boolean handleFrame(Frame frame, AudioIngest ingest, SpeakerPipeline pipeline, AtomicBoolean started) {
        if (frame.text() != null) {
            AudioIngest.Control control = ingest.onText(frame.text(), frame.arrivalNanos());
            if (control == AudioIngest.Control.STOP) {
                return false;
            }
            started.set(true);
            return true;
        }
        short[] samples = ingest.onBinary(frame.binary(), frame.arrivalNanos());
        pipeline.accept(samples, frame.arrivalNanos());
        return true;
    }

    private void reject(WebSocketSession session, AuthenticatedSpeaker speaker, Sinks.Many<WebSocketMessage> outbound,
                        AudioRejectedException e) {
        AudioRejection r = e.rejection();
        if (r.badInput()) {
            metrics.rejected(r.code());
        }
        CallLog.info(log, speaker.roomId(), speaker.participantId()).log("closing audio stream of {} with {} ({}): {}",
                speaker.participantId(), r.closeCode(), r.code(), e.getMessage());
        String payload = json.writerFor(ServerMessage.class).writeValueAsString(new ErrorMessage(r.code(), e.getMessage()));
        synchronized (outbound) {
            outbound.tryEmitNext(session.textMessage(payload)); // queued on the channel before the close frame
        }
        session.close(new CloseStatus(r.closeCode(), r.code())).subscribe();
    }

    private static Frame copy(WebSocketMessage message) {
        long now = System.nanoTime();
        if (message.getType() == WebSocketMessage.Type.TEXT) {
            return new Frame(message.getPayloadAsText(), null, now);
        }
        DataBuffer buffer = message.getPayload();
        byte[] bytes = new byte[buffer.readableByteCount()];
        buffer.read(bytes);
        return new Frame(null, bytes, now);
    }
}
