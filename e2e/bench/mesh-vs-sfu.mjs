// Mesh against SFU for one call of N participants (issue #17), measured on this machine: the suite as ./run.sh starts
// it, once with MEDIA=mesh and once through the local Janus, N real headless Chromium participants (fake cameras, the
// page's own capture sizes and encodings; microphones off), and over a window: what each page uploads and downloads
// (RTP bytes over all its connections, from getStats), the video frames it decodes per other participant, Janus's CPU
// (SFU only) and the whole machine's.
//
//   node e2e/bench/mesh-vs-sfu.mjs                 # N = 6 (the mesh's cap), 20 s windows
//   BENCH_N=4 BENCH_WINDOW_S=10 node e2e/bench/mesh-vs-sfu.mjs
// Figures seen are in docs/benchmarks/sfu.md.

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeSilentWav } from '../lib/audio.mjs';
import { cpuSeconds, fillCall, janusPid, machineTicks } from '../lib/bench.mjs';
import { startSuite } from '../lib/suite.mjs';

const N = Number(process.env.BENCH_N || 6);
const WINDOW_S = Number(process.env.BENCH_WINDOW_S || 20);

const totals = (p) => p.page.evaluate(() => window.__rtpTotals());
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** One call of N participants on a suite of its own; what the window measured. */
async function measure(media, silence) {
  const suite = await startSuite({ media });
  const participants = [];
  try {
    const janus = media === 'sfu' ? janusPid(suite.runDir) : null;
    await fillCall(participants, N, suite.baseUrl, silence.path);
    // every page decodes video from every other one (frames decoded grow by more than N - 1 in 3 s)
    const deadline = Date.now() + 120_000;
    for (;;) {
      const a = await Promise.all(participants.map(totals));
      await new Promise((r) => setTimeout(r, 3000));
      const b = await Promise.all(participants.map(totals));
      if (b.every((t, i) => t.framesDecoded - a[i].framesDecoded > 3 * (N - 1))) break;
      if (Date.now() > deadline) throw new Error(`${media}: not every page decodes video after 120 s`);
    }
    await new Promise((r) => setTimeout(r, 3000));
    const before = { at: Date.now(), machine: machineTicks(), janus: janus && cpuSeconds(janus),
      pages: await Promise.all(participants.map(totals)) };
    await new Promise((r) => setTimeout(r, WINDOW_S * 1000));
    const after = { at: Date.now(), machine: machineTicks(), janus: janus && cpuSeconds(janus),
      pages: await Promise.all(participants.map(totals)) };
    const s = (after.at - before.at) / 1000;
    const up = participants.map((_, i) => ((after.pages[i].sentBytes - before.pages[i].sentBytes) * 8) / s / 1e6);
    const down = participants.map((_, i) => ((after.pages[i].receivedBytes - before.pages[i].receivedBytes) * 8) / s / 1e6);
    const fps = participants.map((_, i) => (after.pages[i].framesDecoded - before.pages[i].framesDecoded) / s / (N - 1));
    return {
      media,
      up: median(up), upMax: Math.max(...up), down: median(down), fps: median(fps), fpsMin: Math.min(...fps),
      connections: await participants[0].page.evaluate(() => window.__pcCount()),
      janus: janus ? ((after.janus - before.janus) / s) * 100 : null,
      machine: ((after.machine.busy - before.machine.busy) / (after.machine.total - before.machine.total)) * 100,
      load: os.loadavg()[0],
    };
  } finally {
    for (const p of participants) await p.browser.close().catch(() => {});
    await suite.stop();
  }
}

const work = mkdtempSync(path.join(os.tmpdir(), 'babelcall-mesh-sfu-'));
try {
  const silence = makeSilentWav(work, 'quiet', 900);
  const rows = [];
  for (const media of ['mesh', 'sfu']) {
    const r = await measure(media, silence);
    rows.push(r);
    console.log(`${media}: ${JSON.stringify(r)}`);
  }
  console.log(`\n| ${N} participants | upload per participant, Mbit/s (p50 / max) | download per participant, Mbit/s | `
    + 'RTCPeerConnections per page | decoded fps per other participant (p50 / min) | Janus CPU, % of a core | machine busy | load |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.media} | ${r.up.toFixed(2)} / ${r.upMax.toFixed(2)} | ${r.down.toFixed(2)} | ${r.connections} | `
      + `${r.fps.toFixed(1)} / ${r.fpsMin.toFixed(1)} | ${r.janus === null ? '-' : r.janus.toFixed(1)} | `
      + `${r.machine.toFixed(0)} % | ${r.load.toFixed(1)} |`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
