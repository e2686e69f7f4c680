import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A signaling client: reconnects at once to the next replica on any close except 4002/4003/1000. */
final class SigClient implements java.net.http.WebSocket.Listener {
    final String name;
    final String token;
    final List<Integer> ports;
    final List<Integer> closeCodes = new ArrayList<>();
    final java.util.Set<String> finals = new java.util.HashSet<>();
    final java.util.Set<String> translations = new java.util.HashSet<>();
    final List<Long> finalTimes = new ArrayList<>();
    final List<String> peersLeft = new ArrayList<>();
    int duplicates;
    volatile boolean closed;
    volatile java.net.http.WebSocket ws;
    private final StringBuilder partial = new StringBuilder();
    private int next;

    SigClient(String name, String token, List<Integer> ports) {
        this.name = name;
        this.token = token;
        this.ports = ports;
    }

    void connect() {
        long end = System.nanoTime() + 30_000_000_000L;
        while (!closed && System.nanoTime() < end) {
            int port = ports.get(next++ % ports.size());
            try {
                ws = FaultSuite.HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(2))
                        .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws?access_token=" + token), this)
                        .get(5, java.util.concurrent.TimeUnit.SECONDS);
                next--; // stay on the replica that took us
                return;
            } catch (Exception e) {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        System.out.println("  " + name + ": could not reconnect within 30 s");
    }

    @Override
    public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket w, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            on(partial.toString());
            partial.setLength(0);
        }
        w.request(1);
        return null;
    }

    private synchronized void on(String json) {
        String type = FaultSuite.field(json, "type");
        if ("peer-left".equals(type)) {
            peersLeft.add(FaultSuite.field(json, "participantId") + " " + FaultSuite.field(json, "reason"));
        } else if (("transcript".equals(type) || "translation".equals(type)) && json.contains("\"final\":true")) {
            String id = FaultSuite.field(json, "utteranceId");
            boolean fresh = ("transcript".equals(type) ? finals : translations).add(id);
            if (!fresh) {
                duplicates++;
            }
            if ("transcript".equals(type) && !FaultSuite.flag(json, "late")) { // late: held up, not a recovery
                finalTimes.add(System.nanoTime());
            }
        }
    }

    @Override
    public java.util.concurrent.CompletionStage<?> onClose(java.net.http.WebSocket w, int code, String reason) {
        lost(code);
        return null;
    }

    @Override
    public void onError(java.net.http.WebSocket w, Throwable error) {
        lost(1006);
    }

    private void lost(int code) {
        synchronized (this) {
            closeCodes.add(code);
        }
        if (!closed && code != 4002 && code != 4003 && code != 1000) {
            next++; // the other replica first
            new Thread(this::connect).start();
        }
    }

    void close() {
        closed = true;
        if (ws != null) {
            ws.sendClose(1000, "").orTimeout(2, java.util.concurrent.TimeUnit.SECONDS);
        }
    }
}
