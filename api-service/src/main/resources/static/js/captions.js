// Live captions: the original words of whoever speaks and their translation into my caption language.
// Interim hypotheses are shown lighter and replaced in place; a final commits the line. The last few utterances stay
// on screen. Events are ordered per speaker by `seq`; anything older than what a line already shows is dropped.
// An interim that gets nothing newer for INTERIM_SETTLE_MS is settled: its final is not coming (the recogniser gave
// up, the final was empty noise, or it was sent while my connection was down), so it stops looking like text in
// progress and ages out like a finished line; a final that still arrives replaces it. A caption-status `failed` or
// `abandoned` naming the utterance settles it at once: the orchestrator knows no final is coming. (An orchestrator
// killed outright tells nobody: then the timeout is the answer.) Changing my caption language clears the lines in the
// old one and every interim.

import { unknownSpans } from './unknown-words.js';
import { partClass, spoken, stateOf } from './caption-text.js';
import { el, hueOf } from './dom.js';
import { languageName, shortTag } from './languages.js';

export const CAPTION_MODES = ['both', 'original', 'translated', 'off'];
const MODE_LABELS = { both: 'Both', original: 'Original', translated: 'Translated', off: 'Off' };
const MODE_DESCRIPTIONS = {
  both: 'original and translated',
  original: 'original only',
  translated: 'translated only',
  off: 'off',
};
const VISIBLE_LINES = 3;
const LINE_TTL_MS = 30_000; // a finished line disappears after this long without a newer one
// Interims come at most every 300 ms while someone speaks (docs/pipeline.md); 5 s without one means the utterance
// ended without a final reaching me. A final later than that (the recogniser may take up to 8 s) still replaces it.
export const INTERIM_SETTLE_MS = 5_000;
const UTTERANCE_LOST = ['failed', 'abandoned']; // caption-status states: this utterance gets no final
const LOG_LIMIT = 300;

const primary = (code) =>
  String(code || '')
    .split('-')[0]
    .toLowerCase();

export class CaptionBoard {
  /**
   * @param {{list: HTMLElement, region: HTMLElement, live: HTMLElement, nameOf: (id: string) => string,
   *          selfId: string, settleMs?: number}} options  settleMs: INTERIM_SETTLE_MS unless a test shortens it
   */
  constructor({ list, region, live, nameOf, selfId, settleMs = INTERIM_SETTLE_MS }) {
    this.list = list;
    this.region = region;
    this.live = live;
    this.nameOf = nameOf;
    this.selfId = selfId;
    this.mode = 'both';
    this.captionLanguage = 'en';
    this.lines = new Map(); // key -> line
    this.status = new Map(); // speaker -> last caption-status
    this.log = []; // arrival and on-screen times of every caption event (for diagnostics and the e2e test)
    this.settleMs = settleMs;
    this.settledLog = []; // interims settled for want of a final (for diagnostics and the e2e test)
    this.settleTimer = null;
    this.sweepTimer = setInterval(() => this.sweep(), 5000);
  }

  setMode(mode) {
    this.mode = CAPTION_MODES.includes(mode) ? mode : 'both';
    this.region.dataset.mode = this.mode;
    this.region.hidden = this.mode === 'off';
    this.render();
  }

  static label(mode) {
    return MODE_LABELS[mode] || mode;
  }
  static describe(mode) {
    return MODE_DESCRIPTIONS[mode] || mode;
  }

  /**
   * My caption language changed: from now on translations into the old one are not shown, and what is on screen
   * goes, except finished lines whose original is in the new language (the original is then the caption). Interims
   * go too: their next event starts a fresh line in the new language.
   */
  setCaptionLanguage(code) {
    const changed = primary(code) !== primary(this.captionLanguage);
    this.captionLanguage = code;
    if (changed) {
      for (const [key, line] of this.lines) {
        const original = line.original;
        if (original && (original.final || original.settled) && primary(original.language) === primary(code)) {
          line.translation = null;
        } else {
          line.node?.remove();
          this.lines.delete(key);
        }
      }
      this.scheduleSettle();
    }
    this.render();
  }

