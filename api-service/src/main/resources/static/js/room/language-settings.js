// My languages and how I read and hear the others: the caption language (control bar and settings panel), the
// language I speak, the captions mode, dubbing on/off and its volume. A change applies at once, is sent to
// signaling (`language`), is kept in this tab's session and remembered for the next call.

import { $, toast } from '../dom.js';
import { CAPTION_MODES, CaptionBoard } from '../captions.js';
import { fillLanguageSelect, languageName, shortTag } from '../languages.js';
import { savePrefs } from '../prefs.js';

export class LanguageSettings {
  /** @param {import('../room.js').RoomView} room the call: me, languages, captions, dubbing, connections */
  constructor(room) {
    this.room = room;
    this.bound = false;
  }

  bind() {
    if (this.bound) return;
    this.bound = true;
    $('ctl-caption-lang').addEventListener('change', (e) => this.setCaptionLanguage(e.target.value));
    $('s-caption').addEventListener('change', (e) => this.setCaptionLanguage(e.target.value));
    $('s-spoken').addEventListener('change', (e) => this.setSpokenLanguage(e.target.value));
    $('s-caption-mode').addEventListener('change', (e) => this.setCaptionMode(e.target.value));
    $('s-dubbing').addEventListener('change', (e) => this.setDubbing(e.target.checked));
    $('s-dub-volume').addEventListener('input', (e) => {
      const v = Number(e.target.value) / 100;
      this.room.dubbing.setVolume(v);
      savePrefs({ dubVolume: v });
    });
  }

  /** The language choices the engines offer (mine always among them). */
  fill() {
    const { languages: L, me } = this.room;
    const captionCodes = L?.caption?.length ? L.caption : [me.captionLanguage];
    const spokenCodes = L?.speakable?.length ? L.speakable : [me.spokenLanguage];
    const withMine = (codes, mine) => (codes.includes(mine) ? codes : [mine, ...codes]);
    fillLanguageSelect($('ctl-caption-lang'), withMine(captionCodes, me.captionLanguage), me.captionLanguage);
    fillLanguageSelect($('s-caption'), withMine(captionCodes, me.captionLanguage), me.captionLanguage, (c) =>
      L && !L.canDub(c) ? 'no dubbing' : '',
    );
    fillLanguageSelect($('s-spoken'), withMine(spokenCodes, me.spokenLanguage), me.spokenLanguage, (c) =>
      L && !L.isRecognised(c) ? 'no captions' : '',
    );
    // The compact control shows short tags so it fits the control bar.
    for (const o of $('ctl-caption-lang').options) {
      o.textContent = `${shortTag(o.value)} · ${languageName(o.value)}`;
    }
    $('s-caption-mode').value = this.room.captions.mode;
    $('s-dub-volume').value = String(Math.round((this.room.dubbing.volume ?? 1) * 100));
  }

  setCaptionLanguage(code) {
    const room = this.room;
    const me = room.me;
    if (!code || code === me.captionLanguage) return;
    me.captionLanguage = code;
    $('ctl-caption-lang').value = code;
    $('s-caption').value = code;
    room.captions.setCaptionLanguage(code); // at once: translations into the old language are no longer shown
    room.dubbing.setLanguage(code);
    if (room.languages && !room.languages.canDub(code) && me.dubbing) {
      me.dubbing = false;
      room.dubbing.setEnabled(false);
      toast(`Dubbing is not available in ${languageName(code)}`);
    }
    room.connections.sendLanguage();
    savePrefs({ captionLanguage: code, dubbing: me.dubbing });
    room.onSession({ ...room.session, captionLanguage: code, dubbing: me.dubbing });
    this.render();
    this.renderMyLanguages();
    room.renderSelfTile();
    room.renderPeople();
    toast(`Captions in ${languageName(code)}`);
  }

  setSpokenLanguage(code) {
    const room = this.room;
    if (!code || code === room.me.spokenLanguage) return;
    room.me.spokenLanguage = code;
    room.connections.sendLanguage();
    savePrefs({ spokenLanguage: code });
    room.onSession({ ...room.session, spokenLanguage: code });
    // The orchestrator reads the spoken language when a stream starts: restart mine.
    room.connections.uplink.stop();
    if (room.media.micOn) room.startUplink();
    this.renderMyLanguages();
    room.renderSelfTile();
    room.renderPeople();
  }

  setDubbing(on) {
    const room = this.room;
    const me = room.me;
    if (on && room.languages && !room.languages.canDub(me.captionLanguage)) {
      toast(`Dubbing is not available in ${languageName(me.captionLanguage)}`);
      on = false;
    }
    if (on === me.dubbing) {
      this.render();
      return;
    }
    me.dubbing = on;
    room.dubbing.setEnabled(on);
    room.connections.sendLanguage();
    savePrefs({ dubbing: on });
    room.onSession({ ...room.session, dubbing: on });
    this.render();
    room.renderPeople();
    toast(on ? `Dubbing on: others in ${languageName(me.captionLanguage)}` : 'Dubbing off');
  }

  setCaptionMode(mode) {
    this.room.captions.setMode(mode);
    savePrefs({ captionMode: this.room.captions.mode });
    this.render();
  }

  cycleCaptionMode() {
    const mode = this.room.captions.mode;
    this.setCaptionMode(CAPTION_MODES[(CAPTION_MODES.indexOf(mode) + 1) % CAPTION_MODES.length]);
    toast(`Captions: ${CaptionBoard.describe(this.room.captions.mode)}`);
  }

  /** The control bar and the settings panel show the current captions mode and dubbing. */
  render() {
    this.room.controls.render();
    $('s-caption-mode').value = this.room.captions.mode;
    $('s-dubbing').checked = this.room.me.dubbing;
  }

  renderMyLanguages() {
    const me = this.room.me;
    $('my-langs').textContent =
      `You speak ${languageName(me.spokenLanguage)} · captions in ` +
      `${languageName(me.captionLanguage)}${me.dubbing ? ' · dubbing on' : ''}`;
  }
}
