// End-to-end: the whole suite as `MEDIA=mesh ./run.sh` starts it (the browser mesh and /ws/audio; the SFU has its own
// test, sfu-call.test.mjs), and two real headless Chromium participants.
//   A speaks English (captions in English); her microphone is an English sentence made now with flite.
//   B speaks Spanish, reads captions in Spanish, dubbing on.
// Asserts the call connects both ways with video, B reads A's words in English and Spanish within 5 s of the end
// of the sentence and hears the Spanish dub (A's own voice ducked meanwhile), chat arrives (the unread count in the
// chat button's name), the call fits a 390 px window with every control reachable (controls found by role and name),
// B switching to Catalan clears the Spanish lines at once and makes A's next sentence Catalan, an interim whose final
// B missed during a network outage settles, and A leaving updates B's participants. Prints the end-of-speech ->
// caption on screen latency and saves screenshots to e2e/artifacts/.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { makeSilentWav, makeSpeechWav } from '../lib/audio.mjs';
import { inRoom, joinForm, launchParticipant, snapshot, waitFor } from '../lib/browser.mjs';
import { startSuite, stepper, tearDown } from '../lib/suite.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ARTIFACTS = path.resolve(HERE, '..', 'artifacts');
const SENTENCE = 'Good morning everyone. Thank you for joining the meeting today.';
const CAPTION_DEADLINE_MS = 5000; // from the end of the sentence to the translated caption on screen
const INTERIM_SETTLE_MS = 5000; // the page settles an interim that got nothing newer for this long (docs/web-client.md)
const PHONE = { width: 390, height: 844 };

mkdirSync(ARTIFACTS, { recursive: true });
// Leftovers of an earlier failed run would mislead whoever looks at the artifacts.
for (const f of readdirSync(ARTIFACTS)) {
  if (f.startsWith('failure-') || f === 'logs') rmSync(path.join(ARTIFACTS, f), { recursive: true, force: true });
}

let suite;
let work;
let speech;
let silence;
const run = { participants: [], failed: false };
const { participants } = run;

before(async () => {
  work = mkdtempSync(path.join(os.tmpdir(), 'babelcall-e2e-audio-'));
  speech = makeSpeechWav(work, 'alice', SENTENCE);
  silence = makeSilentWav(work, 'quiet');
  // A file the fake device cannot play comes out as silence with no error: make sure the speech is really there.
  assert.ok(speech.peak > 0.1, `the test speech is silent (peak ${speech.peak})`);
  assert.ok(speech.speechStartS >= 1, `need >= 1 s of leading silence, speech starts at ${speech.speechStartS} s`);
  assert.ok(speech.durationS - speech.speechEndS >= 1, 'need trailing silence after the sentence');
  console.log(`# test speech: "${SENTENCE}" ${speech.durationS.toFixed(2)} s, voice ${speech.speechStartS.toFixed(3)}`
    + `..${speech.speechEndS.toFixed(3)} s, peak ${speech.peak.toFixed(2)} (${speech.path})`);
  suite = await startSuite({ logFile: path.join(ARTIFACTS, 'run.log'), media: 'mesh' });
}, { timeout: 16 * 60_000 });

after(async () => {
  await tearDown(run, suite, ARTIFACTS);
  if (work) rmSync(work, { recursive: true, force: true });
}, { timeout: 120_000 });

/** Turns A's microphone on: Chromium's fake device restarts the WAV from its beginning on every new capture. */
async function speak(a) {
  const before = await snapshot(a.page);
  assert.equal(before.micOn, false, 'A\'s microphone should be off before speaking');
  await a.page.click('#btn-mic');
  const s = await waitFor(a.page, 'A\'s first voice frame sent to the orchestrator',
    (x) => x.micOn && x.uplink.state === 'open' && x.uplink.voiceStartedAt
      && x.uplink.voiceStartedAt !== before.uplink.voiceStartedAt && x.uplink, { timeoutMs: 20_000 });
  // The sentence ends (speechEnd - speechStart) after its first loud sample, in the browsers' shared wall clock.
  const endOfSpeech = s.voiceStartedAt + (speech.speechEndS - speech.speechStartS) * 1000;
  return { voiceStartedAt: s.voiceStartedAt, endOfSpeech };
}

