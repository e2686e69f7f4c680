// The web client's own logic, in real headless Chromium, without the services: the page's modules are served from
// api-service/src/main/resources/static by a tiny static server and exercised directly.
//   - perfect negotiation: two meshes whose offers cross (glare) still connect, with no duplicate m-lines, and a
//     peer that reloads (new DTLS identity) is reconnected;
//   - the uplink worklet: 20 ms PCM16 frames at 16 kHz, speech band kept, everything above 8 kHz filtered out
//     instead of folding back (48 kHz and 44.1 kHz contexts), and a 16 kHz context passed through;
//   - the caption board: interim replaced in place, stale seq and interim-after-final dropped, modes, language
//     filter, last lines kept, screen-reader announcements; an interim without a final settles after its timeout;
//     a caption-language switch clears the old language's lines and the interims; interim text is marked for
//     assistive technology; words the translator did not know are marked as such; a caption-status failed or
//     abandoned settles its utterance's line at once;
//   - the tile grid of a large call: 16 tiles on screen, the others paged ("More participants"), no video layer
//     asked for anyone off screen, someone off screen who speaks brought onto the first page;
//   - the SFU media status: "Reconnecting…" in the top bar's status region while media restarts or retries after
//     `restart` / `failed` (against an in-page stand-in for the SFU), cleared when media flows again; the
//     unavailable notice for `unavailable`.

import assert from 'node:assert/strict';
import { createReadStream, existsSync, statSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { makeSilentWav } from '../lib/audio.mjs';
import { launchParticipant } from '../lib/browser.mjs';

const STATIC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..',
  'api-service', 'src', 'main', 'resources', 'static');
const TYPES = { '.js': 'text/javascript', '.html': 'text/html', '.css': 'text/css', '.svg': 'image/svg+xml' };

let server;
let base;
let participant;
let work;

before(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/__test.html') {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<!doctype html><meta charset="utf-8"><title>client test</title><body></body>');
      return;
    }
    const file = path.join(STATIC, path.normalize(url.pathname).replace(/^(\.\.[/\\])+/, ''));
    if (!file.startsWith(STATIC) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://localhost:${server.address().port}`;
  work = mkdtempSync(path.join(os.tmpdir(), 'babelcall-client-test-'));
  participant = await launchParticipant(makeSilentWav(work, 'quiet').path);
  await participant.page.goto(`${base}/__test.html`);
});

after(async () => {
  await participant?.browser.close().catch(() => {});
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
  if (work) rmSync(work, { recursive: true, force: true });
});

