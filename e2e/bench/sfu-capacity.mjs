// Capacity of one Janus node, measured: the suite as ./run.sh starts it (one local Janus), and N real headless
// Chromium participants in one SFU call (Chromium's fake camera, simulcast as the page sends it, microphones off so
// the recogniser stays idle). For each N it waits until every page decodes every other's video, then measures over a
// window: the Janus process's CPU (from /proc), the video and audio every page receives through the SFU (what Janus
// forwards), the frames each page decodes, the whole machine's CPU and load. Janus's cost per forwarded stream and per
// Mbit/s, with the machine's headroom, gives the node's capacity; the browsers, not Janus, are what fills two cores.
//
//   node e2e/bench/sfu-capacity.mjs                      # N = 2, 4, 6, 8; 20 s windows
//   SFU_BENCH_STEPS=2,4 SFU_BENCH_WINDOW_S=10 node e2e/bench/sfu-capacity.mjs
// Figures seen are in docs/benchmarks/sfu.md.

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeSilentWav } from '../lib/audio.mjs';
import { cpuSeconds, fillCall, janusPid, machineTicks } from '../lib/bench.mjs';
import { startSuite } from '../lib/suite.mjs';

const STEPS = (process.env.SFU_BENCH_STEPS || '2,4,6,8').split(',').map(Number);
const WINDOW_S = Number(process.env.SFU_BENCH_WINDOW_S || 20);
const stats = (p) => p.page.evaluate(() => window.__babelcall.mediaStats());

/** Sums what a page receives through the SFU: bytes of video and audio, frames decoded per sender. */
function received(s, others) {
  let video = 0;
  let audio = 0;
  const frames = {};
  for (const id of others) {
    video += s[id]?.videoBytes || 0;
    audio += s[id]?.audioBytes || 0;
    frames[id] = s[id]?.framesDecoded || 0;
  }
  return { video, audio, frames };
}

async function waitAllDecoding(participants, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const first = await Promise.all(participants.map(stats));
    await new Promise((r) => setTimeout(r, 1500));
    const later = await Promise.all(participants.map(stats));
    const ok = participants.every((p, i) => participants.filter((q) => q !== p)
      .every((q) => (later[i][q.id]?.framesDecoded || 0) > (first[i][q.id]?.framesDecoded || 0)));
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`not every page decodes every other's video after ${timeoutMs / 1000} s`);
  }
}

function pct(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const work = mkdtempSync(path.join(os.tmpdir(), 'babelcall-sfu-bench-'));
const participants = [];
let suite;
try {
  const silence = makeSilentWav(work, 'quiet', 900);
  suite = await startSuite({ media: 'sfu' });
  const pid = janusPid(suite.runDir);
  console.log(`janus pid ${pid}; steps ${STEPS.join(', ')}; window ${WINDOW_S} s; ${os.cpus().length} cores`);
  let roomUrl;
  const rows = [];
  for (const n of STEPS) {
    roomUrl = await fillCall(participants, n, suite.baseUrl, silence.path, roomUrl);
    await waitAllDecoding(participants);
    await new Promise((r) => setTimeout(r, 3000)); // let the encoders settle on their layers
    const before = { janus: cpuSeconds(pid), machine: machineTicks(), at: Date.now(),
      pages: await Promise.all(participants.map(stats)) };
    await new Promise((r) => setTimeout(r, WINDOW_S * 1000));
    const after = { janus: cpuSeconds(pid), machine: machineTicks(), at: Date.now(),
      pages: await Promise.all(participants.map(stats)) };
    const seconds = (after.at - before.at) / 1000;
    let videoBytes = 0;
    let audioBytes = 0;
    let sentBytes = 0;
    const fps = [];
    participants.forEach((p, i) => {
      const others = participants.filter((q) => q !== p).map((q) => q.id);
      const a = received(after.pages[i], others);
      const b = received(before.pages[i], others);
      videoBytes += a.video - b.video;
      const sent = (s) => s.sending.reduce((sum, layer) => sum + layer.bytesSent, 0);
      sentBytes += sent(after.pages[i]) - sent(before.pages[i]);
      audioBytes += a.audio - b.audio;
      for (const id of others) fps.push((a.frames[id] - b.frames[id]) / seconds);
    });
    fps.sort((x, y) => x - y);
    const janusCpu = (after.janus - before.janus) / seconds; // cores
    const machine = (after.machine.busy - before.machine.busy) / (after.machine.total - before.machine.total);
    const streams = n * (n - 1);
    const mbps = ((videoBytes + audioBytes) * 8) / seconds / 1e6;
    const inMbps = (sentBytes * 8) / seconds / 1e6;
    rows.push({ n, streams, janusCpu, mbps, inMbps, fps, machine, load: os.loadavg()[0] });
    const r = rows.at(-1);
    console.log(`N=${n}: ${streams} video + ${streams} audio streams forwarded, video in ${inMbps.toFixed(2)} Mbit/s, `
      + `${mbps.toFixed(2)} Mbit/s out of Janus, `
      + `Janus ${(janusCpu * 100).toFixed(1)} % of a core, machine ${(machine * 100).toFixed(0)} % busy, `
      + `decoded fps p50 ${pct(fps, 0.5).toFixed(1)} min ${fps[0].toFixed(1)}, load ${r.load.toFixed(1)}`);
  }
  console.log('\n| participants | streams out (video + audio) | video in (all layers), Mbit/s | Janus out, Mbit/s | '
    + 'Janus CPU, % of one core | '
    + 'Janus CPU per Mbit/s in + out | decoded fps p50 / min | machine busy | load |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.n} | ${r.streams} + ${r.streams} | ${r.inMbps.toFixed(2)} | ${r.mbps.toFixed(2)} | `
      + `${(r.janusCpu * 100).toFixed(1)} | ${((r.janusCpu * 100) / (r.mbps + r.inMbps)).toFixed(2)} % | ${pct(r.fps, 0.5).toFixed(1)} / `
      + `${r.fps[0].toFixed(1)} | ${(r.machine * 100).toFixed(0)} % | ${r.load.toFixed(1)} |`);
  }
} finally {
  for (const p of participants) await p.browser.close().catch(() => {});
  if (suite) {
    await suite.stop();
    suite.cleanupDir?.();
  }
  rmSync(work, { recursive: true, force: true });
}
