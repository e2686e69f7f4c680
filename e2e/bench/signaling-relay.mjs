// Signaling relay benchmark with a Node.js `ws` load client (not a test). Run by `SCENARIOS=node signaling-service/bench.sh`,
// which starts Redis and a replica and writes the rooms and tokens; the Java load client (RelayBenchmark) measures the
// same relay with a lean client of its own, this one with the WebSocket library most Node.js programs use.
//
//   node e2e/bench/signaling-relay.mjs --server ws://127.0.0.1:PORT/ws --tokens FILE [--rates 10000,20000]
//        [--step-seconds 10] [--workers 2] [--pids 123,456]
//
// FILE: {"rooms":[[{"id":"...","token":"..."}, ... 4 members], ...]}. Each room of 4 belongs to one worker thread;
// every member sends `ice` messages (a realistic ~330-byte candidate) to its peers in turn, the send time travelling in
// `sdpMid`, so latency is sender -> server -> receiver on one worker's clock. Each step: the rate is shared by the
// workers, then 3 s to drain; loss = sent - received. Prints p50/p95/p99/max, delivered rate, and the CPU of the
// server processes (--pids, from /proc) and of this client.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

const CANDIDATE = 'candidate:842163049 1 udp 1677729535 192.0.2.3 54321 typ srflx raddr 10.0.0.1 rport 54321 '
  + 'generation 0 ufrag abcd network-cost 999';

if (isMainThread) {
  await main();
} else {
  await worker(workerData);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const rooms = JSON.parse(readFileSync(args.tokens, 'utf8')).rooms;
  const rates = (args.rates ?? '10000,20000').split(',').map(Number);
  const stepMs = 1000 * Number(args['step-seconds'] ?? 10);
  const workerCount = Number(args.workers ?? 2);
  const pids = (args.pids ?? '').split(',').filter(Boolean).map(Number);
  const workers = [];
  for (let w = 0; w < workerCount; w++) {
    const mine = rooms.filter((_, i) => i % workerCount === w);
    const worker = new Worker(fileURLToPath(import.meta.url), { workerData: { server: args.server, rooms: mine } });
    workers.push({ worker, pending: null });
    worker.on('message', (m) => { const p = workers[w].pending; workers[w].pending = null; p?.(m); });
    worker.on('error', (e) => { console.error(`worker ${w} failed:`, e); process.exit(1); });
  }
  const ask = (msg) => Promise.all(workers.map((w) => new Promise((resolve) => {
    w.pending = resolve;
    w.worker.postMessage(msg);
  })));
  const ready = await ask({ cmd: 'connect' });
  const sockets = ready.reduce((n, r) => n + r.sockets, 0);
  console.log(`relay: ${sockets} ws clients (ws ${wsVersion()}, Node.js ${process.version}) in ${rooms.length} rooms `
    + `of 4 on ${workerCount} worker thread(s); ${stepMs / 1000} s per step`);
  // warm-up (the server's JIT), not reported
  await ask({ cmd: 'step', rate: Math.max(1000, rates[0]) / workerCount, ms: 5000 });
  console.log('| target msgs/s | delivered msgs/s | sent | lost | p50 ms | p95 ms | p99 ms | max ms | server CPU % (of 200) | client CPU % |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const rate of rates) {
    const server0 = pids.map(cpuTicks);
    const self0 = process.cpuUsage();
    const t0 = performance.now();
    const results = await ask({ cmd: 'step', rate: rate / workerCount, ms: stepMs });
    const wall = results.reduce((m, r) => Math.max(m, r.sendingMs), 0);
    const server1 = pids.map(cpuTicks);
    const self1 = process.cpuUsage(self0);
    const sent = results.reduce((n, r) => n + r.sent, 0);
    const received = results.reduce((n, r) => n + r.received, 0);
    const latencies = Float64Array.from(results.flatMap((r) => Array.from(r.latencies))).sort();
    const pct = (p) => latencies.length ? latencies[Math.min(latencies.length - 1, Math.max(0, Math.ceil(p / 100 * latencies.length) - 1))] : NaN;
    const elapsed = performance.now() - t0; // sending + drain: what the CPU figures cover
    const serverCpu = server0.map((c, i) => (100 * (server1[i] - c) / 100 / (elapsed / 1000)).toFixed(0)).join(' + ');
    const clientCpu = (100 * (self1.user + self1.system) / 1000 / elapsed).toFixed(0);
    console.log(`| ${rate} | ${Math.round(received / (wall / 1000))} | ${sent} | ${sent - received} | ${pct(50).toFixed(2)} `
      + `| ${pct(95).toFixed(2)} | ${pct(99).toFixed(2)} | ${(latencies.at(-1) ?? NaN).toFixed(1)} | ${serverCpu} | ${clientCpu} |`);
  }
  console.log(`load average: ${readFileSync('/proc/loadavg', 'utf8').trim()}`);
  await ask({ cmd: 'close' });
  process.exit(0);
}