test('perfect negotiation: crossing offers connect once, with one audio and one video m-line', { timeout: 60_000 }, async () => {
  const result = await participant.page.evaluate(async () => {
    const { PeerMesh } = await import('/js/mesh.js');
    // Local media without devices: a drawn canvas and an oscillator.
    const canvas = Object.assign(document.createElement('canvas'), { width: 320, height: 180 });
    const g = canvas.getContext('2d');
    setInterval(() => { g.fillStyle = `hsl(${Date.now() % 360} 70% 50%)`; g.fillRect(0, 0, 320, 180); }, 40);
    const video = canvas.captureStream(25).getVideoTracks()[0];
    const ctx = new AudioContext();
    const osc = ctx.createOscillator();
    const dest = ctx.createMediaStreamDestination();
    osc.connect(dest);
    osc.start();
    const audio = dest.stream.getAudioTracks()[0];

    const meshes = {};
    const wire = (from, to) => (msg) => setTimeout(() => meshes[to].handle({ ...msg, from }), 20 + Math.random() * 20);
    const make = (id, other) => new PeerMesh({
      selfId: id, iceServers: { iceServers: [] }, send: wire(id, other), tracks: () => ({ audio, video }),
    });
    meshes.a = make('a', 'b');
    meshes.b = make('b', 'a');
    // Both sides believe they learnt of the other from `welcome`: both offer at once.
    const la = meshes.a.ensure('b', { initiator: true });
    const lb = meshes.b.ensure('a', { initiator: true });
    const connected = (link) => new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`${link.peerId}: ${link.connectionState}`)), 20_000);
      const check = () => { if (link.connectionState === 'connected') { clearTimeout(t); resolve(); } };
      link.addEventListener('state', check);
      check();
    });
    await Promise.all([connected(la), connected(lb)]);
    // Any follow-up negotiation has settled once both sides stay 'stable' for a while (polled, not slept).
    await new Promise((resolve, reject) => {
      const deadline = Date.now() + 10_000;
      let stableSince = null;
      const poll = () => {
        const stable = la.pc.signalingState === 'stable' && lb.pc.signalingState === 'stable';
        stableSince = stable ? (stableSince ?? Date.now()) : null;
        if (stableSince !== null && Date.now() - stableSince >= 300) return resolve();
        if (Date.now() > deadline) return reject(new Error('negotiation did not settle'));
        setTimeout(poll, 20);
      };
      poll();
    });
    const mlines = (link) => (link.pc.localDescription.sdp.match(/^m=/gm) || []).length;
    const first = {
      aState: la.connectionState, bState: lb.connectionState,
      aMlines: mlines(la), bMlines: mlines(lb),
      aTracks: la.stream.getTracks().map((t) => t.kind).sort(), bTracks: lb.stream.getTracks().map((t) => t.kind).sort(),
      glare: la.stats.glareIgnored + lb.stats.glareIgnored,
      signaling: [la.pc.signalingState, lb.pc.signalingState],
      bitrates: [la, lb].map((l) => l.pc.getSenders().find((x) => x.track?.kind === 'video')
        ?.getParameters().encodings?.[0]?.maxBitrate),
    };

    // b reloads its page: a new mesh (new DTLS certificate) for the same participant, offering again.
    meshes.b.closeAll();
    meshes.b = make('b', 'a');
    const lb2 = meshes.b.ensure('a', { initiator: true });
    await connected(lb2);
    const la2 = meshes.a.get('b');
    await connected(la2);
    const restart = { replaced: la2 !== la, aState: la2.connectionState, bState: lb2.connectionState,
      aMlines: mlines(la2), aTracks: la2.stream.getTracks().map((t) => t.kind).sort() };
    meshes.a.closeAll();
    meshes.b.closeAll();
    return { first, restart };
  });
  assert.deepEqual(result.first.signaling, ['stable', 'stable']);
  assert.equal(result.first.aState, 'connected');
  assert.equal(result.first.bState, 'connected');
  assert.ok(result.first.glare >= 1, 'the impolite side ignored a crossing offer (glare happened)');
  assert.equal(result.first.aMlines, 2, 'one audio and one video m-line, not four');
  assert.equal(result.first.bMlines, 2);
  assert.deepEqual(result.first.aTracks, ['audio', 'video']);
  assert.deepEqual(result.first.bTracks, ['audio', 'video']);
  assert.deepEqual(result.first.bitrates, [800_000, 800_000], 'video capped per peer of the mesh');
  assert.equal(result.restart.replaced, true, 'the old connection was replaced after the peer reloaded');
  assert.equal(result.restart.aState, 'connected');
  assert.equal(result.restart.bState, 'connected');
  assert.equal(result.restart.aMlines, 2);
  assert.deepEqual(result.restart.aTracks, ['audio', 'video']);
});

/** Runs the uplink worklet in an OfflineAudioContext at `rate` over two tones; returns levels per frequency. */
function runWorklet(page, rate, tones, probes) {
  return page.evaluate(async ({ rate, tones, probes }) => {
    const ctx = new OfflineAudioContext({ numberOfChannels: 1, length: rate * 2, sampleRate: rate });
    await ctx.audioWorklet.addModule('/js/worklets/pcm16-worklet.js');
    const node = new AudioWorkletNode(ctx, 'pcm16-uplink', { numberOfInputs: 1, numberOfOutputs: 0 });
    const frames = [];
    node.port.onmessage = (e) => frames.push(e.data.pcm);
    for (const { hz, amp } of tones) {
      const osc = new OscillatorNode(ctx, { frequency: hz });
      const gain = new GainNode(ctx, { gain: amp });
      osc.connect(gain).connect(node);
      osc.start();
    }
    await ctx.startRendering();
    // Port messages arrive after rendering: wait until every 20 ms frame of the 2 s is in (or a deadline passes).
    const expected = Math.floor((2 * 16000) / 320) - 1;
    for (const deadline = Date.now() + 5000; frames.length < expected && Date.now() < deadline;) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const sizes = [...new Set(frames.map((f) => f.byteLength))];
    const pcm = new Int16Array(frames.reduce((n, f) => n + f.byteLength / 2, 0));
    let o = 0;
    for (const f of frames) { pcm.set(new Int16Array(f), o); o += f.byteLength / 2; }
    // Skip the filter's start-up, then measure each probe frequency (Goertzel, amplitude of a sine).
    const x = Array.from(pcm.subarray(1600, 1600 + 16000), (v) => v / 32768);
    const level = (hz) => {
      const w = (2 * Math.PI * hz) / 16000;
      let s1 = 0; let s2 = 0;
      for (const v of x) { const s = v + 2 * Math.cos(w) * s1 - s2; s2 = s1; s1 = s; }
      const re = s1 - s2 * Math.cos(w);
      const im = s2 * Math.sin(w);
      return (2 * Math.sqrt(re * re + im * im)) / x.length;
    };
    return { sizes, seconds: pcm.length / 16000, levels: Object.fromEntries(probes.map((hz) => [hz, level(hz)])) };
  }, { rate, tones, probes });
}

