// Starts the suite exactly as a user does, through ../run.sh, on ports of its own (so it never collides with a
// suite running on the default ports), waits for its "is ready" line, and stops it with SIGTERM (run.sh then
// stops everything it started). E2E_BASE_URL=http://localhost:PORT uses an already running suite instead.

import { spawn } from 'node:child_process';
import { cpSync, createWriteStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** `media`: 'sfu' (through a local Janus, run.sh's default) or 'mesh' (MEDIA=mesh ./run.sh). */
export async function startSuite({ logFile, media = 'sfu', readyTimeoutMs = 15 * 60_000 } = {}) {
  if (process.env.E2E_BASE_URL) {
    return { baseUrl: process.env.E2E_BASE_URL.replace(/\/+$/, ''), external: true, stop: async () => {} };
  }
  const ports = {
    API_PORT: process.env.E2E_API_PORT || '18080',
    SIGNALING_PORT: process.env.E2E_SIGNALING_PORT || '18081',
    ORCHESTRATOR_PORT: process.env.E2E_ORCHESTRATOR_PORT || '18082',
    REDIS_PORT: process.env.E2E_REDIS_PORT || '16390',
    JANUS_PORT: process.env.E2E_JANUS_PORT || '18188',
    JANUS_RTP_PORTS: process.env.E2E_JANUS_RTP_PORTS || '20200-20299',
  };
  const runDir = mkdtempSync(path.join(os.tmpdir(), 'babelcall-e2e-'));
  const log = logFile ? createWriteStream(logFile) : null;
  const env = { ...process.env, ...ports, MEDIA: media, BABELCALL_RUN_DIR: runDir };
  delete env.REDIS_URL; // the suite's own private Redis, as ./run.sh starts it by default
  const child = spawn('bash', [path.join(ROOT, 'run.sh')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail = [];
  let exited = null;
  const exitPromise = new Promise((resolve) => child.on('exit', (code, signal) => {
    exited = { code, signal };
    resolve(exited);
  }));
  const onData = (chunk) => {
    log?.write(chunk);
    for (const line of chunk.toString().split('\n')) {
      if (!line) continue;
      tail.push(line);
      if (tail.length > 60) tail.shift();
      process.stdout.write(`[run.sh] ${line}\n`);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);

  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => {
        if (!exited) {
          process.stdout.write('[run.sh] did not stop within 60 s; killing it\n');
          child.kill('SIGKILL');
        }
      }, 60_000);
      await exitPromise;
      clearTimeout(timer);
    }
    log?.end();
    return runDir;
  };
  const cleanupDir = () => rmSync(runDir, { recursive: true, force: true });

  // Stop the suite if this process is interrupted, so no service outlives the test.
  const onSignal = (sig) => {
    child.kill('SIGTERM');
    exitPromise.then(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const ready = await new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), readyTimeoutMs);
    const check = (chunk) => {
      if (/is ready/.test(chunk.toString())) { clearTimeout(timer); resolve(true); }
    };
    child.stdout.on('data', check);
    exitPromise.then(() => { clearTimeout(timer); resolve(false); });
  });
  if (!ready) {
    await stop();
    throw new Error(`the suite did not become ready${exited ? ` (run.sh exited: ${JSON.stringify(exited)})` : ''}; `
      + `logs in ${runDir}/logs; last output:\n${tail.join('\n')}`);
  }
  return {
    baseUrl: `http://localhost:${ports.API_PORT}`,
    runDir,
    logsDir: path.join(runDir, 'logs'),
    external: false,
    stop,
    cleanupDir,
  };
}

/**
 * A node:test sub-step of `t`: a failing step is reported by node:test and does not throw in the test, so it marks the
 * run failed (`run.failed`, for the logs) and saves a screenshot of every participant's page to `artifacts`.
 */
export function stepper(t, run, artifacts) {
  return (name, fn) => t.test(name, async () => {
    try {
      await fn();
    } catch (e) {
      run.failed = true;
      for (const p of run.participants) {
        await p.page.screenshot({ path: path.join(artifacts, `failure-${p.name.toLowerCase()}.png`) }).catch(() => {});
      }
      throw e;
    }
  });
}

/** Closes the browsers and stops the suite; after a failure prints the pages' problems and keeps the services' logs. */
export async function tearDown(run, suite, artifacts) {
  for (const p of run.participants) {
    if (run.failed) {
      for (const line of p.problems) console.log(`# ${p.name} ${line.replace(/access_token=[^&\s'"]+/g, 'access_token=<redacted>')}`);
    }
    await p.browser.close().catch(() => {});
  }
  if (!suite) return;
  const runDir = await suite.stop();
  if (suite.external) return;
  if (run.failed && existsSync(path.join(runDir, 'logs'))) {
    cpSync(path.join(runDir, 'logs'), path.join(artifacts, 'logs'), { recursive: true });
    console.log(`# service logs copied to ${path.join(artifacts, 'logs')}`);
  }
  suite.cleanupDir();
}
