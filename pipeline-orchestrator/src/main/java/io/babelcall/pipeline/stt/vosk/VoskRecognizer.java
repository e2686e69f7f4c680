package io.babelcall.pipeline.stt.vosk;

import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.engine.remote.RemoteEngines;
import io.babelcall.pipeline.engine.spi.EngineException;
import io.babelcall.pipeline.engine.spi.EngineHealth;
import io.babelcall.pipeline.engine.spi.EngineRole;
import io.babelcall.pipeline.engine.spi.EngineTimeoutException;
import io.babelcall.pipeline.stt.RecognitionListener;
import io.babelcall.pipeline.stt.RecognitionRequest;
import io.babelcall.pipeline.stt.RecognitionSession;
import io.babelcall.pipeline.stt.SpeechRecognizer;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.netty.tcp.TcpClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Type {@code vosk}: a Vosk server over WebSocket ({@code ws://vosk:2700}). Per socket: the text frame
 * {@code {"config":{"sample_rate":16000}}}, then binary PCM16LE chunks ({@code chunk} of audio each); the server
 * answers every chunk with {@code {"partial": ...}} or, when its own endpointer closes a segment,
 * {@code {"result": [...], "text": ...}}; the text frame {@code {"eof" : 1}} (written with these spaces: vosk-server
 * compares the raw string) asks for the final {@code {"text": ...}} and ends the socket.
 *
 * <p>A speaker stream uses one socket at a time: it is opened at the first audio of an utterance and ended with
 * {@code eof} at the utterance's end, because eof is the only way the standard server gives a final exactly when our
 * endpointing says so (and it closes the socket after it). The final of an utterance is every {@code text} the socket
 * produced plus the eof answer. Finals are delivered in utterance order even when sockets overlap. A socket that
 * fails, closes early or falls more than {@code max-backlog} behind ends its utterance with an error; the next
 * utterance opens a new one.
 */
final class VoskRecognizer implements SpeechRecognizer, EngineHealth {

    private static final Logger log = LoggerFactory.getLogger(VoskRecognizer.class);
    static final String EOF = "{\"eof\" : 1}";

    private final String name;
    private final URI url;
    private final Set<LanguageCode> languages;
    private final HttpClient client;
    private final WebsocketClientSpec spec;
    private final JsonMapper json;
    private final int chunkMillis;
    private final Duration maxBacklog;
    private final Duration connectTimeout;
    private final Duration timeout;

    VoskRecognizer(String name, URI url, Set<LanguageCode> languages, HttpClient client, JsonMapper json,
                   int chunkMillis, Duration maxBacklog, Duration connectTimeout, int maxFrameBytes,
                   Duration timeout) {
        this.timeout = timeout;
        this.name = name;
        this.url = url;
        this.languages = Set.copyOf(languages);
        this.client = client;
        this.spec = WebsocketClientSpec.builder().maxFramePayloadLength(maxFrameBytes).build();
        this.json = json;
        this.chunkMillis = chunkMillis;
        this.maxBacklog = maxBacklog;
        this.connectTimeout = connectTimeout;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Set<LanguageCode> languages() {
        return languages;
    }

    @Override
    public RecognitionSession open(RecognitionRequest request, RecognitionListener listener) {
        return new Session(request, listener);
    }

    @Override
    public Mono<Status> health() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("url", url.getScheme() + "://" + url.getHost() + ":" + port());
        details.put("probe", "TCP connect");
        return TcpClient.newConnection().host(url.getHost()).port(port())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
                .connect()
                .doOnNext(c -> c.disposeNow())
                .map(c -> Status.up(details))
                .onErrorResume(e -> {
                    Map<String, Object> down = new LinkedHashMap<>(details);
                    down.put("error", e.toString());
                    return Mono.just(new Status(false, down));
                });
    }

    private int port() {
        return url.getPort() > 0 ? url.getPort() : url.getScheme().equals("wss") ? 443 : 80;
    }

    /** The result of one utterance, delivered in order. */
    private static final class Slot {
        String text;
        Throwable error;
        boolean done;  // the socket produced the result
        boolean ended; // endUtterance() was called: the result may be delivered
    }

    private final class Session implements RecognitionSession {

        private final RecognitionRequest request;
        private final RecognitionListener listener;
        private final Deque<Slot> slots = new ArrayDeque<>();
        private final int chunkBytes;
        private final int maxOutstanding;
        private volatile boolean closed;
        private Socket current; // audio thread

        Session(RecognitionRequest request, RecognitionListener listener) {
            this.request = request;
            this.listener = listener;
            this.chunkBytes = request.sampleRate() * 2 * chunkMillis / 1000;
            this.maxOutstanding = (int) Math.max(2, maxBacklog.toMillis() / chunkMillis);
        }

        @Override
        public void accept(short[] samples, int offset, int length) {
            if (closed) {
                return;
            }
            if (current == null) {
                Slot slot = new Slot();
                synchronized (slots) {
                    slots.addLast(slot);
                }
                current = new Socket(this, slot);
            }
            current.audio(samples, offset, length);
        }

        @Override
        public void endUtterance() {
            if (closed) {
                return;
            }
            Socket s = current;
            current = null;
            if (s == null) {
                Slot slot = new Slot();
                synchronized (slots) {
                    slot.ended = true;
                    slots.addLast(slot);
                }
                complete(slot, "", null);
                return;
            }
            synchronized (slots) {
                s.slot.ended = true;
            }
            s.end();
            drain();
        }

        void complete(Slot slot, String text, Throwable error) {
            synchronized (slots) {
                if (slot.done) {
                    return;
                }
                slot.done = true;
                slot.text = text;
                slot.error = error;
            }
            drain();
        }

        /** Delivers the results of ended utterances, in order. */
        private void drain() {
            while (true) {
                Slot head;
                synchronized (slots) {
                    head = slots.peekFirst();
                    if (head == null || !head.done || !head.ended) {
                        return;
                    }
                    slots.pollFirst();
                }
                if (closed) {
                    continue;
                }
                try {
                    if (head.error != null) {
                        listener.onError(head.error);
                    } else {
                        listener.onFinal(head.text);
                    }
                } catch (RuntimeException e) {
                    log.warn("recognition listener failed: {}", e.toString());
                }
            }
        }

        void interim(Socket socket, String text) {
            if (!closed && socket == current && !text.isBlank()) {
                try {
                    listener.onInterim(text);
                } catch (RuntimeException e) {
                    log.warn("recognition listener failed: {}", e.toString());
                }
            }
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            Socket s = current;
            current = null;
            if (s != null) {
                s.end();
            }
        }
    }

    /** One WebSocket to the server, for one utterance. */
    private final class Socket {

        private final Session session;
        private final Slot slot;
        private final Sinks.Many<WebSocketFrame> out = Sinks.many().unicast().onBackpressureBuffer();
        private final Deque<Boolean> sent = new ArrayDeque<>(); // true = the eof message
        private final ByteBuffer chunk;
        private final StringBuilder text = new StringBuilder();
        private final Disposable connection;
        private volatile boolean failed;
        private boolean ended;
        private String lastInterim = "";

        Socket(Session session, Slot slot) {
            this.session = session;
            this.slot = slot;
            this.chunk = ByteBuffer.allocate(session.chunkBytes).order(ByteOrder.LITTLE_ENDIAN);
            send(new TextWebSocketFrame("{\"config\":{\"sample_rate\":" + session.request.sampleRate() + "}}"), null);
            this.connection = client.websocket(spec).uri(url)
                    .handle((in, outbound) -> Mono.when(
                            outbound.sendObject(out.asFlux()).then(),
                            in.aggregateFrames().receive().asString().doOnNext(this::reply).then()))
                    .subscribe(v -> { }, this::failed, () -> failed(null));
        }

        void audio(short[] samples, int offset, int length) {
            if (failed) {
                return;
            }
            for (int i = 0; i < length; i++) {
                chunk.putShort(samples[offset + i]);
                if (!chunk.hasRemaining()) {
                    flush();
                }
            }
        }

        private void flush() {
            if (chunk.position() == 0) {
                return;
            }
            byte[] bytes = java.util.Arrays.copyOf(chunk.array(), chunk.position());
            chunk.clear();
            int outstanding;
            synchronized (sent) {
                outstanding = sent.size();
            }
            if (outstanding >= session.maxOutstanding) {
                fail(new EngineException("vosk engine '" + name + "' fell more than " + maxBacklog.toMillis()
                        + " ms behind the audio", null, true));
                return;
            }
            send(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes)), Boolean.FALSE);
        }

        void end() {
            if (ended) {
                return;
            }
            ended = true;
            if (failed) {
                return;
            }
            flush();
            send(new TextWebSocketFrame(EOF), Boolean.TRUE);
            out.tryEmitComplete();
            // a server that never answers eof must not hold back the finals of later utterances
            Schedulers.parallel().schedule(() -> {
                if (!slot.done) {
                    fail(new EngineTimeoutException(EngineRole.STT, name, timeout));
                }
            }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        private void send(WebSocketFrame frame, Boolean kind) {
            if (kind != null) {
                synchronized (sent) {
                    sent.addLast(kind);
                }
            }
            if (out.tryEmitNext(frame).isFailure()) {
                frame.release();
            }
        }

        private void reply(String message) {
            Boolean kind;
            synchronized (sent) {
                kind = sent.pollFirst();
            }
            JsonNode root;
            try {
                root = json.readTree(message);
            } catch (RuntimeException e) {
                fail(new EngineException("vosk engine '" + name + "' sent a malformed reply: "
                        + RemoteEngines.abbreviate(message)));
                return;
            }
            if (root.has("text")) {
                String t = root.path("text").asString("").strip();
                if (!t.isEmpty()) {
                    text.append(text.isEmpty() ? "" : " ").append(t);
                }
            }
            if (Boolean.TRUE.equals(kind)) {
                session.complete(slot, text.toString(), null);
                connection().ifPresent(Disposable::dispose);
                return;
            }
            if (root.has("partial")) {
                String p = root.path("partial").asString("").strip();
                String interim = (text + " " + p).strip();
                if (!interim.equals(lastInterim)) {
                    lastInterim = interim;
                    session.interim(this, interim);
                }
            } else if (!root.has("text")) {
                fail(new EngineException("vosk engine '" + name + "' sent a malformed reply: "
                        + RemoteEngines.abbreviate(message)));
            }
        }

        private void failed(Throwable e) {
            if (slot.done) {
                return; // normal close after the final
            }
            fail(e == null
                    ? new EngineException("vosk engine '" + name + "' (" + url + ") closed the socket before the final",
                    null, true)
                    : new EngineException("vosk engine '" + name + "' (" + url + ") failed: " + e, e, true));
        }

        private void fail(EngineException e) {
            if (slot.done) {
                return;
            }
            failed = true;
            out.tryEmitComplete();
            connection().ifPresent(Disposable::dispose);
            session.complete(slot, null, e);
        }

        private java.util.Optional<Disposable> connection() {
            return java.util.Optional.ofNullable(connection);
        }
    }
}