test('uplink worklet: 20 ms PCM16 frames at 16 kHz, speech band kept, no aliasing from above 8 kHz', { timeout: 60_000 }, async () => {
  const page = participant.page;
  // 48 kHz: 1 kHz stays; 12 kHz would fold to 4 kHz without the low-pass.
  const r48 = await runWorklet(page, 48000, [{ hz: 1000, amp: 0.4 }, { hz: 12000, amp: 0.4 }], [1000, 4000]);
  assert.deepEqual(r48.sizes, [640], 'every frame is 320 samples of PCM16');
  assert.ok(Math.abs(r48.seconds - 2) < 0.05, `2 s in, ${r48.seconds} s out`);
  assert.ok(Math.abs(r48.levels[1000] - 0.4) < 0.02, `1 kHz level ${r48.levels[1000]}`);
  assert.ok(r48.levels[4000] < 0.004, `12 kHz folded to 4 kHz at ${r48.levels[4000]} (should be < -40 dB)`);
  // 44.1 kHz: a fractional ratio; 3 kHz stays, 10 kHz would fold to 6 kHz.
  const r44 = await runWorklet(page, 44100, [{ hz: 3000, amp: 0.4 }, { hz: 10000, amp: 0.4 }], [3000, 6000]);
  assert.ok(Math.abs(r44.levels[3000] - 0.4) < 0.02, `3 kHz level ${r44.levels[3000]}`);
  assert.ok(r44.levels[6000] < 0.004, `10 kHz folded to 6 kHz at ${r44.levels[6000]}`);
  // 16 kHz: passed through untouched.
  const r16 = await runWorklet(page, 16000, [{ hz: 2000, amp: 0.5 }], [2000]);
  assert.deepEqual(r16.sizes, [640]);
  assert.ok(Math.abs(r16.levels[2000] - 0.5) < 0.01, `2 kHz level ${r16.levels[2000]}`);
});

