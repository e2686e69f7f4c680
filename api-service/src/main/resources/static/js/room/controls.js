// The control bar (microphone, camera, screen, captions mode, dubbing, leave, invite), the side panel it opens
// (chat, participants, settings) and the single-key shortcuts.

import { roomUrl } from '../api.js';
import { $, copyText, isTyping, setIcon, toast } from '../dom.js';
import { CaptionBoard } from '../captions.js';
import { downloadTranscript } from './transcript.js';

const PANEL_TITLES = { chat: 'Chat', people: 'People', settings: 'Languages and transcript' };

export class ControlBar {
  /** @param {import('../room.js').RoomView} room the call: media, me, captions, settings, chat, connections */
  constructor(room) {
    this.room = room;
    this.panel = null; // the open side panel: 'chat' | 'people' | 'settings' | null
    this.bound = false;
    this.devicesEnded = []; // { kind, at } for each track the browser ended by itself
  }

  /** My microphone or camera stopped without my asking: the others and the server learn it as from the button. */
  deviceEnded(kind) {
    this.devicesEnded.push({ kind, at: Date.now() });
    if (kind === 'audio') this.room.connections.uplink.stop();
    this.room.afterMediaChange();
    const what = kind === 'audio' ? 'microphone' : 'camera';
    console.warn(`the browser ended the ${what} track`);
    toast(`Your ${what} stopped (unplugged, in use elsewhere, or blocked). Turn it on again to go on.`, 8000);
  }

  bind() {
    if (this.bound) return;
    this.bound = true;
    const room = this.room;
    const click = (id, fn) => $(id).addEventListener('click', fn);
    click('btn-mic', () => room.setMic(!room.media.micOn));
    click('btn-cam', () => room.setCam(!room.media.camOn));
    click('btn-screen', () => room.setScreen(!room.media.sharing));
    click('btn-captions', () => room.settings.cycleCaptionMode());
    click('btn-dub', () => room.settings.setDubbing(!room.me.dubbing));
    click('btn-leave', () => room.leave());
    click('btn-invite', () => this.copyInvite());
    click('people-invite', () => this.copyInvite());
    click('btn-chat', () => this.togglePanel('chat'));
    click('btn-people', () => this.togglePanel('people'));
    click('btn-settings', () => this.togglePanel('settings'));
    click('panel-close', () => this.togglePanel(null));
    click('btn-shortcuts', () => $('dlg-shortcuts').showModal());
    $('chat-form').addEventListener('submit', (e) => {
      e.preventDefault();
      room.chat.submit();
    });
    for (const b of document.querySelectorAll('[data-transcript]')) {
      b.addEventListener('click', () =>
        downloadTranscript({
          orchestratorUrl: room.session.orchestratorUrl,
          roomId: room.roomId,
          token: room.session.token,
          lang: room.me.captionLanguage,
          format: b.dataset.transcript,
        }),
      );
    }
    document.addEventListener('keydown', (e) => this.onKey(e));
    document.addEventListener('babelcall:needs-gesture', () => room.needSoundGesture());
    window.addEventListener('beforeunload', () => {
      if (!room.ended) room.connections.uplink.stop();
    });
  }

  onKey(e) {
    const room = this.room;
    if (room.ended) return;
    if (e.key === 'Escape') {
      if (this.panel) {
        this.togglePanel(null);
        e.preventDefault();
      }
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target) || $('dlg-shortcuts').open) return;
    const actions = {
      m: () => room.setMic(!room.media.micOn),
      v: () => room.setCam(!room.media.camOn),
      s: () => room.setScreen(!room.media.sharing),
      c: () => room.settings.cycleCaptionMode(),
      d: () => room.settings.setDubbing(!room.me.dubbing),
      h: () => this.togglePanel('chat'),
      p: () => this.togglePanel('people'),
      l: () => this.focusCaptionLanguage(),
      '?': () => $('dlg-shortcuts').showModal(),
    };
    const action = actions[e.key.toLowerCase()] || actions[e.key];
    if (action) {
      e.preventDefault();
      action();
    }
  }

  /** The control bar's caption language, or the settings panel's where the bar has no room for it (narrow window). */
  focusCaptionLanguage() {
    const compact = $('ctl-caption-lang');
    if (compact.getClientRects().length) {
      compact.focus();
      return;
    } // not display:none
    if (this.panel !== 'settings') this.togglePanel('settings');
    $('s-caption').focus();
  }

  togglePanel(name) {
    const next = this.panel === name ? null : name;
    this.panel = next;
    $('panel').hidden = !next;
    document.body.classList.toggle('panel-open', !!next);
    $('panel-title').textContent = PANEL_TITLES[next] || '';
    $('panel-chat').hidden = next !== 'chat';
    $('panel-people').hidden = next !== 'people';
    $('panel-settings').hidden = next !== 'settings';
    $('btn-chat').setAttribute('aria-pressed', String(next === 'chat'));
    $('btn-people').setAttribute('aria-pressed', String(next === 'people'));
    $('btn-settings').setAttribute('aria-pressed', String(next === 'settings'));
    if (next === 'chat') {
      this.room.chat.markRead();
      $('chat-input').focus();
    } else if (next === 'people') {
      this.room.renderPeople();
      $('people-invite').focus();
    } else if (next === 'settings') {
      $('s-caption-mode').focus();
    }
  }

  /** The buttons show the state of my microphone, camera, screen share, captions mode and dubbing. */
  render() {
    const { media, me, captions } = this.room;
    const set = (id, pressed, label, iconName) => {
      const b = $(id);
      b.setAttribute('aria-pressed', String(pressed));
      if (label) b.setAttribute('aria-label', label);
      if (iconName) setIcon(b, iconName);
    };
    const mic = media.micOn;
    const cam = media.camOn;
    set('btn-mic', mic, mic ? 'Microphone on; turn off' : 'Microphone off; turn on', mic ? 'mic' : 'mic-off');
    $('btn-mic').classList.toggle('off', !mic);
    set('btn-cam', cam, cam ? 'Camera on; turn off' : 'Camera off; turn on', cam ? 'cam' : 'cam-off');
    $('btn-cam').classList.toggle('off', !cam);
    set('btn-screen', media.sharing, media.sharing ? 'Stop sharing your screen' : 'Share your screen');
    $('btn-screen').classList.toggle('active', media.sharing);
    if (!navigator.mediaDevices?.getDisplayMedia) $('btn-screen').hidden = true;
    const mode = captions.mode;
    $('btn-captions').setAttribute('aria-label', `Captions: ${CaptionBoard.describe(mode)}. Change`);
    $('btn-captions').classList.toggle('off', mode === 'off');
    $('captions-mode-label').textContent = CaptionBoard.label(mode);
    set('btn-dub', me.dubbing, me.dubbing ? 'Dubbing on; turn off' : 'Dubbing off; turn on');
    $('btn-dub').classList.toggle('active', me.dubbing);
  }

  async copyInvite() {
    const url = this.room.joinUrl || roomUrl(this.room.roomId);
    const ok = await copyText(url);
    toast(ok ? 'Invite link copied' : `Invite link: ${url}`, ok ? 2500 : 10000);
  }
}