  /** transcript / translation / caption-status events from signaling. */
  onEvent(msg) {
    const receivedAt = Date.now();
    if (msg.type === 'caption-status') {
      this.record(msg, receivedAt, true);
      if (UTTERANCE_LOST.includes(msg.state)) {
        const line = this.lines.get(`${msg.speaker}\u0000${msg.utteranceId}`);
        if (line && this.settleLine(line, receivedAt, msg.state)) this.render();
        return;
      }
      this.status.set(msg.speaker, msg);
      return;
    }
    if (!msg.speaker || !msg.utteranceId || typeof msg.text !== 'string') return;
    if (msg.type === 'translation' && primary(msg.language) !== primary(this.captionLanguage)) {
      this.record(msg, receivedAt, false); // another language (e.g. just after I changed mine): not shown
      return;
    }
    const key = `${msg.speaker}\u0000${msg.utteranceId}`;
    let line = this.lines.get(key);
    if (!line) {
      line = {
        key,
        speaker: msg.speaker,
        utteranceId: msg.utteranceId,
        original: null,
        translation: null,
        firstAt: receivedAt,
        updatedAt: receivedAt,
        node: null,
      };
      this.lines.set(key, line);
    }
    const slot = msg.type === 'transcript' ? 'original' : 'translation';
    const current = line[slot];
    const isFinal = msg.final === true;
    if (current) {
      if (current.final && !isFinal) {
        this.record(msg, receivedAt, false);
        return;
      } // interim after final
      if (typeof msg.seq === 'number' && typeof current.seq === 'number' && msg.seq < current.seq) {
        this.record(msg, receivedAt, false);
        return;
      }
    }
    line[slot] = {
      text: msg.text,
      unknown: slot === 'translation' ? unknownSpans(msg.unknown, msg.text.length) : null,
      stable: stableLength(msg, isFinal),
      final: isFinal,
      settled: false,
      seq: msg.seq,
      language: msg.language,
      sourceLanguage: msg.sourceLanguage,
      at: receivedAt,
    };
    line.updatedAt = receivedAt;
    const entry = this.record(msg, receivedAt, true);
    this.render();
    if (!isFinal) this.scheduleSettle();
    requestAnimationFrame(() => {
      entry.shownAt = Date.now();
    });
    if (isFinal) this.announce(line, slot);
  }

  record(msg, receivedAt, displayed) {
    const entry = {
      type: msg.type,
      speaker: msg.speaker,
      utteranceId: msg.utteranceId,
      seq: msg.seq,
      language: msg.language,
      sourceLanguage: msg.sourceLanguage,
      text: msg.text,
      final: msg.final === true,
      state: msg.state,
      reason: msg.reason,
      endOfSpeechAt: msg.endOfSpeechAt,
      publishedAt: msg.publishedAt,
      receivedAt,
      shownAt: null,
      displayed,
    };
    this.log.push(entry);
    if (this.log.length > LOG_LIMIT) this.log.splice(0, this.log.length - LOG_LIMIT);
    return entry;
  }

  /**
   * What a line shows in the current mode: [{kind, text, state, language, pending}], state being final, settled,
   * interim, pending (a translation awaited: `…`) or unavailable (the translator failed).
   */
  partsOf(line) {
    const { original } = line;
    const translation =
      line.translation && primary(line.translation.language) === primary(this.captionLanguage)
        ? line.translation
        : null;
    const sameLanguage = original && primary(original.language) === primary(this.captionLanguage);
    const untranslated = this.status.get(line.speaker)?.state === 'untranslated';
    // Translations are made of finals: an original that settled without one will never be translated.
    const noneComing = untranslated || !!original?.settled;
    const parts = [];
    const orig = original && { kind: 'original', ...original, state: stateOf(original) };
    const trans = translation
      ? { kind: 'translation', ...translation, state: stateOf(translation) }
      : original && !sameLanguage
        ? {
            kind: 'translation',
            text: original.text,
            state: stateOf(original),
            language: original.language,
            pending: !noneComing,
          }
        : null;
    switch (this.mode) {
      case 'off':
        break;
      case 'original':
        if (orig) parts.push(orig);
        break;
      case 'translated':
        if (sameLanguage && orig) parts.push({ ...orig, kind: 'translation' });
        else if (trans) parts.push(trans);
        break;
      default: // both
        if (sameLanguage) {
          if (orig) parts.push({ ...orig, kind: 'translation' });
          break;
        }
        if (orig) parts.push(orig);
        if (translation) parts.push(trans);
        else if (orig && untranslated) {
          parts.push({
            kind: 'translation',
            text: '(translation unavailable)',
            state: 'unavailable',
            pending: true,
            language: this.captionLanguage,
          });
        } else if (orig && !noneComing) {
          parts.push({
            kind: 'translation',
            text: '…',
            state: 'pending',
            pending: true,
            language: this.captionLanguage,
          });
        }
    }
    return parts;
  }

