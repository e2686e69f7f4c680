import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;

/** The speaker's /ws/audio stream in real time (20 ms frames); on any close it resumes at once on the next replica. */
final class Speaker implements java.net.http.WebSocket.Listener {
    final String token;
    final List<Integer> ports;
    final List<Integer> closeCodes = new java.util.concurrent.CopyOnWriteArrayList<>();
    volatile boolean closed;
    volatile int sent;
    private volatile boolean started;
    private volatile java.net.http.WebSocket ws;
    private volatile java.util.concurrent.CompletableFuture<Void> ready = new java.util.concurrent.CompletableFuture<>();
    private int next;

    Speaker(String token, List<Integer> ports) {
        this.token = token;
        this.ports = ports;
    }

    void stream(Speech speech, double seconds, long t0) {
        byte[] silence = new byte[640];
        long frames = 0;
        int i = 0;
        try {
            open();
            while ((System.nanoTime() - t0) / 1e9 < seconds - 5) {
                byte[] s = speech.sentences().get(i++ % speech.sentences().size());
                sent++;
                for (int off = 0; off < s.length; off += 640) {
                    send(java.util.Arrays.copyOf(java.util.Arrays.copyOfRange(s, off, Math.min(s.length, off + 640)), 640));
                    FaultSuite.sleepUntil(t0, ++frames * 0.02);
                }
                for (int k = 0; k < 75; k++) {
                    send(silence);
                    FaultSuite.sleepUntil(t0, ++frames * 0.02);
                }
            }
            ws.sendText("{\"type\":\"stop\"}", true).get(2, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            System.out.println("  speaker stopped: " + e);
        }
    }

    private void send(byte[] frame) {
        java.net.http.WebSocket w = ws;
        if (w == null || !started || w.isOutputClosed()) {
            return; // the frame is lost, as a real microphone's would be while reconnecting
        }
        try {
            w.sendBinary(ByteBuffer.wrap(frame), true).get(1, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            // closed under us: onClose/onError reconnects
        }
    }

    private void open() {
        long end = System.nanoTime() + 20_000_000_000L;
        while (!closed && System.nanoTime() < end) {
            int port = ports.get(next % ports.size());
            ready = new java.util.concurrent.CompletableFuture<>();
            try {
                ws = FaultSuite.HTTP.newWebSocketBuilder()
                        .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws/audio?access_token=" + token), this)
                        .get(5, java.util.concurrent.TimeUnit.SECONDS);
                ready.get(5, java.util.concurrent.TimeUnit.SECONDS);
                ws.sendText("{\"type\":\"start\",\"sampleRate\":16000,\"encoding\":\"pcm16\"}", true).get();
                started = true;
                return;
            } catch (Exception e) {
                next++;
                ready = new java.util.concurrent.CompletableFuture<>();
            }
        }
    }

    @Override
    public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket w, CharSequence data, boolean last) {
        if (data.toString().contains("\"ready\"")) {
            ready.complete(null);
        }
        w.request(1);
        return null;
    }

    @Override
    public java.util.concurrent.CompletionStage<?> onClose(java.net.http.WebSocket w, int code, String reason) {
        lost(w, code);
        return null;
    }

    @Override
    public void onError(java.net.http.WebSocket w, Throwable error) {
        lost(w, 1006);
    }

    private void lost(java.net.http.WebSocket w, int code) {
        if (w != ws) {
            return;
        }
        closeCodes.add(code);
        started = false;
        ready = new java.util.concurrent.CompletableFuture<>();
        if (!closed && code != 1000) {
            next++;
            new Thread(this::open).start();
        }
    }
}
