// Test speech: an English sentence synthesised at test time with flite (voice slt, which pocketsphinx recognises
// well), converted by sox to 16-bit PCM mono WAV with silence around it, and measured: where the speech starts and
// ends in the file, so the test can tell when the sentence ended in the browser's clock.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const VOICE_THRESHOLD = 0.02; // the same threshold the page's audio worklet uses to detect the first voice

function need(binary, pkg) {
  try {
    execFileSync('sh', ['-c', `command -v ${binary}`], { stdio: 'ignore' });
  } catch {
    throw new Error(`${binary} is missing: install the Debian package '${pkg}' (sudo apt-get install -y ${pkg})`);
  }
}

/**
 * Writes `name`.wav in `dir`: `leadS` seconds of silence, the sentence, `trailS` seconds of silence; 48 kHz mono
 * 16-bit PCM (Chromium's fake capture device plays such a file at its own rate). Returns the path and measurements.
 */
export function makeSpeechWav(dir, name, sentence, { leadS = 1.5, trailS = 2.5, rate = 48000 } = {}) {
  need('flite', 'flite');
  need('sox', 'sox');
  const raw = path.join(dir, `${name}-flite.wav`);
  const out = path.join(dir, `${name}.wav`);
  execFileSync('flite', ['-voice', 'slt', '-t', sentence, '-o', raw]);
  execFileSync('sox', [raw, '-r', String(rate), '-b', '16', '-c', '1', '-e', 'signed-integer', out,
    'pad', String(leadS), String(trailS)]);
  return { path: out, ...measureWav(out) };
}

/** A WAV of silence (for a participant whose microphone should hear nothing). */
export function makeSilentWav(dir, name, seconds = 2, rate = 48000) {
  need('sox', 'sox');
  const out = path.join(dir, `${name}.wav`);
  execFileSync('sox', ['-n', '-r', String(rate), '-b', '16', '-c', '1', '-e', 'signed-integer', out,
    'trim', '0', String(seconds)]);
  return { path: out, ...measureWav(out) };
}

/** Parses a PCM16 WAV: duration, peak, and the first/last sample at or above the voice threshold. */
export function measureWav(file) {
  const buf = readFileSync(file);
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error(`${file} is not a WAV file`);
  }
  let offset = 12;
  let fmt = null;
  let data = null;
  while (offset + 8 <= buf.length) {
    const id = buf.toString('ascii', offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      fmt = {
        format: buf.readUInt16LE(body),
        channels: buf.readUInt16LE(body + 2),
        rate: buf.readUInt32LE(body + 4),
        bits: buf.readUInt16LE(body + 14),
      };
    } else if (id === 'data') {
      data = buf.subarray(body, Math.min(buf.length, body + size));
    }
    offset = body + size + (size % 2);
  }
  if (!fmt || !data) throw new Error(`${file}: no fmt or data chunk`);
  if (fmt.format !== 1 || fmt.bits !== 16 || fmt.channels !== 1) {
    // Chromium's fake capture plays other encodings as silence, without any error: refuse them here.
    throw new Error(`${file}: expected 16-bit PCM mono, got format ${fmt.format}, ${fmt.bits} bits, ${fmt.channels} ch`);
  }
  const samples = data.length / 2;
  const threshold = VOICE_THRESHOLD * 32768;
  let peak = 0;
  let first = -1;
  let last = -1;
  for (let i = 0; i < samples; i++) {
    const v = Math.abs(data.readInt16LE(i * 2));
    if (v > peak) peak = v;
    if (v >= threshold) {
      if (first < 0) first = i;
      last = i;
    }
  }
  return {
    rate: fmt.rate,
    durationS: samples / fmt.rate,
    peak: peak / 32768,
    speechStartS: first < 0 ? null : first / fmt.rate,
    speechEndS: last < 0 ? null : (last + 1) / fmt.rate,
  };
}