async function worker({ server, rooms }) {
  const members = [];
  let step = 0;
  let latencies = [];
  let received = 0;
  parentPort.on('message', async (m) => {
    if (m.cmd === 'connect') {
      for (const room of rooms) {
        const sockets = [];
        for (const member of room) { // one join at a time, as the Java client does
          sockets.push(await connect(server, member, () => step, (ms) => { latencies.push(ms); received++; }));
        }
        for (const s of sockets) {
          s.peers = sockets.filter((o) => o !== s).map((o) => o.id);
        }
        members.push(...sockets);
      }
      parentPort.postMessage({ sockets: members.length });
    } else if (m.cmd === 'step') {
      step++;
      latencies = [];
      received = 0;
      const { sent, sendingMs } = await send(members, m.rate, m.ms, step);
      const deadline = performance.now() + 3000;
      while (received < sent && performance.now() < deadline) {
        await sleep(20);
      }
      parentPort.postMessage({ sent, received, sendingMs, latencies: Float64Array.from(latencies) });
    } else if (m.cmd === 'close') {
      members.forEach((s) => s.ws.close(1000));
      parentPort.postMessage({});
    }
  });
}

function connect(server, member, currentStep, onRelay) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(server, ['bearer', member.token]);
    const socket = { id: member.id, ws, peers: [], next: 0 };
    ws.on('message', (data) => {
      const m = JSON.parse(data);
      if (m.type === 'ice') {
        const [sentAt, stepOf] = [Number(m.candidate.sdpMid), m.candidate.sdpMLineIndex];
        if (stepOf === currentStep()) {
          onRelay(performance.now() - sentAt);
        }
      } else if (m.type === 'welcome') {
        resolve(socket);
      } else if (m.type === 'error') {
        console.error(`server error to ${member.id}: ${data}`);
      }
    });
    ws.on('error', reject);
    ws.on('close', (code, reason) => {
      if (code !== 1000 && code !== 1005) {
        console.error(`socket of ${member.id} closed ${code} ${reason}`);
      }
    });
  });
}

// Paces `rate` msgs/s for `ms` over the sockets, round robin, each to its next peer; sends what is due every ~1 ms.
async function send(members, rate, ms, step) {
  const start = performance.now();
  let sent = 0;
  let turn = 0;
  for (;;) {
    const now = performance.now();
    if (now - start >= ms) {
      break;
    }
    const due = Math.floor((now - start) / 1000 * rate) - sent;
    for (let i = 0; i < due; i++) {
      const s = members[turn++ % members.length];
      const to = s.peers[s.next++ % s.peers.length];
      s.ws.send(`{"type":"ice","to":"${to}","candidate":{"candidate":"${CANDIDATE}","sdpMid":"${performance.now()}",`
        + `"sdpMLineIndex":${step},"usernameFragment":"abcd"}}`);
      sent++;
    }
    await sleep(1);
  }
  return { sent, sendingMs: performance.now() - start };
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

function cpuTicks(pid) { // utime + stime of a process, in clock ticks (100 per second)
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

function wsVersion() {
  const pkg = new URL('../node_modules/ws/package.json', import.meta.url);
  return JSON.parse(readFileSync(pkg, 'utf8')).version;
}

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i + 1 < argv.length; i += 2) {
    out[argv[i].replace(/^--/, '')] = argv[i + 1];
  }
  return out;
}
