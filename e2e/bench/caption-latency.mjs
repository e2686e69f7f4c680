// End of speech -> translated caption on a listener's screen, through real browsers (issue #19): the suite as
// ./run.sh starts it, two headless Chromium participants; A's fake microphone plays BENCH_SENTENCES flite sentences
// 2 s apart, B (captions in Spanish) shows them. Per sentence, in the browsers' shared wall clock: the sentence's end
// (A's first voiced sample plus its offset in the WAV) -> B shows the English final, and -> B shows the Spanish
// translation; and the orchestrator's own end of speech -> published for the same utterance (the difference is the
// browser's uplink, signaling's delivery and the page's rendering). Prints p50/p95 of each and the machine's load.
//
//   node e2e/bench/caption-latency.mjs                      # mesh uplink (/ws/audio), 12 sentences
//   MEDIA=sfu BENCH_ROUNDS=2 node e2e/bench/caption-latency.mjs
//   BENCH_CAMERAS=off node e2e/bench/caption-latency.mjs    # both cameras off: two video calls' encoders and
//                                                           # decoders leave the two cores to the pipeline
//   BENCH_CPUS=shared BENCH_CAMERAS=off node ...          # browsers and suite on the same cores (below)
//   BENCH_UPLINK_WAV=/tmp/up.wav BENCH_CAMERAS=off node ... # also writes what A's page sent (and the WAV it played)
//   BENCH_LISTENER_CSS='.cap { backdrop-filter: blur(4px) }' node ...  # extra CSS on B's page: what styling costs
// Any service setting can be compared through the environment, e.g. BABELCALL_VAD_SPECULATIVEFINALAFTER=0ms.
// Figures seen are in docs/benchmarks/pipeline.md.

import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeSilentWav, makeSpeechWav, measureWav } from '../lib/audio.mjs';
import { machineTicks } from '../lib/bench.mjs';
import { CHROMIUM, inRoom, joinForm, launchParticipant, snapshot, waitFor } from '../lib/browser.mjs';
import { startSuite } from '../lib/suite.mjs';

// Sentences of this benchmark only (no test and no other benchmark speaks them).
const SENTENCES = [
  'The train to the airport leaves every hour.',
  'Please bring your laptop to the meeting.',
  'My sister works at the hospital near the park.',
  'We should book a table for four people.',
  'The museum is closed on Mondays.',
  'Can you help me carry these boxes?',
  'It was very cold last night.',
  'I will send you the photos tomorrow.',
  'The new office has a lot of light.',
  'They are waiting for us at the corner.',
  'Turn left after the bridge.',
  'This coffee is too sweet for me.',
];
const COUNT = Math.min(SENTENCES.length, Number(process.env.BENCH_SENTENCES || SENTENCES.length));
const ROUNDS = Number(process.env.BENCH_ROUNDS || 1);
const GAP_S = 2;
const CAMERAS = process.env.BENCH_CAMERAS !== 'off';
// Where the browsers run. Chromium run as root raises its own threads (ten audio threads to real-time SCHED_RR, ~70
// to nice -8), so on shared cores it preempts the server at will; a user's browser runs on another machine. So by
// default (BENCH_CPUS=split) the browsers get the last CPU and the suite (and this script) the others, as if on two
// machines; BENCH_CPUS=shared lets everything share every CPU (the rounds before 2026-12-05 19:40).
const CPUS = process.env.BENCH_CPUS || 'split';
// BENCH_UPLINK_WAV=FILE writes what A's page sent to the orchestrator (PCM16 16 kHz), e.g. to decode it again offline.
const UPLINK_WAV = process.env.BENCH_UPLINK_WAV;
// BENCH_LISTENER_CSS=RULES adds a style sheet to B's page once it is in the room (e.g. the caption styling of a build
// before, to compare its rendering cost in one build).
const LISTENER_CSS = process.env.BENCH_LISTENER_CSS;

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN;
};

/** One WAV: 1.5 s of silence, the sentences GAP_S apart, 3 s of silence; each sentence's voiced span in it. */
function speechFile(dir) {
  const parts = [];
  let offset = 0;
  const spans = [];
  for (let i = 0; i < COUNT; i++) {
    const w = makeSpeechWav(dir, `s${i}`, SENTENCES[i], { leadS: i === 0 ? 1.5 : 0, trailS: i === COUNT - 1 ? 3 : GAP_S });
    spans.push({ text: SENTENCES[i], startS: offset + w.speechStartS, endS: offset + w.speechEndS });
    parts.push(w.path);
    offset += w.durationS;
  }
  const out = path.join(dir, 'sentences.wav');
  execFileSync('sox', [...parts, out]);
  const whole = measureWav(out);
  if (Math.abs(whole.speechStartS - spans[0].startS) > 0.005) throw new Error('sentence offsets do not add up');
  return { path: out, spans, durationS: whole.durationS };
}