test('caption board: interim replaced in place, ordering, modes, language switch, last lines', { timeout: 30_000 }, async () => {
  const r = await participant.page.evaluate(async () => {
    const { CaptionBoard } = await import('/js/captions.js');
    document.body.innerHTML = '<div id="region"><ol id="list"></ol></div><div id="live"></div><div id="toast"></div>';
    const board = new CaptionBoard({
      list: document.getElementById('list'), region: document.getElementById('region'),
      live: document.getElementById('live'), nameOf: (id) => ({ p1: 'Alice', p2: 'Bob' })[id] || 'Someone', selfId: 'me',
    });
    board.setCaptionLanguage('es');
    const t = (u, seq, text, final, speaker = 'p1') => ({ type: 'transcript', speaker, utteranceId: u, seq, language: 'en', text, final });
    const tr = (u, seq, text, language, final = true, speaker = 'p1') => ({ type: 'translation', speaker, utteranceId: u, seq, sourceLanguage: 'en', language, text, final });
    const lines = () => [...document.querySelectorAll('#list .cap')].filter((l) => !l.hidden).map((l) => ({
      speaker: l.querySelector('.cap-speaker').textContent,
      parts: [...l.querySelectorAll('.cap-text')].map((p) => ({ cls: p.className, text: p.textContent, lang: p.lang })),
    }));
    const out = {};
    board.onEvent(t('u1', 1, 'hel', false));
    board.onEvent(t('u1', 3, 'hello wor', false));
    board.onEvent(t('u1', 2, 'hello', false)); // older than what is shown: dropped
    out.interim = lines();
    board.onEvent(t('u1', 4, 'Hello world.', true));
    board.onEvent(t('u1', 5, 'Hello world and', false)); // interim after the final: dropped
    board.onEvent(tr('u1', 6, 'Hola mundo.', 'es'));
    board.onEvent(tr('u1', 7, 'Hola món.', 'ca')); // not my caption language
    out.final = lines();
    board.setMode('original'); out.original = lines();
    board.setMode('translated'); out.translated = lines();
    board.setMode('off'); out.offHidden = document.getElementById('region').hidden;
    board.setMode('both');
    board.setCaptionLanguage('ca');
    board.onEvent(t('u2', 8, 'Good morning.', true));
    board.onEvent(tr('u2', 9, 'Buenos días.', 'es')); // in flight from before the switch: not shown
    board.onEvent(tr('u2', 10, 'Bon dia.', 'ca'));
    out.afterSwitch = lines().at(-1);
    board.onEvent(t('u3', 1, 'Hi.', true, 'p2'));
    board.onEvent(t('u4', 2, 'Again.', true, 'p2'));
    out.count = lines().length;
    out.speakers = lines().map((l) => l.speaker);
    out.live = [...document.querySelectorAll('#live p')].map((p) => p.textContent);
    out.logDisplayed = board.log.filter((e) => e.displayed).length;
    out.logHidden = board.log.filter((e) => !e.displayed).map((e) => e.text);
    board.destroy();
    return out;
  });
  assert.equal(r.interim.length, 1);
  assert.equal(r.interim[0].parts[0].text, 'ENhello wor (interim)', 'the newest interim replaced the older ones in place');
  assert.match(r.interim[0].parts[0].cls, /interim/);
  assert.equal(r.final.length, 1, 'one line per utterance');
  assert.equal(r.final[0].speaker, 'Alice');
  assert.deepEqual(r.final[0].parts.map((p) => [p.text, p.lang]), [['ENHello world.', 'en'], ['Hola mundo.', 'es']]);
  assert.ok(r.final[0].parts.every((p) => /final/.test(p.cls)));
  assert.deepEqual(r.original[0].parts.map((p) => p.text), ['ENHello world.']);
  assert.deepEqual(r.translated[0].parts.map((p) => p.text), ['Hola mundo.']);
  assert.equal(r.offHidden, true);
  assert.deepEqual(r.afterSwitch.parts.map((p) => [p.text, p.lang]), [['ENGood morning.', 'en'], ['Bon dia.', 'ca']]);
  assert.equal(r.count, 3, 'the last three utterances stay on screen');
  assert.deepEqual(r.speakers, ['Alice', 'Bob', 'Bob']);
  assert.deepEqual(r.live, ['Alice: Hola mundo.', 'Alice: Bon dia.'],
    'screen readers hear finals in my language: the translation when one is expected, not the original first');
  assert.deepEqual(r.logHidden, ['hello', 'Hello world and', 'Hola món.', 'Buenos días.']);
});

/** A caption board on a blank page, with helpers; `settleMs` shortens the interim timeout for the test. */
const BOARD_SETUP = `
  const { CaptionBoard } = await import('/js/captions.js');
  document.body.innerHTML = '<div id="region"><ol id="list"></ol></div><div id="live"></div>';
  const board = new CaptionBoard({
    list: document.getElementById('list'), region: document.getElementById('region'),
    live: document.getElementById('live'), nameOf: () => 'Alice', selfId: 'me', settleMs,
  });
  const t = (u, seq, text, final, language = 'en') => ({ type: 'transcript', speaker: 'p1', utteranceId: u, seq, language, text, final });
  const tr = (u, seq, text, language, final = true) => ({ type: 'translation', speaker: 'p1', utteranceId: u, seq, sourceLanguage: 'en', language, text, final });
  const lines = () => [...document.querySelectorAll('#list .cap')].filter((l) => !l.hidden).map((l) => ({
    utterance: l.dataset.utterance, busy: l.getAttribute('aria-busy'),
    parts: [...l.querySelectorAll('.cap-text')].map((p) => ({ cls: p.className, text: p.textContent, lang: p.lang })),
  }));
  const until = async (what, probe, ms = 5000) => {
    for (const deadline = Date.now() + ms; !probe();) {
      if (Date.now() > deadline) throw new Error('timed out waiting for ' + what);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
`;

