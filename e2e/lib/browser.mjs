// One headless Debian Chromium per participant (the fake-microphone file is a per-process flag), driven by
// playwright-core. Never downloads a browser.

import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.E2E_CHROMIUM || '/usr/bin/chromium';

/** `executablePath`: another launcher of the same Chromium (e.g. a benchmark's wrapper); the file is checked, not its target. */
export async function launchParticipant(micWav, { executablePath = CHROMIUM } = {}) {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: install the Debian package 'chromium' (or set E2E_CHROMIUM)`);
  }
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      '--autoplay-policy=no-user-gesture-required',
      `--use-file-for-fake-audio-capture=${micWav}%noloop`,
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, permissions: ['camera', 'microphone'] });
  // Every RTCPeerConnection the page makes is counted (window.__pcCount), and every WebSocket it opens is recorded.
  await context.addInitScript(() => {
    const Native = window.RTCPeerConnection;
    let made = 0;
    const connections = [];
    window.RTCPeerConnection = class extends Native {
      constructor(...args) {
        super(...args);
        made += 1;
        connections.push(this);
      }
    };
    window.__pcCount = () => made;
    // Bytes sent and received and video frames decoded over every connection the page made (mesh or SFU alike).
    window.__rtpTotals = async () => {
      const t = { sentBytes: 0, receivedBytes: 0, framesDecoded: 0 };
      for (const pc of connections) {
        if (pc.connectionState === 'closed') continue;
        (await pc.getStats()).forEach((r) => {
          if (r.type === 'outbound-rtp') t.sentBytes += (r.bytesSent || 0) + (r.headerBytesSent || 0);
          if (r.type === 'inbound-rtp') {
            t.receivedBytes += (r.bytesReceived || 0) + (r.headerBytesReceived || 0);
            if (r.kind === 'video') t.framesDecoded += r.framesDecoded || 0;
          }
        });
      }
      return t;
    };
    // What an unplugged device does to its track: it stops and fires `ended` (MediaStreamTrack.stop() alone fires
    // nothing). window.__unplug('audio' | 'video') does that to the newest live captured track of that kind.
    const captured = [];
    const getUserMedia = navigator.mediaDevices?.getUserMedia?.bind(navigator.mediaDevices);
    if (getUserMedia) {
      navigator.mediaDevices.getUserMedia = async (constraints) => {
        const stream = await getUserMedia(constraints);
        captured.push(...stream.getTracks());
        return stream;
      };
    }
    window.__unplug = (kind) => {
      const track = captured.filter((t) => t.kind === kind && t.readyState === 'live').pop();
      if (!track) return false;
      track.stop();
      track.dispatchEvent(new Event('ended'));
      return true;
    };
  });
  const page = await context.newPage();
  const sockets = [];
  page.on('websocket', (ws) => sockets.push(ws.url().replace(/access_token=[^&]+/, 'access_token=<redacted>')));
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  return { browser, context, page, problems, sockets };
}

/** The page's read-only state (window.__babelcall.snapshot()). */
export function snapshot(page) {
  return page.evaluate(() => (window.__babelcall && window.__babelcall.snapshot ? window.__babelcall.snapshot() : null));
}

/** Polls `probe(snapshot)` until it returns a truthy value; fails with `what` and the last snapshot on timeout. */
export async function waitFor(page, what, probe, { timeoutMs = 30_000, intervalMs = 100 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last = null;
  for (;;) {
    last = await snapshot(page);
    const value = last ? probe(last) : null;
    if (value) return value;
    if (Date.now() > deadline) {
      const brief = JSON.stringify(last, (k, v) => (k === 'captions' && Array.isArray(v) ? v.slice(-8) : v));
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last state: ${brief?.slice(0, 3000)}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Fills the home page's join form (the call name only when creating a call). */
export async function joinForm(page, { name, spoken, caption, dubbing, micOff, callName }) {
  await page.waitForFunction(() => document.querySelectorAll('#f-caption option').length > 0, null, { timeout: 30_000 });
  await page.fill('#f-name', name);
  if (callName) await page.fill('#f-call-name', callName);
  await page.selectOption('#f-spoken', spoken);
  await page.selectOption('#f-caption', caption);
  await page.getByRole('switch', { name: 'Dubbing', exact: true }).setChecked(dubbing);
  // Chromium's voice processing alters the signal; the test compares timings against the WAV, so turn it off.
  await page.click('.advanced summary');
  await page.locator('#f-voice-processing').setChecked(false);
  await page.waitForSelector('#preview-mic[aria-pressed="true"]', { timeout: 15_000 });
  if (micOff) {
    await page.click('#preview-mic');
    await page.waitForSelector('#preview-mic[aria-pressed="false"]');
  }
}

/** Waits for the call view with its signaling open; its snapshot. */
export async function inRoom(page) {
  await waitFor(page, 'the call view with signaling open', (s) => s.view === 'room' && s.signaling === 'open');
  return snapshot(page);
}