/** The join form, with the camera turned off in the preview unless BENCH_CAMERAS is on. */
async function join(page, form) {
  await joinForm(page, form);
  if (!CAMERAS) {
    await page.click('#preview-cam');
    await page.waitForSelector('#preview-cam[aria-pressed="false"]');
  }
}

/** With BENCH_CPUS=split: this process (and the suite it starts) on all CPUs but the last; returns a launcher of
 * CHROMIUM pinned to the last one. Otherwise CHROMIUM itself. */
function placeOnCpus(dir) {
  if (CPUS === 'shared') return CHROMIUM;
  if (CPUS !== 'split') throw new Error(`BENCH_CPUS must be split or shared, was ${CPUS}`);
  const n = os.availableParallelism();
  if (n < 2) throw new Error('BENCH_CPUS=split needs at least 2 CPUs; use BENCH_CPUS=shared');
  execFileSync('taskset', ['-a', '-cp', `0-${n - 2}`, String(process.pid)], { stdio: 'ignore' });
  const launcher = path.join(dir, 'chromium-on-last-cpu');
  writeFileSync(launcher, `#!/bin/sh\nexec taskset -c ${n - 1} ${CHROMIUM} "$@"\n`, { mode: 0o755 });
  return launcher;
}

/** Keeps a copy of every binary frame A's page sends (its audio uplink's PCM). */
async function recordUplink(page) {
  await page.addInitScript(() => {
    window.__uplinkPcm = [];
    const send = WebSocket.prototype.send;
    WebSocket.prototype.send = function sendAndKeep(data) {
      if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) window.__uplinkPcm.push(new Uint8Array(data.slice?.(0) ?? data));
      return send.call(this, data);
    };
  });
}

async function saveUplink(page, file) {
  const b64 = await page.evaluate(() => {
    const all = window.__uplinkPcm || [];
    const bytes = new Uint8Array(all.reduce((n, x) => n + x.length, 0));
    let at = 0;
    for (const x of all) { bytes.set(x, at); at += x.length; }
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(s);
  });
  const raw = `${file}.raw`;
  writeFileSync(raw, Buffer.from(b64, 'base64'));
  execFileSync('sox', ['-t', 'raw', '-r', '16000', '-e', 'signed', '-b', '16', '-c', '1', raw, file]);
  rmSync(raw);
  console.log(`# A's uplink written to ${file}`);
}

