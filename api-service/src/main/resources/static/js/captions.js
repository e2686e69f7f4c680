// Live captions: the original words of whoever speaks and their translation into my caption language.
// Interim hypotheses are shown lighter and replaced in place; a final commits the line. The last few utterances stay
// on screen. Events are ordered per speaker by `seq`; anything older than what a line already shows is dropped.

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
const LOG_LIMIT = 300;

const primary = (code) => String(code || '').split('-')[0].toLowerCase();

export class CaptionBoard {
  /**
   * @param {{list: HTMLElement, region: HTMLElement, live: HTMLElement, nameOf: (id: string) => string,
   *          selfId: string}} options
   */
  constructor({ list, region, live, nameOf, selfId }) {
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
    this.sweepTimer = setInterval(() => this.sweep(), 5000);
  }

  setMode(mode) {
    this.mode = CAPTION_MODES.includes(mode) ? mode : 'both';
    this.region.dataset.mode = this.mode;
    this.region.hidden = this.mode === 'off';
    this.render();
  }

  static label(mode) { return MODE_LABELS[mode] || mode; }
  static describe(mode) { return MODE_DESCRIPTIONS[mode] || mode; }

  /** My caption language changed: translations into the old one are no longer shown, from now on. */
  setCaptionLanguage(code) {
    this.captionLanguage = code;
    this.render();
  }

  /** transcript / translation / caption-status events from signaling. */
  onEvent(msg) {
    const receivedAt = Date.now();
    if (msg.type === 'caption-status') {
      this.status.set(msg.speaker, msg);
      this.record(msg, receivedAt, true);
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
      line = { key, speaker: msg.speaker, utteranceId: msg.utteranceId, original: null, translation: null,
        firstAt: receivedAt, updatedAt: receivedAt, node: null };
      this.lines.set(key, line);
    }
    const slot = msg.type === 'transcript' ? 'original' : 'translation';
    const current = line[slot];
    const isFinal = msg.final === true;
    if (current) {
      if (current.final && !isFinal) { this.record(msg, receivedAt, false); return; } // interim after final
      if (typeof msg.seq === 'number' && typeof current.seq === 'number' && msg.seq < current.seq) {
        this.record(msg, receivedAt, false);
        return;
      }
    }
    line[slot] = {
      text: msg.text,
      final: isFinal,
      seq: msg.seq,
      language: msg.language,
      sourceLanguage: msg.sourceLanguage,
    };
    line.updatedAt = receivedAt;
    const entry = this.record(msg, receivedAt, true);
    this.render();
    requestAnimationFrame(() => { entry.shownAt = Date.now(); });
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

  /** What a line shows in the current mode: [{kind, text, final, language, pending}] */
  partsOf(line) {
    const { original, translation } = line;
    const sameLanguage = original && primary(original.language) === primary(this.captionLanguage);
    const untranslated = this.status.get(line.speaker)?.state === 'untranslated';
    const parts = [];
    const orig = original && { kind: 'original', ...original };
    const trans = translation
      ? { kind: 'translation', ...translation }
      : original && !sameLanguage
        ? { kind: 'translation', text: original.text, final: original.final, language: original.language,
          pending: !untranslated, untranslated }
        : null;
    switch (this.mode) {
      case 'off': break;
      case 'original': if (orig) parts.push(orig); break;
      case 'translated':
        if (sameLanguage && orig) parts.push({ ...orig, kind: 'translation' });
        else if (trans) parts.push(trans);
        break;
      default: // both
        if (sameLanguage) { if (orig) parts.push({ ...orig, kind: 'translation' }); break; }
        if (orig) parts.push(orig);
        if (translation) parts.push(trans);
        else if (orig) parts.push({ kind: 'translation', text: untranslated ? '(translation unavailable)' : '…',
          final: false, pending: true, language: this.captionLanguage });
    }
    return parts;
  }

  render() {
    const visible = [...this.lines.values()]
      .sort((a, b) => a.firstAt - b.firstAt)
      .slice(-VISIBLE_LINES);
    const keep = new Set(visible.map((l) => l.key));
    for (const line of this.lines.values()) {
      if (!keep.has(line.key) && line.node) { line.node.remove(); line.node = null; }
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
        ...parts.map((p) => el('p', {
          class: `cap-text cap-${p.kind}${p.final ? ' final' : ' interim'}${p.pending ? ' pending' : ''}`,
          lang: p.language || undefined,
          title: p.language ? languageName(p.language) : undefined,
        }, p.language && p.kind === 'original' ? el('span', { class: 'cap-lang', 'aria-hidden': 'true', text: shortTag(p.language) }) : null,
        p.text)),
      );
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
  }
}

function isDone(line) {
  return (!line.original || line.original.final) && (!line.translation || line.translation.final);
}