function onBoard(body, settleMs = 300) {
  // The body runs in the page, with the helpers above in scope.
  return participant.page.evaluate(`(async () => { const settleMs = ${settleMs}; ${BOARD_SETUP} ${body} })()`);
}

test('caption board: words the translator did not know are marked, and malformed spans are ignored', { timeout: 30_000 }, async () => {
  const r = await onBoard(`
    board.setCaptionLanguage('es');
    board.onEvent(t('u1', 1, 'The florp is here.', true));
    board.onEvent({ ...tr('u1', 2, 'El florp está aquí.', 'es'), unknown: [{ start: 3, end: 8 }] });
    board.onEvent(t('u2', 3, 'Hi zorb.', true));
    board.onEvent({ ...tr('u2', 4, 'Hola zorb.', 'es'), unknown: [{ start: 5, end: 99 }] });
    const marks = (u) => [...document.querySelectorAll('.cap[data-utterance="' + u + '"] mark.cap-unknown')];
    return {
      marked: marks('u1').map((m) => [m.firstChild.textContent, m.title, m.textContent]),
      text: document.querySelector('.cap[data-utterance="u1"] .cap-translation').textContent,
      malformed: marks('u2').length,
      malformedText: document.querySelector('.cap[data-utterance="u2"] .cap-translation').textContent,
    };
  `);
  assert.deepEqual(r.marked, [['florp', 'not translated', 'florp (not translated)']]);
  assert.equal(r.text, 'El florp (not translated) está aquí.');
  assert.equal(r.malformed, 0, 'a span outside the text is not trusted');
  assert.equal(r.malformedText, 'Hola zorb.');
});

test('caption board: an interim shows its stable words as text and the tentative rest lighter', { timeout: 30_000 }, async () => {
  const r = await onBoard(`
    const css = Object.assign(document.createElement('link'), { rel: 'stylesheet', href: '/css/app.css' });
    await new Promise((loaded) => { css.onload = loaded; document.head.append(css); }); // the page's own look
    board.setCaptionLanguage('en');
    board.onEvent({ ...t('u1', 1, 'Our train leave', false), stable: 9 });
    const p = () => document.querySelector('.cap[data-utterance="u1"] .cap-text'); // my language: shown once
    const look = (sel) => { const e = p().querySelector(sel); return e && [e.textContent, getComputedStyle(e).opacity]; };
    const first = { cls: p().className, stable: look('.cap-stable'), tail: look('.cap-tentative'), text: p().textContent };
    board.onEvent({ ...t('u1', 2, 'Our train leaves', false), stable: 99 }); // not within the text: ignored
    const bad = { stable: look('.cap-stable'), text: p().textContent };
    board.onEvent(t('u1', 3, 'Our train leaves the station.', true));
    const fin = { stable: look('.cap-stable'), tail: look('.cap-tentative'), cls: p().className };
    return { first, bad, fin };
  `);
  assert.match(r.first.cls, /interim/);
  assert.match(r.first.cls, /has-stable/);
  assert.deepEqual(r.first.stable, ['Our train', '1']);
  assert.equal(r.first.tail[0], ' leave');
  assert.ok(Number(r.first.tail[1]) < 1, `the tentative tail is lighter (opacity ${r.first.tail[1]})`);
  assert.match(r.first.text, /Our train leave \(interim\)$/);
  assert.equal(r.bad.stable, null, 'a stable length outside the text is not trusted');
  assert.match(r.bad.text, /^(EN)?Our train leaves \(interim\)$/);
  assert.equal(r.fin.stable, null);
  assert.equal(r.fin.tail, null);
  assert.match(r.fin.cls, /final/);
});

