// One headless Debian Chromium per participant (the fake-microphone file is a per-process flag), driven by
// playwright-core. Never downloads a browser.

import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.E2E_CHROMIUM || '/usr/bin/chromium';

export async function launchParticipant(micWav) {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: install the Debian package 'chromium' (or set E2E_CHROMIUM)`);
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
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
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  return { browser, context, page, problems };
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
