// What the browser benchmarks (e2e/bench/) share: process and machine CPU from /proc, the local Janus's pid, and
// filling a call with headless Chromium participants.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { inRoom, joinForm, launchParticipant } from './browser.mjs';

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());

/** CPU seconds (user + system) the process has used. */
export function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // utime, stime (fields 14 and 15)
}

/** Busy and total jiffies of the whole machine. */
export function machineTicks() {
  const [, ...v] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  const idle = v[3] + v[4];
  const total = v.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** The pid of the Janus that run.sh started for the suite in `runDir`. */
export function janusPid(runDir) {
  const out = execFileSync('pgrep', ['-f', `janus -F ${runDir}/janus`]).toString().trim().split('\n');
  return Number(out[0]);
}

/**
 * Adds participants (microphone off, fake camera, `wavPath` as the fake microphone) to one call until there are `n`:
 * the first creates it from the home page, the others join through its link. Returns the call's URL.
 */
export async function fillCall(participants, n, baseUrl, wavPath, roomUrl = null) {
  while (participants.length < n) {
    const p = { name: `P${participants.length + 1}`, ...(await launchParticipant(wavPath)) };
    participants.push(p);
    await p.page.goto(roomUrl || `${baseUrl}/`);
    await joinForm(p.page, { name: p.name, spoken: 'en', caption: 'en', dubbing: false, micOff: true });
    await p.page.click(roomUrl ? '#btn-join' : '#btn-create');
    p.id = (await inRoom(p.page)).selfId;
    roomUrl ||= p.page.url();
  }
  return roomUrl;
}