test('caption board: an interim that never gets a final settles after the timeout; a late final still replaces it', { timeout: 30_000 }, async () => {
  const r = await onBoard(`
    board.setCaptionLanguage('es');
    const out = {};
    const sent = Date.now();
    board.onEvent(t('u1', 1, 'good mor', false));
    out.interim = lines();
    await until('the interim to settle', () => lines()[0]?.parts.every((p) => !/interim/.test(p.cls)));
    out.settledAfterMs = Date.now() - sent;
    out.settled = lines();
    out.log = board.settledLog.map((e) => ({ utteranceId: e.utteranceId, slot: e.slot, waited: e.settledAt - e.lastEventAt }));
    board.onEvent(t('u1', 2, 'Good morning.', true)); // late, but still the final: replaces the settled text
    board.onEvent(tr('u1', 3, 'Buenos días.', 'es'));
    out.final = lines();
    board.destroy();
    return out;
  `);
  assert.deepEqual(r.interim[0].parts.map((p) => p.text), ['ENgood mor (interim)', '…translation pending']);
  assert.equal(r.interim[0].busy, 'true', 'a line with interim text is aria-busy');
  assert.ok(r.settledAfterMs >= 300, `settled after ${r.settledAfterMs} ms, not before the timeout`);
  assert.deepEqual(r.settled.map((l) => l.parts.map((p) => [p.text, p.cls])), [[['ENgood mor', 'cap-text cap-original settled']]],
    'settled: no longer interim, no "(interim)", and no translation placeholder (translations are made of finals)');
  assert.equal(r.settled[0].busy, null, 'a settled line is no longer aria-busy');
  assert.equal(r.log.length, 1);
  assert.equal(r.log[0].utteranceId, 'u1');
  assert.equal(r.log[0].slot, 'original');
  assert.ok(r.log[0].waited >= 300);
  assert.deepEqual(r.final.map((l) => l.parts.map((p) => [p.text, p.cls])),
    [[['ENGood morning.', 'cap-text cap-original final'], ['Buenos días.', 'cap-text cap-translation final']]]);
});

test('caption board: a caption-status failed or abandoned settles that utterance\'s interim line at once', { timeout: 30_000 }, async () => {
  const r = await onBoard(`
    board.setCaptionLanguage('es');
    const status = (u, seq, state) => ({ type: 'caption-status', speaker: 'p1', utteranceId: u, seq, state, reason: 'x' });
    board.onEvent(t('u1', 1, 'good mor', false));
    board.onEvent(t('u2', 2, 'see you', false));
    board.onEvent(tr('u2', 3, 'hasta', 'es', false));
    board.onEvent(status('u1', 4, 'failed'));
    board.onEvent(status('u2', 5, 'abandoned'));
    board.onEvent(status('u9', 6, 'failed')); // an utterance this board never showed: nothing to do
    const out = { lines: lines(), log: board.settledLog.map((e) => [e.utteranceId, e.slot, e.cause]) };
    board.destroy();
    return out;
  `, 60_000);
  assert.deepEqual(r.lines.map((l) => l.parts.map((p) => [p.text, p.cls])), [
    [['ENgood mor', 'cap-text cap-original settled']],
    [['ENsee you', 'cap-text cap-original settled'], ['hasta', 'cap-text cap-translation settled']],
  ], 'settled at once (the timeout is a minute here): no "(interim)", no translation placeholder');
  assert.deepEqual(r.log, [['u1', 'original', 'failed'], ['u2', 'original', 'abandoned'], ['u2', 'translation', 'abandoned']]);
});

test('caption board: switching the caption language clears the old language\'s lines and the interims at once', { timeout: 30_000 }, async () => {
  const r = await onBoard(`
    board.setCaptionLanguage('es');
    board.onEvent(t('u1', 1, 'Hello world.', true));
    board.onEvent(tr('u1', 2, 'Hola mundo.', 'es'));
    board.onEvent(t('u2', 3, 'Bon dia.', true, 'ca')); // a Catalan speaker: in my next language already
    board.onEvent(tr('u2', 4, 'Buenos días.', 'es'));
    board.onEvent(t('u3', 5, 'and then', false)); // interim
    board.onEvent(tr('u3', 6, 'y entonces', 'es', false)); // interim translation into the old language
    const out = { before: lines() };
    board.setCaptionLanguage('ca');
    out.after = lines();
    board.onEvent(tr('u3', 7, 'y luego', 'es', false)); // in flight from before the switch: not shown
    out.inFlight = lines();
    board.onEvent(t('u3', 8, 'and then we', false)); // the same utterance goes on: a fresh line, in the new language
    out.continued = lines();
    board.destroy();
    return out;
  `, 60_000);
  assert.equal(r.before.length, 3);
  assert.ok(r.before.some((l) => l.parts.some((p) => p.lang === 'es')), 'Spanish on screen before the switch');
  assert.deepEqual(r.after.map((l) => [l.utterance, l.parts.map((p) => [p.text, p.lang])]), [['u2', [['Bon dia.', 'ca']]]],
    'only the finished line whose original is Catalan stays, as the caption; no Spanish, no interim');
  assert.deepEqual(r.inFlight, r.after);
  assert.deepEqual(r.continued.at(-1).parts.map((p) => [p.text, p.lang]),
    [['ENand then we (interim)', 'en'], ['…translation pending', 'ca']]);
});

