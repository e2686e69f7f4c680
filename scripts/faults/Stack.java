import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Redis (plain, master + replica + 3 Sentinels, or a 3-master cluster), the api, signaling sig1/sig2, orchestrators
 * orch1/orch2.
 */
final class Stack implements AutoCloseable {
    FaultSuite.Proc redis;
    FaultSuite.Proc sig1;
    FaultSuite.Proc orch1;
    final List<FaultSuite.Proc> sentinels = new ArrayList<>();
    final List<Integer> clusterPorts = new ArrayList<>();
    final List<FaultSuite.Proc> clusterNodes = new ArrayList<>();
    int redisPort;
    int api;
    int s1;
    int s2;
    int o1;
    int o2;
    List<String> redisArgs;

    static Stack plain() throws Exception {
        Stack s = new Stack();
        s.redisPort = FaultSuite.freePort();
        s.redis = s.startRedis("redis", s.redisPort);
        s.redisArgs = List.of("--spring.data.redis.url=redis://127.0.0.1:" + s.redisPort);
        s.startServices();
        return s;
    }

    /** Master, one replica, three Sentinels (quorum 2, master down after 1 s); every service finds the master through them. */
    static Stack sentinel() throws Exception {
        Stack s = new Stack();
        s.redisPort = FaultSuite.freePort();
        s.redis = s.startRedis("redis-master", s.redisPort);
        int replica = FaultSuite.freePort();
        s.startRedis("redis-replica", replica, "--replicaof", "127.0.0.1", Integer.toString(s.redisPort));
        List<String> nodes = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            int port = FaultSuite.freePort();
            Path dir = Files.createDirectories(FaultSuite.runDir.resolve("sentinel-" + i));
            Path conf = dir.resolve("sentinel.conf");
            Files.writeString(conf, String.join("\n", "port " + port, "bind 127.0.0.1", "dir " + dir,
                    "sentinel monitor babelcall 127.0.0.1 " + s.redisPort + " 2",
                    "sentinel down-after-milliseconds babelcall 1000",
                    "sentinel failover-timeout babelcall 5000", ""));
            s.sentinels.add(FaultSuite.Proc.start("sentinel-" + i, List.of("redis-sentinel", conf.toString()), Map.of()));
            nodes.add("127.0.0.1:" + port);
        }
        s.redisArgs = List.of("--spring.data.redis.sentinel.master=babelcall",
                "--spring.data.redis.sentinel.nodes=" + String.join(",", nodes));
        s.startServices();
        return s;
    }

    /**
     * Three Redis Cluster masters (no replicas; append-only files, so a restarted node comes back with its data and
     * slots), joined by redis-cli; every service on {@code spring.data.redis.cluster.nodes}.
     */
    static Stack cluster() throws Exception {
        Stack s = new Stack();
        List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        for (int i = 0; i < 3; i++) {
            s.clusterPorts.add(FaultSuite.freePort());
            s.clusterNodes.add(s.startClusterNode(i));
            create.add("127.0.0.1:" + s.clusterPorts.get(i));
        }
        create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        Speech.run(create.toArray(String[]::new));
        s.awaitClusterOk();
        s.redis = s.clusterNodes.get(0);
        s.redisArgs = List.of("--spring.data.redis.cluster.nodes=" + String.join(",",
                s.clusterPorts.stream().map(p -> "127.0.0.1:" + p).toList()));
        s.startServices();
        return s;
    }

    FaultSuite.Proc startClusterNode(int i) throws Exception {
        Path dir = FaultSuite.runDir.resolve("cluster-" + i);
        return startRedis("cluster-" + i, clusterPorts.get(i), "--cluster-enabled", "yes", "--cluster-config-file",
                dir.resolve("nodes.conf").toString(), "--cluster-node-timeout", "2000", "--appendonly", "yes");
    }

    /** Index of the node serving {@code key}'s slot, from CLUSTER KEYSLOT and CLUSTER NODES. */
    int clusterNodeOf(String key) throws Exception {
        String port = Integer.toString(clusterPorts.get(0));
        int slot = Integer.parseInt(output("redis-cli", "-p", port, "cluster", "keyslot", key).strip());
        for (String line : output("redis-cli", "-p", port, "cluster", "nodes").split("\n", -1)) {
            String[] f = line.strip().split(" ", -1);
            for (int i = 8; i < f.length; i++) {
                String[] range = f[i].split("-", 2);
                if (!range[0].isEmpty() && Character.isDigit(range[0].charAt(0))
                        && slot >= Integer.parseInt(range[0])
                        && slot <= Integer.parseInt(range[range.length - 1])) {
                    int nodePort = Integer.parseInt(f[1].substring(f[1].lastIndexOf(':') + 1).replaceAll("@.*", ""));
                    return clusterPorts.indexOf(nodePort);
                }
            }
        }
        throw new IllegalStateException("no node serves slot " + slot);
    }

    /** SIGTERM (which flushes the append-only file), start again on the same port and files, wait for ok. */
    void restartClusterNode(int i) throws Exception {
        FaultSuite.Proc node = clusterNodes.get(i);
        node.signal("TERM");
        node.process().waitFor();
        clusterNodes.set(i, startClusterNode(i));
        awaitClusterOk();
    }

    void awaitClusterOk() throws Exception {
        boolean ok = FaultSuite.await(() -> clusterPorts.stream().allMatch(p -> {
            try {
                String info = output("redis-cli", "-p", Integer.toString(p), "cluster", "info");
                return info.contains("cluster_state:ok") && info.contains("cluster_slots_assigned:16384");
            } catch (Exception e) {
                return false;
            }
        }), 30);
        if (!ok) {
            throw new IllegalStateException("Redis Cluster not ok within 30 s; logs in " + FaultSuite.runDir);
        }
    }

    static String output(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }

    FaultSuite.Proc startRedis(String name, int port, String... extra) throws Exception {
        Path dir = Files.createDirectories(FaultSuite.runDir.resolve(name));
        List<String> cmd = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port), "--bind",
                "127.0.0.1", "--dir", dir.toString(), "--save", "", "--appendonly", "no"));
        cmd.addAll(List.of(extra));
        FaultSuite.Proc p = FaultSuite.Proc.start(name, cmd, Map.of());
        FaultSuite.await(() -> {
            try (var sock = new java.net.Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        }, 10);
        return p;
    }

    void startServices() throws Exception {
        api = FaultSuite.freePort();
        s1 = FaultSuite.freePort();
        s2 = FaultSuite.freePort();
        o1 = FaultSuite.freePort();
        o2 = FaultSuite.freePort();
        orch1 = startOrchestrator("orch1", o1);
        startOrchestrator("orch2", o2);
        sig1 = startSignaling("sig1", s1);
        startSignaling("sig2", s2);
        List<String> cmd = new ArrayList<>(List.of("java", "-Xmx256m", "-jar", FaultSuite.jar("api-service"),
                "--server.port=" + api, "--babelcall.api.orchestrator-url=http://127.0.0.1:" + o1,
                "--babelcall.api.orchestrator-internal-url=http://127.0.0.1:" + o1));
        cmd.addAll(redisArgs);
        FaultSuite.Proc.start("api", cmd, env());
        for (int port : new int[] {api, s1, s2, o1, o2}) {
            awaitReady(port, 180);
        }
    }

    Map<String, String> env() {
        return Map.of("BABELCALL_TOKEN_SECRET", FaultSuite.SECRET);
    }

    /** Timings scaled down as signaling's FaultReplicas does (docs/faults.md), so faults of seconds outlast them. */
    FaultSuite.Proc startSignaling(String name, int port) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("java", "-Xmx256m", "-XX:+UseSerialGC", "-jar",
                FaultSuite.jar("signaling-service"), "--server.port=" + port,
                "--babelcall.signaling.reconnect-grace=3s", "--babelcall.signaling.presence.replica-ttl=2s",
                "--babelcall.signaling.presence.refresh-interval=500ms",
                "--babelcall.signaling.presence.sweep-interval=500ms",
                "--babelcall.signaling.heartbeat.interval=1s", "--babelcall.signaling.heartbeat.timeout=4s",
                "--spring.lifecycle.timeout-per-shutdown-phase=3s"));
        cmd.addAll(redisArgs);
        return FaultSuite.Proc.start(name, cmd, env());
    }

    FaultSuite.Proc startOrchestrator(String name, int port) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("java", "-Xmx512m", "-jar", FaultSuite.jar("pipeline-orchestrator"),
                "--server.port=" + port, "--babelcall.tap.port=0"));
        cmd.addAll(redisArgs);
        return FaultSuite.Proc.start(name, cmd, env());
    }

    static boolean ready(int port) {
        try {
            return FaultSuite.http("GET", "http://127.0.0.1:" + port + "/actuator/health/readiness", null)
                    .statusCode() == 200;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    static void awaitReady(int port, double seconds) throws InterruptedException {
        if (!FaultSuite.await(() -> ready(port), seconds)) {
            throw new IllegalStateException("service on :" + port + " not ready; logs in " + FaultSuite.runDir);
        }
    }

    /** After a case: Redis running, a killed replica started again on its port, all ready. */
    void heal() throws Exception {
        redis.signal("CONT");
        if (!sig1.process().isAlive() || !FaultSuite.await(() -> ready(s1), 1)) {
            sig1.process().waitFor();
            sig1 = startSignaling("sig1", s1);
        }
        if (!orch1.process().isAlive()) {
            orch1 = startOrchestrator("orch1", o1);
        } else if (!FaultSuite.await(() -> ready(o1), 1)) {
            orch1.process().waitFor();
            orch1 = startOrchestrator("orch1", o1);
        }
        for (int port : new int[] {api, s1, s2, o1, o2}) {
            awaitReady(port, 120);
        }
    }

    @Override
    public void close() {
        FaultSuite.Procs.stopAll();
    }
}