/** One round: A speaks every sentence once; per sentence, what B's page showed and when. */
async function round(a, b, aId, speech) {
  const before = await snapshot(a.page);
  const seenBefore = new Set((await snapshot(b.page)).captions.map((c) => c.utteranceId));
  await a.page.click('#btn-mic');
  const up = await waitFor(a.page, 'A\'s first voice frame', (x) => x.micOn && x.uplink.voiceStartedAt
    && x.uplink.voiceStartedAt !== before.uplink.voiceStartedAt && x.uplink, { timeoutMs: 20_000 });
  const ends = speech.spans.map((s) => up.voiceStartedAt + (s.endS - speech.spans[0].startS) * 1000);
  // every sentence's Spanish final shown, or 8 s after the last sentence ended
  const settled = ends[ends.length - 1] + 8000;
  let last;
  for (;;) {
    last = await snapshot(b.page);
    const shown = last.captions.filter((c) => c.speaker === aId && c.final && c.type === 'translation'
      && c.language === 'es' && !seenBefore.has(c.utteranceId) && c.shownAt);
    if (shown.length >= speech.spans.length || Date.now() > settled) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await a.page.click('#btn-mic');
  const mine = last.captions.filter((c) => c.speaker === aId && c.final && !seenBefore.has(c.utteranceId));
  const finals = mine.filter((c) => c.type === 'transcript');
  const rows = [];
  for (const tr of finals) {
    // the sentence whose end is nearest before the server's end of speech (both in wall-clock time)
    const eos = Date.parse(tr.endOfSpeechAt);
    let k = -1;
    for (let i = 0; i < ends.length; i++) if (ends[i] <= eos + 400) k = i;
    const es = mine.find((c) => c.type === 'translation' && c.language === 'es' && c.utteranceId === tr.utteranceId);
    rows.push({
      sentence: k, text: tr.text,
      transcriptMs: tr.shownAt - ends[k],
      translationMs: es && es.shownAt ? es.shownAt - ends[k] : null,
      serverMs: es ? Date.parse(es.publishedAt) - Date.parse(es.endOfSpeechAt) : null,
      serverTranscriptMs: tr.publishedAt ? Date.parse(tr.publishedAt) - eos : null,
      serverEosLagMs: eos - ends[k],
      deliveryMs: es && es.receivedAt ? es.receivedAt - Date.parse(es.publishedAt) : null,
      deliveryEnMs: tr.publishedAt ? tr.receivedAt - Date.parse(tr.publishedAt) : null,
      renderEnMs: tr.shownAt ? tr.shownAt - tr.receivedAt : null,
      renderMs: es && es.shownAt ? es.shownAt - es.receivedAt : null,
    });
  }
  return rows;
}

const work = mkdtempSync(path.join(os.tmpdir(), 'babelcall-bench-latency-'));
const speech = speechFile(work);
const silence = makeSilentWav(work, 'quiet');
const media = process.env.MEDIA || 'mesh';
console.log(`# ${COUNT} sentences, ${speech.durationS.toFixed(1)} s of audio, ${ROUNDS} round(s), media ${media}, `
  + `cameras ${CAMERAS ? 'on' : 'off'}, CPUs ${CPUS}`);
const executablePath = placeOnCpus(work);
const suite = await startSuite({ media });
const participants = [];
try {
  const b = await launchParticipant(silence.path, { executablePath, keepPriority: true });
  participants.push(b);
  const a = await launchParticipant(speech.path, { executablePath, keepPriority: true });
  participants.push(a);
  if (UPLINK_WAV) await recordUplink(a.page);
  await b.page.goto(`${suite.baseUrl}/`);
  await join(b.page, { name: 'Listener', spoken: 'es', caption: 'es', dubbing: false, micOff: true });
  await b.page.click('#btn-create');
  await inRoom(b.page);
  if (LISTENER_CSS) await b.page.addStyleTag({ content: LISTENER_CSS });
  await a.page.goto(b.page.url());
  await join(a.page, { name: 'Speaker', spoken: 'en', caption: 'en', dubbing: false, micOff: true });
  await a.page.click('#btn-join');
  const aId = (await inRoom(a.page)).selfId;
  const rows = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = machineTicks();
    const got = await round(a, b, aId, speech);
    const t1 = machineTicks();
    const busy = (100 * (t1.busy - t0.busy)) / (t1.total - t0.total);
    console.log(`# round ${r + 1}: ${got.length} finals for ${speech.spans.length} sentences; machine ${busy.toFixed(0)} % busy; `
      + `load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    for (const x of got) {
      console.log(`  ${String(x.sentence + 1).padStart(2)} "${x.text}": transcript ${Math.round(x.transcriptMs)} ms, `
        + `translation ${x.translationMs == null ? '-' : Math.round(x.translationMs)} ms, server ${x.serverMs ?? '-'} ms `
        + `(English ${x.serverTranscriptMs ?? '-'} ms) `
        + `(server's end of speech ${Math.round(x.serverEosLagMs)} ms after the WAV's; Spanish published -> received `
        + `${x.deliveryMs ?? '-'} ms -> shown ${x.renderMs ?? '-'} ms; English ${x.deliveryEnMs ?? '-'} ms -> `
        + `${x.renderEnMs ?? '-'} ms)`);
    }
    rows.push(...got);
  }
  if (UPLINK_WAV) {
    await saveUplink(a.page, UPLINK_WAV);
    cpSync(speech.path, UPLINK_WAV.replace(/(\.wav)?$/, '-spoken.wav'));
  }
  const sentences = COUNT * ROUNDS;
  // p50/p95 of one field over the rows that have it
  const line = (what, key) => {
    const xs = rows.map((x) => x[key]).filter((v) => v != null);
    console.log(`${what}: n=${xs.length} p50 ${pct(xs, 50).toFixed(0)} ms  p95 ${pct(xs, 95).toFixed(0)} ms`);
  };
  console.log(`\n== end of speech (WAV) -> on B's screen, ${media}, cameras ${CAMERAS ? 'on' : 'off'}, CPUs ${CPUS}, ${sentences} sentences spoken, ${rows.length} finals`
    + ` (beyond one per sentence: ${Math.max(0, rows.length - sentences)})`);
  line('  English final on screen', 'transcriptMs');
  line('  Spanish translation on screen', 'translationMs');
  line('  orchestrator: its end of speech -> English final published', 'serverTranscriptMs');
  line('  orchestrator: its end of speech -> Spanish published', 'serverMs');
  line('  orchestrator\'s end of speech after the WAV\'s', 'serverEosLagMs');
  line('  Spanish translation published -> received by B\'s page', 'deliveryMs');
  line('  English final published -> received by B\'s page', 'deliveryEnMs');
  line('  Spanish translation received -> shown (next frame)', 'renderMs');
  line('  English final received -> shown (next frame)', 'renderEnMs');
  console.log(`  load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
} finally {
  for (const p of participants) await p.browser.close().catch(() => {});
  await suite.stop();
  rmSync(work, { recursive: true, force: true });
}