test('tile grid: a call of 21 shows 16 tiles, pages through the others, and asks the SFU for no video off screen', { timeout: 30_000 }, async () => {
  const page = participant.page;
  await page.evaluate(async () => {
    const { TileGrid } = await import('/js/room/tiles.js');
    document.body.replaceChildren();
    const grid = Object.assign(document.createElement('div'), { id: 'grid' });
    grid.style.cssText = 'display:flex;flex-wrap:wrap;width:1200px;height:700px';
    document.body.append(grid);
    const tiles = new TileGrid({ grid, audioContext: () => null, linkOf: () => undefined, onPlaybackBlocked: () => {} });
    tiles.renderSelf('me', { displayName: 'Me', spokenLanguage: 'en', captionLanguage: 'es' },
      { previewStream: new MediaStream(), sharing: false, outgoingVideo: null, micOn: false });
    for (let i = 1; i <= 20; i++) {
      tiles.ensure({ participantId: `p${i}`, displayName: `Person ${i}`, spokenLanguage: 'en', captionLanguage: 'es' });
    }
    tiles.refresh();
    window.__tilesTest = tiles;
  });
  const visible = () => page.evaluate(() => [...document.querySelectorAll('#grid .tile')].filter((t) => !t.hidden)
    .map((t) => t.dataset.participant));
  const offLayers = () => page.evaluate(() => [...window.__tilesTest.layers()].filter(([, l]) => l === 'off')
    .map(([id]) => id).sort());
  const nav = page.getByRole('navigation', { name: 'More participants' });
  const next = nav.getByRole('button', { name: 'Next participants' });
  const previous = nav.getByRole('button', { name: 'Previous participants' });

  let shown = await visible();
  assert.equal(shown.length, 16, 'mine and 15 others on screen');
  assert.ok(shown.includes('me'));
  assert.match(await nav.textContent(), /Showing 1-15 of 20 others/);
  assert.ok(await previous.isDisabled(), 'no page before the first');
  const hidden = (await page.evaluate(() => [...window.__tilesTest.tiles.keys()])).filter((id) => !shown.includes(id));
  assert.deepEqual(await offLayers(), hidden.sort(), 'the SFU is asked for no video of the participants off screen');

  await next.click();
  shown = await visible();
  assert.equal(shown.length, 6, 'mine and the 5 others of the second page');
  assert.deepEqual(shown.filter((id) => id !== 'me').sort(), hidden.sort(), 'the second page shows who was off screen');
  assert.match(await nav.textContent(), /Showing 16-20 of 20 others/);
  assert.ok(await next.isDisabled(), 'no page after the last');
  assert.equal((await offLayers()).length, 15, 'the first page\'s videos are off now');

  await previous.click();
  const speaker = hidden[0];
  await page.evaluate((id) => window.__tilesTest.setTalking(id, true), speaker);
  assert.ok((await visible()).includes(speaker), 'someone off screen who speaks comes on the first page');
  await page.evaluate(() => window.__tilesTest.destroy());
});

