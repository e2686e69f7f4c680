// One headless Debian Chromium per participant (the fake-microphone file is a per-process flag), driven by
// playwright-core. Never downloads a browser.

import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.E2E_CHROMIUM || '/usr/bin/chromium';
const SETPRIV = '/usr/bin/setpriv';
const launchers = new Map(); // executablePath -> its launcher without CAP_SYS_NICE

/**
 * Run as root, Chromium gives 10 of its threads real-time priority and ~70 nice -8 (audio, compositor, video), so on
 * a small machine it takes the CPU from the suite under test, which a user's browser (on another machine, without
 * that privilege) never does: the first sentence's decoding fell 2-3 s behind and once was dropped
 * (docs/benchmarks/pipeline.md, round 13). So as root the browser is started without CAP_SYS_NICE, at the suite's
 * priority, unless `keepPriority` (the latency benchmark, which gives the browsers a CPU of their own instead: without
 * real-time audio threads two browsers on one core starve the fake microphone) or E2E_BROWSER_PRIVILEGED=1.
 */
function schedulable(executablePath, keepPriority) {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root || keepPriority || process.env.E2E_BROWSER_PRIVILEGED === '1') return executablePath;
  if (!existsSync(SETPRIV)) {
    throw new Error(`${SETPRIV} not found (Debian package util-linux): needed to run Chromium as root without CAP_SYS_NICE`);
  }
  let launcher = launchers.get(executablePath);
  if (!launcher) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'babelcall-chromium-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    launcher = path.join(dir, 'chromium');
    writeFileSync(launcher, `#!/bin/sh\nexec ${SETPRIV} --bounding-set -sys_nice -- ${executablePath} "$@"\n`, { mode: 0o755 });
    launchers.set(executablePath, launcher);
  }
  return launcher;
}

/**
 * `executablePath`: another launcher of the same Chromium (e.g. a benchmark's wrapper); the file is checked, not its
 * target. `keepPriority`: let Chromium raise its threads' priority when run as root (see schedulable()).
 */
export async function launchParticipant(micWav, { executablePath = CHROMIUM, keepPriority = false } = {}) {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: install the Debian package 'chromium' (or set E2E_CHROMIUM)`);
  }
  const browser = await chromium.launch({
    executablePath: schedulable(executablePath, keepPriority),
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
