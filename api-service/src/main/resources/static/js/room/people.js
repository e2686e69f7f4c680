// The participants panel (name, languages, dubbing, microphone and camera of everyone, me first) and the count on
// the participants button.

import { $, el, hueOf, icon, initials } from '../dom.js';
import { languageName } from '../languages.js';

export class PeoplePanel {
  /**
   * @param {object} self my row: participantId, displayName, languages, dubbing, audio, video
   * @param {Iterable<object>} peers the others, as signaling describes them
   */
  render(self, peers) {
    const rows = [
      { ...self, self: true },
      ...[...peers].sort((a, b) => String(a.displayName).localeCompare(String(b.displayName))),
    ];
    $('people-list').replaceChildren(
      ...rows.map((p) => {
        const avatar = el('span', { class: 'avatar avatar-sm', 'aria-hidden': 'true', text: initials(p.displayName) });
        avatar.style.setProperty('--hue', String(hueOf(p.participantId)));
        const state = [p.audio === false ? 'microphone off' : null, p.video === false ? 'camera off' : null]
          .filter(Boolean)
          .join(', ');
        return el(
          'li',
          { class: 'person', dataset: { participant: p.participantId } },
          avatar,
          el(
            'div',
            { class: 'person-main' },
            el('span', { class: 'person-name', text: p.self ? `${p.displayName} (you)` : p.displayName }),
            el('span', {
              class: 'person-langs',
              text:
                `Speaks ${languageName(p.spokenLanguage)} · reads ${languageName(p.captionLanguage)}` +
                `${p.dubbing ? ' · dubbing' : ''}`,
            }),
          ),
          el(
            'span',
            { class: 'person-icons', role: 'img', 'aria-label': state || 'microphone and camera on' },
            p.audio === false ? icon('mic-off') : icon('mic'),
            p.video === false ? icon('cam-off') : icon('cam'),
          ),
        );
      }),
    );
    this.renderCount(rows.length);
  }

  /** How many are in the call, me included: the badge shows it, the button's name says it. */
  renderCount(n) {
    $('people-count').textContent = String(n);
    $('btn-people').setAttribute('aria-label', `Participants, ${n} in the call`);
  }
}
