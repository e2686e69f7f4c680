// The chat panel: messages to everyone, with names and times, and the unread count on the chat button.

import { $, el, formatTime, hueOf, toast } from '../dom.js';

const MAX_CHAT = 200;
const MAX_CHARS = 2000;

export class ChatPanel {
  /** @param {{send: (text: string) => void, isOpen: () => boolean}} options */
  constructor({ send, isOpen }) {
    this.send = send;
    this.isOpen = isOpen;
    this.messages = [];
    this.unread = 0;
  }

  /** A `chat` message from signaling (mine come back too); `name` is the sender's display name. */
  receive(msg, { mine, name }) {
    this.messages.push({ id: msg.id, from: msg.from, name, text: msg.text, ts: msg.ts, receivedAt: Date.now() });
    if (this.messages.length > MAX_CHAT) this.messages.shift();
    const list = $('chat-list');
    const item = el(
      'li',
      { class: `chat-msg${mine ? ' mine' : ''}` },
      el(
        'div',
        { class: 'chat-meta' },
        el('span', { class: 'chat-from', text: name }),
        el('time', { datetime: msg.ts || '', text: formatTime(msg.ts) }),
      ),
      el('p', { class: 'chat-text', text: msg.text, dir: 'auto' }),
    );
    item.querySelector('.chat-from').style.setProperty('--hue', String(hueOf(msg.from)));
    list.append(item);
    while (list.childElementCount > MAX_CHAT) list.firstElementChild.remove();
    $('chat-empty').hidden = true;
    list.scrollTop = list.scrollHeight;
    if (!this.isOpen() && !mine) {
      this.unread += 1;
      this.renderUnread();
      toast(`${name}: ${msg.text.slice(0, 80)}`);
    }
  }

  /** Sends what the message field holds. */
  submit() {
    const input = $('chat-input');
    const text = input.value.trim();
    if (!text) return;
    if (text.length > MAX_CHARS) {
      toast(`Messages can be at most ${MAX_CHARS} characters.`);
      return;
    }
    this.send(text);
    input.value = '';
  }

  /** The panel was opened: everything is read. */
  markRead() {
    this.unread = 0;
    this.renderUnread();
  }

  /** The badge shows the unread count, the chat button's name says it (the badge itself is hidden from readers). */
  renderUnread() {
    const n = this.unread;
    const badge = $('chat-unread');
    badge.hidden = n === 0;
    badge.textContent = String(n);
    $('btn-chat').setAttribute('aria-label', n ? `Chat, ${n} unread message${n === 1 ? '' : 's'}` : 'Chat');
  }
}