test('SFU media status: "Reconnecting…" after restart and failed until media flows again; unavailable says so', { timeout: 60_000 }, async () => {
  const page = participant.page;
  const region = page.getByRole('status', { name: 'Audio and video' });
  // The top bar's real region (index.html), driven by the page's own SfuMedia and renderer; the SFU is a second
  // RTCPeerConnection in the page that answers each publish, unless told to hold it (media not flowing yet).
  await page.evaluate(async () => {
    const { SfuMedia } = await import('/js/sfu.js');
    const { renderMediaStatus } = await import('/js/room/media-status.js');
    const html = await (await fetch('/index.html')).text();
    const el = new DOMParser().parseFromString(html, 'text/html').getElementById('media-status');
    document.body.append(document.adoptNode(el));
    const canvas = Object.assign(document.createElement('canvas'), { width: 320, height: 180 });
    const g = canvas.getContext('2d');
    setInterval(() => { g.fillStyle = `hsl(${Date.now() % 360} 70% 50%)`; g.fillRect(0, 0, 320, 180); }, 40);
    const video = canvas.captureStream(25).getVideoTracks()[0];
    const sfu = { held: null, hold: false, pc: null, early: [] };
    const answer = async (sdp) => {
      sfu.pc?.close();
      const pc = new RTCPeerConnection();
      sfu.pc = pc;
      await pc.setRemoteDescription({ type: 'offer', sdp });
      for (const c of sfu.early.splice(0)) await pc.addIceCandidate(c).catch(() => {});
      await pc.setLocalDescription(await pc.createAnswer());
      await new Promise((resolve) => {
        if (pc.iceGatheringState === 'complete') resolve();
        pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && resolve();
      });
      media.handle({ type: 'publish-answer', sdp: pc.localDescription.sdp });
    };
    const send = (msg) => {
      if (msg.type === 'publish') {
        sfu.early = [];
        if (sfu.hold) sfu.held = msg.sdp;
        else answer(msg.sdp);
      } else if (msg.type === 'media-ice' && msg.pc === 'publish' && msg.candidate) {
        if (sfu.pc?.remoteDescription && !sfu.held) sfu.pc.addIceCandidate(msg.candidate).catch(() => {});
        else sfu.early.push(msg.candidate);
      }
    };
    const media = new SfuMedia({ send, iceServers: { iceServers: [] }, tracks: () => ({ audio: null, video }) });
    media.addEventListener('media-state', (e) => renderMediaStatus(el, e.detail));
    window.__sfuTest = {
      media,
      sfu,
      hold() { sfu.hold = true; },
      release() { sfu.hold = false; const sdp = sfu.held; sfu.held = null; if (sdp) answer(sdp); },
      publisher: () => media.publisher?.connectionState || null,
    };
    media.reset();
    media.handle({ type: 'media-state', state: 'connected' });
  });
  const flowing = () => page.waitForFunction(() => window.__sfuTest.publisher() === 'connected', null, { timeout: 20_000 });
  const text = async () => (await region.textContent()).trim();
  const shows = (expected) => page.waitForFunction(
    (t) => document.getElementById('media-status').textContent.trim() === t, expected, { timeout: 20_000 });

  await flowing();
  assert.equal(await text(), '', 'nothing to say while media flows');

  // restart: the node was lost. Reconnecting while the new publish is unanswered, also once the server has joined
  // me on the new node (`connected`); cleared when the new connection is up.
  await page.evaluate(() => {
    window.__sfuTest.hold();
    window.__sfuTest.media.handle({ type: 'media-state', state: 'restart' });
  });
  await shows('Reconnecting…');
  await page.evaluate(() => window.__sfuTest.media.handle({ type: 'media-state', state: 'connected' }));
  assert.equal(await text(), 'Reconnecting…', 'joined again, but no media yet');
  await page.evaluate(() => window.__sfuTest.release());
  await flowing();
  await shows('');

  // failed: my connection never came up; the page publishes again after a second, and clears once it is up.
  await page.evaluate(() => {
    window.__sfuTest.hold();
    window.__sfuTest.media.handle({ type: 'media-state', state: 'failed' });
  });
  await shows('Reconnecting…');
  await page.waitForFunction(() => window.__sfuTest.sfu.held !== null, null, { timeout: 10_000 }); // the retry
  assert.equal(await text(), 'Reconnecting…');
  await page.evaluate(() => window.__sfuTest.release());
  await flowing();
  await shows('');

  // unavailable: no SFU reachable.
  await page.evaluate(() => window.__sfuTest.media.handle({ type: 'media-state', state: 'unavailable' }));
  await shows('Audio and video are unavailable right now (media server unreachable). Retrying…');
  await page.evaluate(() => window.__sfuTest.media.closeAll());
});
