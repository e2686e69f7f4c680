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
// Any service setting can be compared through the environment, e.g. BABELCALL_VAD_SPECULATIVEFINALAFTER=0ms.
// Figures seen are in docs/benchmarks/pipeline.md.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeSilentWav, makeSpeechWav, measureWav } from '../lib/audio.mjs';
import { machineTicks } from '../lib/bench.mjs';
import { inRoom, joinForm, launchParticipant, snapshot, waitFor } from '../lib/browser.mjs';
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
      serverEosLagMs: eos - ends[k],
    });
  }
  return rows;
}

const work = mkdtempSync(path.join(os.tmpdir(), 'babelcall-bench-latency-'));
const speech = speechFile(work);
const silence = makeSilentWav(work, 'quiet');
const media = process.env.MEDIA || 'mesh';
console.log(`# ${COUNT} sentences, ${speech.durationS.toFixed(1)} s of audio, ${ROUNDS} round(s), media ${media}, `
  + `cameras ${CAMERAS ? 'on' : 'off'}`);
const suite = await startSuite({ media });
const participants = [];
try {
  const b = await launchParticipant(silence.path);
  participants.push(b);
  const a = await launchParticipant(speech.path);
  participants.push(a);
  await b.page.goto(`${suite.baseUrl}/`);
  await join(b.page, { name: 'Listener', spoken: 'es', caption: 'es', dubbing: false, micOff: true });
  await b.page.click('#btn-create');
  await inRoom(b.page);
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
        + `(server's end of speech ${Math.round(x.serverEosLagMs)} ms after the WAV's)`);
    }
    rows.push(...got);
  }
  const sentences = COUNT * ROUNDS;
  const tr = rows.map((x) => x.transcriptMs);
  const es = rows.filter((x) => x.translationMs != null).map((x) => x.translationMs);
  const server = rows.filter((x) => x.serverMs != null).map((x) => x.serverMs);
  const lag = rows.map((x) => x.serverEosLagMs);
  const line = (what, xs) => console.log(`${what}: n=${xs.length} p50 ${pct(xs, 50).toFixed(0)} ms  p95 ${pct(xs, 95).toFixed(0)} ms`);
  console.log(`\n== end of speech (WAV) -> on B's screen, ${media}, cameras ${CAMERAS ? 'on' : 'off'}, ${sentences} sentences spoken, ${rows.length} finals`
    + ` (beyond one per sentence: ${Math.max(0, rows.length - sentences)})`);
  line('  English final on screen', tr);
  line('  Spanish translation on screen', es);
  line('  orchestrator: its end of speech -> Spanish published', server);
  line('  orchestrator\'s end of speech after the WAV\'s', lag);
  console.log(`  load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
} finally {
  for (const p of participants) await p.browser.close().catch(() => {});
  await suite.stop();
  rmSync(work, { recursive: true, force: true });
}
