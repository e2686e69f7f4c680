import java.util.ArrayList;
import java.util.List;

/** The call: a speaker (en, captions en) and two listeners (en, captions es), joined through the api. */
final class Call {
    final Stack stack;
    final String roomId;
    final SigClient speakerSig;
    final List<SigClient> clients = new ArrayList<>();
    final Speaker speaker;
    final java.util.Set<String> ids = new java.util.HashSet<>();
    final String listenerToken;

    record Outcome(List<String> problems, int spoken, int lost, int duplicates, int transcribed, double recovery,
                   String summary) {
    }

    Call(Stack stack, String name) throws Exception {
        this.stack = stack;
        var room = FaultSuite.http("POST", "http://127.0.0.1:" + stack.api + "/api/v1/rooms",
                "{\"name\":\"" + name.replaceAll("[^a-z0-9-]", "") + "\"}");
        roomId = FaultSuite.field(room.body(), "roomId");
        if (roomId == null) {
            throw new IllegalStateException("room not created: " + room.statusCode() + " " + room.body());
        }
        String[] who = {"speaker", "listener-1", "listener-2"};
        int[] home = {stack.s1, stack.s1, stack.s2};
        String speakerToken = null;
        SigClient first = null;
        for (int i = 0; i < 3; i++) {
            String caption = i == 0 ? "en" : "es";
            var join = FaultSuite.http("POST", "http://127.0.0.1:" + stack.api + "/api/v1/rooms/" + roomId
                    + "/participants", "{\"displayName\":\"" + who[i] + "\",\"spokenLanguage\":\"en\","
                    + "\"captionLanguage\":\"" + caption + "\",\"dubbing\":false}");
            String token = FaultSuite.field(join.body(), "token");
            if (token == null) {
                throw new IllegalStateException("join refused: " + join.statusCode() + " " + join.body());
            }
            ids.add(FaultSuite.field(join.body(), "participantId"));
            SigClient c = new SigClient(who[i], token, List.of(home[i], home[i] == stack.s1 ? stack.s2 : stack.s1));
            c.connect();
            clients.add(c);
            if (i == 0) {
                speakerToken = token;
                first = c;
            }
        }
        speakerSig = first;
        speaker = new Speaker(speakerToken, List.of(stack.o1, stack.o2));
        listenerToken = clients.get(1).token;
    }

    static Call open(Stack stack, String name) throws Exception {
        return new Call(stack, name);
    }

    List<SigClient> listeners() {
        return clients.subList(1, 3);
    }

    boolean listenersHaveFinals(int n) {
        return clients.stream().allMatch(c -> c.finals.size() >= n)
                && listeners().stream().allMatch(c -> c.translations.size() >= n);
    }

    Outcome outcome(Speech speech, long restoredNanos) throws Exception {
        List<String> problems = new ArrayList<>();
        int spoken = speaker.sent;
        int lost = 0;
        int dups = 0;
        double recovery = 0;
        for (SigClient c : clients) {
            synchronized (c) {
                if (c.closeCodes.contains(4003)) {
                    problems.add(c.name + " evicted (4003)");
                }
                if (c.closeCodes.contains(4001)) {
                    problems.add(c.name + " closed 4001");
                }
                for (String left : c.peersLeft) {
                    if (ids.contains(left.split(" ")[0])) {
                        problems.add(c.name + " saw peer-left " + left);
                    }
                }
                lost = Math.max(lost, spoken - c.finals.size());
                if (c != speakerSig) {
                    lost = Math.max(lost, spoken - c.translations.size());
                }
                dups += c.duplicates;
                long first = c.finalTimes.stream().filter(t -> t > restoredNanos).min(Long::compare).orElse(-1L);
                recovery = first < 0 ? Double.NaN : Math.max(recovery, (first - restoredNanos) / 1e9);
            }
        }
        if (dups > 0) {
            problems.add(dups + " duplicated final(s)");
        }
        var room = FaultSuite.http("GET", "http://127.0.0.1:" + stack.api + "/api/v1/rooms/" + roomId, null);
        for (String id : ids) {
            if (!room.body().contains("\"" + id + "\"")) {
                problems.add("participant " + id + " no longer in the room");
            }
        }
        List<String> codes = new ArrayList<>();
        for (SigClient c : clients) {
            codes.add(c.name + " " + c.closeCodes);
        }
        String summary = "ok; closes " + String.join(", ", codes) + "; audio " + speaker.closeCodes;
        return new Outcome(problems, spoken, Math.max(lost, 0), dups, transcribed(), recovery, summary);
    }

    /**
     * Utterances in the room's transcript with their Spanish translation (what the listeners read), from orch2 (never
     * the replica a case kills) with a listener's token, once its backlog had time to drain: entries a Redis outage
     * held back are written within a second of its end.
     */
    int transcribed() throws Exception {
        int best = 0;
        long until = System.nanoTime() + 5_000_000_000L;
        do {
            var r = FaultSuite.http("GET", "http://127.0.0.1:" + stack.o2 + "/api/v1/rooms/" + roomId
                    + "/transcript?format=json&lang=es", null, listenerToken);
            if (r.statusCode() == 200) {
                best = Math.max(best, (int) java.util.regex.Pattern.compile("\"translated\":true").matcher(r.body())
                        .results().count());
            }
            if (best >= speaker.sent) {
                break;
            }
            Thread.sleep(500);
        } while (System.nanoTime() < until);
        return best;
    }

    void close() {
        speaker.closed = true;
        for (SigClient c : clients) {
            c.close();
        }
    }
}
