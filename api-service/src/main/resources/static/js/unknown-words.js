// Words the translator did not know: a translation event's `unknown` spans (UTF-16 offsets into its text), checked
// and shown marked.

import { el } from './dom.js';

/**
 * The words the translator did not know (passed through as they were heard) are shown marked, with a name for
 * assistive technology, never as if they were a translation: a mis-heard word must not pass for a translated one.
 */
export function marked(text, unknown) {
  if (!unknown || unknown.length === 0) return [text];
  const out = [];
  let at = 0;
  for (const { start, end } of unknown) {
    if (start > at) out.push(text.slice(at, start));
    out.push(
      el(
        'mark',
        { class: 'cap-unknown', title: 'not translated' },
        text.slice(start, end),
        el('span', { class: 'sr-only', text: ' (not translated)' }),
      ),
    );
    at = end;
  }
  if (at < text.length) out.push(text.slice(at));
  return out;
}

/** The event's unknown-word spans, if well formed: sorted, not overlapping, inside the text. */
export function unknownSpans(spans, length) {
  if (!Array.isArray(spans)) return null;
  const out = [];
  let at = 0;
  for (const s of spans) {
    if (!s || !Number.isInteger(s.start) || !Number.isInteger(s.end)) return null;
    if (s.start < at || s.end <= s.start || s.end > length) return null;
    out.push({ start: s.start, end: s.end });
    at = s.end;
  }
  return out;
}