async function silenceMic(a) {
  if ((await snapshot(a.page)).micOn) await a.page.click('#btn-mic');
  await waitFor(a.page, 'A\'s microphone off', (x) => !x.micOn && x.uplink.state === 'idle');
}

/** A caption-status of A's speech since `since` saying recognition or translation failed, as text; else null. */
function engineFailure(s, speaker, since) {
  const bad = s.captions.find((c) => c.type === 'caption-status' && c.speaker === speaker && c.receivedAt > since
    && (c.state === 'asr_unavailable' || c.state === 'untranslated'));
  return bad ? `caption-status ${bad.state}${bad.language ? ` (${bad.language})` : ''}: ${bad.reason || 'no reason given'}` : null;
}

function words(text) {
  return String(text).toLowerCase().replace(/[^\p{L}\p{N}' ]+/gu, ' ').split(/\s+/).filter(Boolean);
}

/** Word error rate of `hyp` against `ref` (Levenshtein over words). */
function wer(ref, hyp) {
  const r = words(ref);
  const h = words(hyp);
  const d = Array.from({ length: r.length + 1 }, (_, i) => [i, ...Array(h.length).fill(0)]);
  for (let j = 1; j <= h.length; j++) d[0][j] = j;
  for (let i = 1; i <= r.length; i++) {
    for (let j = 1; j <= h.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (r[i - 1] === h[j - 1] ? 0 : 1));
    }
  }
  return d[r.length][h.length] / r.length;
}

const latencies = [];

test('two participants: video call, translated captions, dubbing, chat, language switch, leave', { timeout: 10 * 60_000 }, async (t) => {
  try {
    const b = { name: 'B', ...(await launchParticipant(silence.path)) };
    participants.push(b);
    const a = { name: 'A', ...(await launchParticipant(speech.path)) };
    participants.push(a);

    let roomUrl;
    let aId;
    let bId;
    const step = stepper(t, run, ARTIFACTS);

    await step('B creates a call from the home page (spoken es, captions es, dubbing on)', async () => {
      await b.page.goto(`${suite.baseUrl}/`);
      await joinForm(b.page, { name: 'Beatriz', spoken: 'es', caption: 'es', dubbing: true, micOff: false,
        callName: 'Weekly sync' });
      await b.page.click('#btn-create');
      const s = await inRoom(b.page);
      bId = s.selfId;
      roomUrl = b.page.url();
      assert.match(roomUrl, /\/r\/[A-Za-z0-9_-]+$/, 'the call page is the room link');
      assert.equal(s.me.captionLanguage, 'es');
      assert.equal(s.me.dubbing, true);
      await b.page.waitForFunction(() => document.getElementById('room-title').textContent === 'Weekly sync');
    });

    await step('A joins through the invite link (spoken en, captions en, microphone off)', async () => {
      await a.page.goto(roomUrl);
      await a.page.waitForSelector('#room-chip:not([hidden])');
      await a.page.waitForFunction(() => /Beatriz is here/.test(document.getElementById('room-people').textContent));
      await joinForm(a.page, { name: 'Alice', spoken: 'en', caption: 'en', dubbing: false, micOff: true });
      await a.page.click('#btn-join');
      const s = await inRoom(a.page);
      aId = s.selfId;
      assert.notEqual(aId, bId);
    });

    await step('both RTCPeerConnections connect and each remote video plays', async () => {
      for (const [p, other] of [[a, bId], [b, aId]]) {
        const peer = await waitFor(p.page, `${p.name}'s connection to the other participant`, (s) => {
          const x = s.peers.find((q) => q.participantId === other);
          return x && x.connectionState === 'connected' && x.videoWidth > 0 && x.videoPlaying && x;
        }, { timeoutMs: 45_000 });
        assert.ok(peer.videoWidth > 0);
      }
      const tiles = await b.page.locator('#grid .tile').count();
      assert.equal(tiles, 2, 'B sees two tiles (self and A)');
      const name = await b.page.locator(`#grid .tile[data-participant="${aId}"] .tile-name`).textContent();
      assert.equal(name, 'Alice');
    });

    let spanish;
    await step('A speaks: B shows the English transcript and the Spanish translation within 5 s', async () => {
      const { endOfSpeech, voiceStartedAt } = await speak(a);
      const finals = await waitFor(b.page, 'A\'s final transcript and Spanish translation on B\'s page', (s) => {
        const failure = engineFailure(s, aId, voiceStartedAt);
        if (failure) return { failure };
        const mine = s.captions.filter((c) => c.speaker === aId && c.final && c.displayed && c.receivedAt > voiceStartedAt);
        const tr = mine.find((c) => c.type === 'transcript');
        const es = mine.find((c) => c.type === 'translation' && c.language === 'es' && c.utteranceId === tr?.utteranceId);
        return tr && es && (es.shownAt || es.receivedAt) && { tr, es };
      }, { timeoutMs: Math.max(5_000, endOfSpeech + 20_000 - Date.now()) });
      assert.equal(finals.failure, undefined, `the orchestrator reported ${finals.failure}`);
      const { tr, es } = finals;
      const transcriptMs = (tr.shownAt || tr.receivedAt) - endOfSpeech;
      const translationMs = (es.shownAt || es.receivedAt) - endOfSpeech;
      const serverMs = es.endOfSpeechAt && es.publishedAt ? Date.parse(es.publishedAt) - Date.parse(es.endOfSpeechAt) : null;
      latencies.push({ sentence: 1, language: 'es', transcriptMs, translationMs, serverMs, text: tr.text, translation: es.text });
      console.log(`# sentence 1: "${tr.text}" -> "${es.text}"`);
      console.log(`# latency end of speech -> on screen: transcript ${Math.round(transcriptMs)} ms, `
        + `Spanish translation ${Math.round(translationMs)} ms (server end of speech -> published: ${serverMs ?? '?'} ms)`);
      assert.ok(wer(SENTENCE, tr.text) <= 0.35, `transcript "${tr.text}" is too far from "${SENTENCE}"`);
      assert.notEqual(es.text.trim().toLowerCase(), tr.text.trim().toLowerCase(), 'the Spanish text is a translation');
      assert.ok(translationMs <= CAPTION_DEADLINE_MS, `Spanish caption ${Math.round(translationMs)} ms after the end of speech`);
      // On screen, in the overlay: A's name, the English original and the Spanish translation.
      const line = b.page.locator(`#caption-lines .cap[data-utterance="${tr.utteranceId}"]`);
      await line.waitFor({ timeout: 2000 });
      assert.equal(await line.locator('.cap-speaker').textContent(), 'Alice');
      const original = await line.locator('.cap-original').innerText();
      const translated = await line.locator('.cap-translation').innerText();
      assert.ok(original.includes(tr.text), `original shown: ${original}`);
      assert.equal(translated.trim(), es.text.trim());
      assert.equal(await line.locator('.cap-translation').getAttribute('lang'), 'es');
      spanish = es;
    });

    await step('B plays the Spanish dub, with A\'s own voice ducked meanwhile', async () => {
      let duckedSeen = false;
      const dub = await waitFor(b.page, 'a played, non-silent dub on B', (s) => {
        const peer = s.peers.find((q) => q.participantId === aId);
        if (s.dub.playing && peer && peer.volume < 1) duckedSeen = true;
        const audible = s.dub.mode === 'webaudio' ? s.dub.maxPeak > 0.01 : (s.dub.elementPlayedSeconds || 0) > 0.2;
        return s.dub.played >= 1 && s.dub.lastEndedAt && audible && s.dub;
      }, { timeoutMs: 30_000, intervalMs: 50 });
      console.log(`# dub: ${dub.played} clip(s) played (${dub.mode}), peak level ${dub.maxPeak.toFixed(3)}`);
      assert.ok(duckedSeen, 'A\'s original voice was ducked while the dub played');
      const after = await snapshot(b.page);
      assert.equal(after.peers.find((q) => q.participantId === aId).volume, 1, 'A\'s voice is back to full volume');
      await a.page.screenshot({ path: path.join(ARTIFACTS, 'a-call.png') });
      await b.page.screenshot({ path: path.join(ARTIFACTS, 'b-call.png') });
    });

    await step('a chat message from A arrives at B', async () => {
      const text = `Hola Beatriz, ¿me lees? ${Date.now() % 100000}`;
      await a.page.click('#btn-chat');
      await a.page.fill('#chat-input', text);
      await a.page.press('#chat-input', 'Enter');
      await waitFor(b.page, 'the chat message on B', (s) => s.chat.find((m) => m.text === text && m.from === aId));
      await b.page.waitForSelector('#chat-unread:not([hidden])');
      assert.equal(await b.page.locator('#chat-unread').textContent(), '1');
      // The count is in the button's accessible name, not only in the (aria-hidden) badge.
      await b.page.getByRole('button', { name: 'Chat, 1 unread message', exact: true }).click();
      const last = b.page.locator('#chat-list .chat-msg').last();
      assert.equal(await last.locator('.chat-text').textContent(), text);
      assert.equal(await last.locator('.chat-from').textContent(), 'Alice');
      await b.page.getByRole('button', { name: 'Chat', exact: true }).click(); // read: the name has no count; close
    });

    await step('B\'s camera is unplugged: B\'s page says so and A sees it off; turned on again, A gets its video back', async () => {
      assert.ok(await b.page.evaluate(() => window.__unplug('video')), 'B had a live camera track');
      await b.page.getByRole('button', { name: 'Camera off; turn on', exact: true }).waitFor({ timeout: 5000 });
      const said = await b.page.getByRole('status').filter({ hasText: 'Your camera stopped' }).textContent();
      assert.match(said, /turn it on again/i);
      await waitFor(a.page, 'A sees B\'s camera off', (s) => s.peers.find((p) => p.participantId === bId)?.video === false);
      await b.page.getByRole('button', { name: 'Camera off; turn on', exact: true }).click();
      await waitFor(a.page, 'A sees B\'s camera on', (s) => s.peers.find((p) => p.participantId === bId)?.video === true);
      await waitFor(a.page, 'B\'s video plays again at A', (s) => {
        const peer = s.peers.find((p) => p.participantId === bId);
        return peer?.videoPlaying && peer.videoWidth > 0;
      });
    });

    await step('B narrows its window to 390 px: the call fits, every control is reachable and named', async () => {
      const page = b.page;
      await page.setViewportSize(PHONE);
      // The grid follows the window (the tiles are re-sized after it), so nothing is wider than the window.
      await page.waitForFunction((w) => document.getElementById('grid').getBoundingClientRect().right <= w
        && document.querySelector('#view-room').scrollWidth <= w, PHONE.width, { timeout: 5000 })
        .catch(async () => assert.fail(`the call view is wider than ${PHONE.width} px: ${JSON.stringify(await page.evaluate(() => ({
          room: document.querySelector('#view-room').scrollWidth,
          grid: document.getElementById('grid').getBoundingClientRect().width,
          controls: document.querySelector('.controls').getBoundingClientRect().width })))}`));
      const inView = async (locator, what) => {
        await locator.scrollIntoViewIfNeeded({ timeout: 2000 });
        const box = await locator.boundingBox();
        assert.ok(box, `${what} is rendered`);
        assert.ok(box.x >= 0 && box.y >= 0 && box.x + box.width <= PHONE.width + 0.5 && box.y + box.height <= PHONE.height + 0.5,
          `${what} lies within the ${PHONE.width}x${PHONE.height} window: ${JSON.stringify(box)}`);
      };
      // Every control of the bar is on screen, except the two that move to a panel at this width.
      const movedToPanel = { 'btn-invite': 'Copy invite link (participants panel)', 'ctl-caption-lang': 'caption language (settings)' };
      const controls = await page.locator('nav.controls').locator('button, select').evaluateAll((els) => els.map((e) => ({
        id: e.id, shown: e.getClientRects().length > 0 })));
      for (const c of controls) {
        if (c.shown) await inView(page.locator(`#${c.id}`), `control #${c.id}`);
        else assert.ok(movedToPanel[c.id], `control #${c.id} is hidden at ${PHONE.width} px and reachable nowhere else`);
      }
      assert.ok(controls.filter((c) => c.shown).length >= 8, `controls on screen: ${JSON.stringify(controls)}`);
      await inView(page.locator(`#grid .tile[data-participant="${aId}"]`), 'A\'s tile');
      // Every control in the call has a role and a name (no bare "- button" in the accessibility tree).
      const tree = await page.locator('#view-room').ariaSnapshot();
      const unnamed = tree.split('\n').filter((l) => /^\s*- (button|combobox|switch|checkbox|slider|textbox|link)\b(?! ")/.test(l));
      assert.deepEqual(unnamed, [], `controls without an accessible name:\n${tree}`);
      // The participant count is readable by name.
      const people = page.getByRole('button', { name: 'Participants, 2 in the call', exact: true });
      await inView(people, 'the participants button');
      await people.click();
      await inView(page.getByRole('button', { name: 'Copy invite link' }), 'the invite button in the participants panel');
      await inView(page.getByRole('button', { name: 'Close panel' }), 'the panel\'s close button');
      // The settings panel covers the call at this width; each of its controls can be scrolled to.
      await page.getByRole('button', { name: 'Languages, dubbing and transcript' }).click();
      const settings = page.locator('#panel-settings');
      for (const [role, name] of [['combobox', 'Captions'], ['combobox', 'Captions and dubbing in'], ['combobox', 'I speak'],
        ['switch', 'Dubbing'], ['slider', 'Dubbing volume'], ['button', 'JSON'], ['button', 'WebVTT'], ['button', 'SRT'],
        ['button', 'Keyboard shortcuts']]) {
        await inView(settings.getByRole(role, { name, exact: true }), `${role} "${name}" in the settings panel`);
      }
      // The dubbing switch is a real switch: found by role and name, checked as B's dubbing is, and it works.
      const dub = settings.getByRole('switch', { name: 'Dubbing', exact: true });
      assert.equal(await dub.isChecked(), true, 'B\'s dubbing is on');
      assert.match(tree + await settings.ariaSnapshot(), /- switch "Dubbing" \[checked\]/);
      await dub.click();
      await waitFor(page, 'B\'s dubbing off', (s) => s.me.dubbing === false);
      assert.equal(await page.locator('#btn-dub').getAttribute('aria-pressed'), 'false');
      await dub.click();
      await waitFor(page, 'B\'s dubbing on again', (s) => s.me.dubbing === true);
      await page.screenshot({ path: path.join(ARTIFACTS, 'b-390px.png') });
      await page.getByRole('button', { name: 'Close panel' }).click();
      await page.setViewportSize({ width: 1280, height: 720 });
    });

    await step('B switches captions to Catalan: the Spanish lines go at once, A\'s next sentence is in Catalan', async () => {
      await silenceMic(a);
      const spanishLines = b.page.locator('#caption-lines [lang="es"]');
      const spanishBefore = await spanishLines.count();
      await b.page.getByRole('combobox', { name: 'Caption language' }).selectOption('ca');
      const switchedAt = Date.now();
      const spanishAfter = await spanishLines.count();
      // Asserted at the end of the step (as the comparison with sentence 1), so that the Catalan sentence is still
      // tested, and the call goes on in Catalan, when sentence 1 failed.
      const assertSpanishCleared = () => {
        assert.ok(spanishBefore > 0, 'the Spanish caption of sentence 1 was still on screen before the switch');
        assert.equal(spanishAfter, 0, 'no Spanish line stays on screen once captions are in Catalan');
      };
      // A sees B's new caption language: signaling has stored it, so the orchestrator will translate into it.
      await waitFor(a.page, 'B\'s caption language ca seen by A',
        (s) => s.peers.find((q) => q.participantId === bId)?.captionLanguage === 'ca');
      const { endOfSpeech, voiceStartedAt } = await speak(a);
      const ca = await waitFor(b.page, 'A\'s next caption in Catalan on B', (s) => {
        const failure = engineFailure(s, aId, voiceStartedAt);
        if (failure) return { failure };
        return s.captions.find((c) => c.speaker === aId && c.type === 'translation' && c.final && c.displayed
          && c.language === 'ca' && c.receivedAt > voiceStartedAt && (c.shownAt || c.receivedAt));
      }, { timeoutMs: Math.max(5_000, endOfSpeech + 20_000 - Date.now()) });
      assert.equal(ca.failure, undefined, `the orchestrator reported ${ca.failure}`);
      const s = await snapshot(b.page);
      const tr = s.captions.find((c) => c.type === 'transcript' && c.final && c.utteranceId === ca.utteranceId);
      const translationMs = (ca.shownAt || ca.receivedAt) - endOfSpeech;
      const transcriptMs = tr ? (tr.shownAt || tr.receivedAt) - endOfSpeech : null;
      const serverMs = ca.endOfSpeechAt && ca.publishedAt ? Date.parse(ca.publishedAt) - Date.parse(ca.endOfSpeechAt) : null;
      latencies.push({ sentence: 2, language: 'ca', transcriptMs, translationMs, serverMs, text: tr?.text, translation: ca.text });
      console.log(`# sentence 2: "${tr?.text}" -> "${ca.text}"`);
      console.log(`# latency end of speech -> on screen: transcript ${Math.round(transcriptMs)} ms, `
        + `Catalan translation ${Math.round(translationMs)} ms (server end of speech -> published: ${serverMs ?? '?'} ms)`);
      const shownSpanish = s.captions.filter((c) => c.type === 'translation' && c.language === 'es' && c.displayed
        && c.receivedAt > switchedAt);
      assert.equal(shownSpanish.length, 0, 'no Spanish caption is shown after switching to Catalan');
      const line = b.page.locator(`#caption-lines .cap[data-utterance="${ca.utteranceId}"] .cap-translation`);
      await line.waitFor({ timeout: 2000 });
      assert.equal(await line.getAttribute('lang'), 'ca');
      assert.equal((await line.innerText()).trim(), ca.text.trim());
      await b.page.screenshot({ path: path.join(ARTIFACTS, 'b-catalan.png') });
      assert.ok(spanish, 'sentence 1 gave a Spanish caption to compare with');
      assert.notEqual(ca.text.trim(), spanish.text.trim(), 'the Catalan caption differs from the Spanish one');
      assertSpanishCleared();
    });

    await step('B loses its network while A speaks: the same identity back; the interim whose final was lost settles', async () => {
      const before = await snapshot(b.page);
      await silenceMic(a);
      const cdp = await b.context.newCDPSession(b.page);
      await cdp.send('Network.enable');
      const offline = (on) => cdp.send('Network.emulateNetworkConditions',
        { offline: on, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
      const { voiceStartedAt } = await speak(a);
      // The moment B shows an interim of this sentence, B goes offline: the final is published while B is away,
      // and signaling drops events for a participant whose socket is down (docs/signaling.md), so it never comes.
      const seen = await (await b.page.waitForFunction(({ speaker, since }) => {
        const c = window.__babelcall.snapshot().captions.find((x) => x.speaker === speaker && x.type === 'transcript'
          && !x.final && x.displayed && x.receivedAt > since);
        const node = c && document.querySelector(`#caption-lines .cap[data-utterance="${c.utteranceId}"]`);
        return node && { utteranceId: c.utteranceId, busy: node.getAttribute('aria-busy'),
          original: node.querySelector('.cap-original')?.textContent };
      }, { speaker: aId, since: voiceStartedAt }, { polling: 20, timeout: 20_000 })).jsonValue();
      await offline(true);
      const offlineAt = Date.now();
      let finalAtA;
      try {
        assert.equal(seen.busy, 'true', 'a line with interim text is aria-busy');
        assert.match(seen.original, /\(interim\)$/, 'interim text carries a visually hidden "(interim)"');
        await waitFor(b.page, 'signaling lost on B', (s) => s.signaling !== 'open', { timeoutMs: 20_000 });
        await b.page.waitForSelector('#banner:not([hidden])');
        assert.match(await b.page.locator('#banner-text').textContent(), /Reconnecting/);
        // A reads its own final of the sentence: it has been published while B was away.
        finalAtA = await waitFor(a.page, 'A\'s own final of the sentence', (s) => {
          const failure = engineFailure(s, aId, voiceStartedAt);
          if (failure) return { failure };
          return s.captions.find((c) => c.speaker === aId && c.type === 'transcript' && c.final
            && c.utteranceId === seen.utteranceId);
        }, { timeoutMs: 30_000 });
        assert.equal(finalAtA.failure, undefined, `the orchestrator reported ${finalAtA.failure}`);
        await new Promise((r) => setTimeout(r, Math.max(0, offlineAt + 3000 - Date.now()))); // at least 3 s away
      } finally {
        await offline(false);
      }
      const after = await waitFor(b.page, 'signaling back on B', (s) => s.signaling === 'open' && s, { timeoutMs: 20_000 });
      await b.page.waitForSelector('#banner', { state: 'hidden' });
      assert.equal(after.selfId, before.selfId, 'B kept its identity');
      assert.equal(b.page.url(), roomUrl, 'no navigation happened');
      const seenByA = await snapshot(a.page);
      assert.deepEqual(seenByA.peers.map((p) => p.participantId), [bId], 'A still sees the same B');
      assert.equal(seenByA.peers[0].connectionState, 'connected', 'the media connection survived');
      await cdp.detach();

      // The interim without its final settles: no longer interim on screen, no longer aria-busy.
      const settled = await waitFor(b.page, 'the interim whose final B missed to settle', (s) => s.captionsSettled
        .find((e) => e.utteranceId === seen.utteranceId && e.slot === 'original'), { timeoutMs: INTERIM_SETTLE_MS + 15_000 });
      const s = await snapshot(b.page);
      assert.equal(s.captions.filter((c) => c.utteranceId === seen.utteranceId && c.type === 'transcript' && c.final).length, 0,
        'B never received the final (it was sent while B was offline)');
      assert.ok(settled.settledAt - settled.lastEventAt >= INTERIM_SETTLE_MS,
        `settled ${settled.settledAt - settled.lastEventAt} ms after its last interim, not before ${INTERIM_SETTLE_MS} ms`);
      const line = b.page.locator(`#caption-lines .cap[data-utterance="${seen.utteranceId}"]`);
      // Its translation settles on its own clock: its last interim may have come later than the transcript's.
      await b.page.waitForFunction((id) => !document.querySelector(
        `#caption-lines .cap[data-utterance="${id}"] .cap-text.interim`), seen.utteranceId,
      { polling: 50, timeout: INTERIM_SETTLE_MS + 5_000 });
      assert.equal(await line.locator('.cap-text.interim').count(), 0, 'no part of the line is shown as interim');
      assert.equal(await line.getAttribute('aria-busy'), null, 'the line is no longer aria-busy');
      assert.doesNotMatch(await line.locator('.cap-original').textContent(), /\(interim\)/);
      assert.match(await line.locator('.cap-original').getAttribute('class'), /\bsettled\b/);
    });

    await step('B downloads the transcript as JSON, WebVTT and SRT from the room page', async () => {
      const s = await snapshot(b.page);
      const catalan = s.captions.filter((c) => c.type === 'translation' && c.final && c.language === 'ca').at(-1);
      const original = s.captions.filter((c) => c.type === 'transcript' && c.final && c.speaker === aId).at(-1);
      await b.page.click('#btn-settings');
      const files = {};
      for (const format of ['json', 'vtt', 'srt']) {
        const [download] = await Promise.all([
          b.page.waitForEvent('download', { timeout: 15_000 }),
          b.page.click(`[data-transcript="${format}"]`),
        ]);
        assert.match(download.suggestedFilename(), new RegExp(`-ca\\.${format}$`));
        const file = path.join(ARTIFACTS, `transcript.${format}`);
        await download.saveAs(file);
        files[format] = readFileSync(file, 'utf8');
      }
      assert.doesNotThrow(() => JSON.parse(files.json), 'the JSON transcript parses');
      for (const [format, text] of Object.entries(files)) {
        assert.ok(text.includes(catalan.text), `${format} transcript holds the Catalan caption "${catalan.text}"`);
        assert.ok(text.includes('Alice'), `${format} transcript names the speaker`);
      }
      assert.ok(files.json.includes(original.text), `the JSON transcript holds the original "${original.text}"`);
      assert.match(files.vtt, /^WEBVTT/);
      assert.match(files.vtt, /-->/);
      assert.match(files.srt, /^1\r?\n\d\d:\d\d:\d\d,\d{3} --> /);
      await b.page.click('#btn-settings');
    });

    await step('A leaves: B\'s participants list updates', async () => {
      await a.page.click('#btn-leave');
      await a.page.waitForSelector('#view-ended:not([hidden])');
      await waitFor(b.page, 'A gone from B\'s peers', (s) => s.peers.length === 0, { timeoutMs: 15_000 });
      await b.page.click('#btn-people');
      await b.page.waitForSelector('#panel-people:not([hidden])');
      const people = await b.page.locator('#people-list .person').evaluateAll((els) => els.map((e) => e.dataset.participant));
      assert.deepEqual(people, [bId]);
      assert.equal(await b.page.locator('#grid .tile').count(), 1);
      assert.equal(await b.page.locator('#people-count').textContent(), '1');
      await b.page.getByRole('button', { name: 'Participants, 1 in the call', exact: true }).waitFor();
    });

    const problems = participants.flatMap((p) => p.problems.filter((x) => x.startsWith('pageerror')).map((x) => `${p.name} ${x}`));
    assert.deepEqual(problems, [], 'no uncaught errors in the pages');
  } catch (e) {
    run.failed = true;
    throw e;
  } finally {
    if (latencies.length) {
      writeFileSync(path.join(ARTIFACTS, 'latency.json'), JSON.stringify({ at: new Date().toISOString(), latencies }, null, 2));
      console.log('# latency summary (end of speech -> caption on screen):');
      for (const l of latencies) {
        console.log(`#   sentence ${l.sentence} (${l.language}): transcript ${Math.round(l.transcriptMs)} ms, `
          + `translation ${Math.round(l.translationMs)} ms, server ${l.serverMs ?? '?'} ms`);
      }
    }
  }
});

// Runs after the call above, against the same suite: the dashboards and alert rules in deploy/ may only query metrics
// that the running services really emit (the original deployment's alerts queried metrics nothing emitted).
test('every metric a Grafana panel or alert rule uses is emitted by the running services', { timeout: 180_000 }, async () => {
  const { execFileSync } = await import('node:child_process');
  const external = Boolean(process.env.E2E_BASE_URL);
  const ports = {
    'api-service': new URL(suite.baseUrl).port || '80',
    'signaling-service': process.env.E2E_SIGNALING_PORT || (external ? '8081' : '18081'),
    'pipeline-orchestrator': process.env.E2E_ORCHESTRATOR_PORT || (external ? '8082' : '18082'),
  };
  const files = [];
  for (const [service, port] of Object.entries(ports)) {
    const res = await fetch(`http://127.0.0.1:${port}/actuator/prometheus`);
    assert.equal(res.status, 200, `${service} /actuator/prometheus`);
    const file = path.join(ARTIFACTS, `scrape-${service}.txt`);
    writeFileSync(file, await res.text());
    files.push(file);
  }
  const root = path.resolve(HERE, '..', '..');
  const java = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  let output;
  try {
    output = execFileSync(java, ['deploy/tools/MetricNames.java', 'scrape', ...files], { cwd: root, encoding: 'utf8' });
  } catch (e) {
    assert.fail(`metrics used by dashboards/alerts but emitted by no service:\n${e.stdout}${e.stderr}`);
  }
  console.log(`# ${output.trim().split('\n').at(-1)}`);
});