  render() {
    const visible = [...this.lines.values()].sort((a, b) => a.firstAt - b.firstAt).slice(-VISIBLE_LINES);
    const keep = new Set(visible.map((l) => l.key));
    for (const line of this.lines.values()) {
      if (!keep.has(line.key) && line.node) {
        line.node.remove();
        line.node = null;
      }
    }
    for (const [key, line] of this.lines) if (!keep.has(key) && isDone(line)) this.lines.delete(key);
    for (const line of visible) {
      if (!line.node) {
        line.node = el('li', { class: 'cap', dataset: { speaker: line.speaker, utterance: line.utteranceId } });
        line.node.style.setProperty('--hue', String(hueOf(line.speaker)));
      }
      const name = line.speaker === this.selfId ? 'You' : this.nameOf(line.speaker);
      const parts = this.partsOf(line);
      line.node.replaceChildren(
        el('span', { class: 'cap-speaker', text: name }),
        ...parts.map((p) =>
          el(
            'p',
            {
              class: partClass(p),
              lang: p.language || undefined,
              title: p.language ? languageName(p.language) : undefined,
            },
            p.language && p.kind === 'original'
              ? el('span', { class: 'cap-lang', 'aria-hidden': 'true', text: shortTag(p.language) })
              : null,
            ...spoken(p),
          ),
        ),
      );
      // Text still changing is marked for assistive technology, not only by its lighter italic look.
      if (parts.some((p) => p.state === 'interim' || p.state === 'pending'))
        line.node.setAttribute('aria-busy', 'true');
      else line.node.removeAttribute('aria-busy');
      line.node.hidden = parts.length === 0;
      this.list.append(line.node); // keeps DOM order = time order
    }
  }

  /** Reads final captions to screen readers: the translation when one is expected, else the original. */
  announce(line, slot) {
    if (this.mode === 'off') return;
    const sameLanguage = primary(line.original?.language) === primary(this.captionLanguage);
    const untranslated = this.status.get(line.speaker)?.state === 'untranslated';
    const wantOriginal = this.mode === 'original' || sameLanguage || untranslated;
    if ((slot === 'original') !== wantOriginal) return;
    const part = line[slot];
    const name = line.speaker === this.selfId ? 'You' : this.nameOf(line.speaker);
    this.live.append(el('p', { text: `${name}: ${part.text}`, lang: part.language || undefined }));
    while (this.live.childElementCount > 10) this.live.firstElementChild.remove();
  }

  /** Settles the interims that got nothing newer for `settleMs`, and plans the next check. */
  scheduleSettle() {
    clearTimeout(this.settleTimer);
    this.settleTimer = null;
    let due = Infinity;
    for (const line of this.lines.values()) {
      for (const part of [line.original, line.translation]) {
        if (part && !part.final && !part.settled) due = Math.min(due, part.at + this.settleMs);
      }
    }
    if (due === Infinity) return;
    this.settleTimer = setTimeout(
      () => {
        const now = Date.now();
        let changed = false;
        for (const line of this.lines.values()) {
          if (this.settleLine(line, now, 'timeout', (part) => now - part.at >= this.settleMs)) changed = true;
        }
        if (changed) this.render();
        this.scheduleSettle();
      },
      Math.max(0, due - Date.now()),
    );
  }

  /** Settles a line's interim parts that `due` accepts; `cause`: timeout, failed or abandoned. True if any changed. */
  settleLine(line, now, cause, due = () => true) {
    let changed = false;
    for (const slot of ['original', 'translation']) {
      const part = line[slot];
      if (!part || part.final || part.settled || !due(part)) continue;
      part.settled = true;
      changed = true;
      this.settledLog.push({
        speaker: line.speaker,
        utteranceId: line.utteranceId,
        slot,
        text: part.text,
        lastEventAt: part.at,
        settledAt: now,
        cause,
      });
      if (this.settledLog.length > 50) this.settledLog.shift();
    }
    return changed;
  }

  sweep() {
    const now = Date.now();
    let changed = false;
    for (const [key, line] of this.lines) {
      if (isDone(line) && now - line.updatedAt > LINE_TTL_MS) {
        line.node?.remove();
        this.lines.delete(key);
        changed = true;
      }
    }
    if (changed) this.render();
  }

  destroy() {
    clearInterval(this.sweepTimer);
    clearTimeout(this.settleTimer);
  }
}

/** How much of an interim transcript's text is stable (later interims keep it), if the event says so. */
function stableLength(msg, isFinal) {
  const n = msg.stable;
  return msg.type === 'transcript' && !isFinal && Number.isInteger(n) && n >= 0 && n <= msg.text.length ? n : null;
}

function isDone(line) {
  const done = (part) => !part || part.final || part.settled;
  return done(line.original) && done(line.translation);
}
