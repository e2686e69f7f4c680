// How one part of a caption line (an original or its translation) is rendered: its state's class, and its text with
// what a screen reader needs. An interim transcript that says how much of it is stable shows that prefix as it will
// stay and the tentative rest lighter, so words that may still change do not read as settled.

import { el } from './dom.js';
import { marked } from './unknown-words.js';

const STATE_CLASS = {
  final: 'final',
  settled: 'settled',
  interim: 'interim',
  pending: 'interim',
  unavailable: 'interim',
};

export function stateOf(part) {
  return part.final ? 'final' : part.settled ? 'settled' : 'interim';
}

/** The classes of a part's paragraph. */
export function partClass(part) {
  const tentative = part.state === 'interim' && Number.isInteger(part.stable) ? ' has-stable' : '';
  return `cap-text cap-${part.kind} ${STATE_CLASS[part.state]}${part.pending ? ' pending' : ''}${tentative}`;
}

/** A part's text, with what a screen reader needs to tell interim from final (visually hidden). */
export function spoken(part) {
  if (part.state === 'pending') {
    return [
      el('span', { 'aria-hidden': 'true', text: part.text }),
      el('span', { class: 'sr-only', text: 'translation pending' }),
    ];
  }
  const interim = part.state === 'interim';
  const text =
    interim && Number.isInteger(part.stable)
      ? [
          el('span', { class: 'cap-stable', text: part.text.slice(0, part.stable) }),
          el('span', { class: 'cap-tentative', text: part.text.slice(part.stable) }),
        ]
      : marked(part.text, part.unknown);
  return [...text, interim ? el('span', { class: 'sr-only', text: ' (interim)' }) : null];
}
