// Home and lobby: name, languages and dubbing (remembered), a camera/microphone preview, then create or join a call.

import { api, ApiError, parseRoomRef, roomUrl } from './api.js';
import { $, initials, setIcon } from './dom.js';
import { fillLanguageSelect, loadLanguages, preferredAmong } from './languages.js';
import { describeMediaError } from './media.js';
import { loadPrefs, savePrefs } from './prefs.js';

// Same rule as the api: 1..64 characters after trimming, no control characters.
// eslint-disable-next-line no-control-regex -- finding control characters is this pattern's purpose
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;

export class HomeView {
  constructor({ roomId, media, onJoin }) {
    this.roomId = roomId;
    this.media = media;
    this.onJoin = onJoin;
    this.languages = null;
    this.busy = false;
    this.meter = null;
    this.listeners = [];
  }

  on(target, type, fn) {
    target.addEventListener(type, fn);
    this.listeners.push(() => target.removeEventListener(type, fn));
  }

  async start() {
    const prefs = loadPrefs();
    window.__babelcall = Object.freeze({ view: 'home', snapshot: () => ({ view: 'home', ready: !!this.languages }) });
    const form = $('join-form');
    $('f-name').value = prefs.displayName || '';
    $('f-dubbing').checked = !!prefs.dubbing;
    $('f-voice-processing').checked = prefs.voiceProcessing !== false;
    this.updateAvatar();

    if (this.roomId) {
      document.title = 'Join a call · Babelcall';
      $('join-title').textContent = 'Ready to join?';
      $('join-sub').textContent = 'Check your camera and microphone, and choose your languages.';
      $('room-chip').hidden = false;
      $('room-code').textContent = this.roomId;
      $('actions-new').hidden = true;
      $('field-call-name').hidden = true;
      $('join-by-code').hidden = true;
      $('actions-join').hidden = false;
      this.describeRoom();
    }

    this.on(form, 'submit', (e) => {
      e.preventDefault();
      this.submit();
    });
    this.on($('btn-join-code'), 'click', () => this.joinByCode());
    this.on($('f-code'), 'keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        this.joinByCode();
      }
    });
    this.on($('f-name'), 'input', () => {
      $('f-name-error').textContent = '';
      this.updateAvatar();
    });
    this.on($('f-caption'), 'change', () => this.updateHints());
    this.on($('f-spoken'), 'change', () => this.updateHints());
    this.on($('f-voice-processing'), 'change', () => {
      this.media.voiceProcessing = $('f-voice-processing').checked;
      savePrefs({ voiceProcessing: this.media.voiceProcessing });
      if (this.media.micOn) {
        this.media.stopMic();
        this.toggleMic(true);
      }
    });
    this.on($('preview-mic'), 'click', () => this.toggleMic(!this.media.micOn));
    this.on($('preview-cam'), 'click', () => this.toggleCam(!this.media.camOn));
    this.on(this.media, 'change', () => this.renderPreview());

    await this.loadLanguageChoices(prefs);
    this.media.voiceProcessing = $('f-voice-processing').checked;
    await Promise.all([
      prefs.camOn ? this.toggleCam(true, { quiet: true }) : null,
      prefs.micOn ? this.toggleMic(true, { quiet: true }) : null,
    ]);
    this.renderPreview();
    if (!$('f-name').value) $('f-name').focus();
  }

  async loadLanguageChoices(prefs) {
    const spoken = $('f-spoken');
    const caption = $('f-caption');
    try {
      this.languages = await loadLanguages();
    } catch (e) {
      $('join-error').textContent = 'The list of languages could not be loaded. Check your connection and reload.';
      spoken.disabled = caption.disabled = true;
      return;
    }
    const L = this.languages;
    const spokenChoices = L.speakable.length ? L.speakable : L.spoken;
    fillLanguageSelect(spoken, spokenChoices, prefs.spokenLanguage || preferredAmong(L.spoken, 'en'), (code) =>
      L.isRecognised(code) ? '' : 'no captions',
    );
    fillLanguageSelect(caption, L.caption, prefs.captionLanguage || preferredAmong(L.caption, 'en'), (code) =>
      L.canDub(code) ? '' : 'no dubbing',
    );
    spoken.disabled = caption.disabled = false;
    this.updateHints();
  }

  updateHints() {
    const L = this.languages;
    if (!L) return;
    const spoken = $('f-spoken').value;
    const caption = $('f-caption').value;
    $('f-spoken-hint').textContent = L.isRecognised(spoken)
      ? 'Your words become captions for the others.'
      : 'Speech in this language cannot be captioned here yet.';
    $('f-caption-hint').textContent = "Others' words, translated for you.";
    const canDub = L.canDub(caption);
    $('f-dubbing').disabled = !canDub;
    if (!canDub) $('f-dubbing').checked = false;
    $('f-dubbing-hint').textContent = canDub
      ? 'Hear the others spoken in your caption language'
      : 'Dubbing is not available in this language';
  }

  async describeRoom() {
    try {
      const room = await api.getRoom(this.roomId);
      // Only those in the call now: someone admitted whose page never opened the call is not "here".
      const connected = new Set(room.connectedParticipantIds || []);
      const people = (room.participants || []).filter((p) => connected.has(p.participantId));
      const names = people.map((p) => p.displayName).filter(Boolean);
      $('room-people').textContent =
        names.length === 0
          ? 'No one else is here yet'
          : names.length <= 2
            ? `${names.join(' and ')} ${names.length === 1 ? 'is' : 'are'} here`
            : `${names.slice(0, 2).join(', ')} and ${names.length - 2} more are here`;
      if (room.name) $('join-title').textContent = `Join “${room.name}”`;
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) {
        $('join-error').textContent = 'This call does not exist or has ended. Start a new one instead.';
        $('btn-join').disabled = true;
      }
    }
  }

  async toggleMic(on, { quiet = false } = {}) {
    if (on) {
      try {
        await this.media.startMic();
        this.startMeter();
      } catch (e) {
        if (!quiet) $('join-error').textContent = describeMediaError(e, 'microphone');
      }
    } else {
      this.stopMeter();
      this.media.stopMic();
    }
    savePrefs({ micOn: this.media.micOn });
    this.renderPreview();
  }

  async toggleCam(on, { quiet = false } = {}) {
    if (on) {
      try {
        await this.media.startCam();
      } catch (e) {
        $('preview-status').textContent = describeMediaError(e, 'camera');
        if (!quiet) $('join-error').textContent = describeMediaError(e, 'camera');
      }
    } else {
      this.media.stopCam();
    }
    savePrefs({ camOn: this.media.camOn });
    this.renderPreview();
  }

  renderPreview() {
    const video = $('preview-video');
    const camOn = this.media.camOn;
    if (camOn && video.srcObject !== this.media.previewStream) video.srcObject = this.media.previewStream;
    video.hidden = !camOn;
    $('preview-placeholder').hidden = camOn;
    if (!camOn && !/blocked|found|use/.test($('preview-status').textContent)) {
      $('preview-status').textContent = 'Camera is off';
    }
    const mic = $('preview-mic');
    const cam = $('preview-cam');
    mic.setAttribute('aria-pressed', String(this.media.micOn));
    mic.setAttribute('aria-label', this.media.micOn ? 'Microphone on; turn off' : 'Microphone off; turn on');
    mic.classList.toggle('off', !this.media.micOn);
    setIcon(mic, this.media.micOn ? 'mic' : 'mic-off');
    cam.setAttribute('aria-pressed', String(camOn));
    cam.setAttribute('aria-label', camOn ? 'Camera on; turn off' : 'Camera off; turn on');
    cam.classList.toggle('off', !camOn);
    setIcon(cam, camOn ? 'cam' : 'cam-off');
  }

  updateAvatar() {
    $('preview-avatar').textContent = initials($('f-name').value || '?');
  }

  startMeter() {
    this.stopMeter();
    const track = this.media.micTrack;
    if (!track) return;
    try {
      const ctx = new AudioContext();
      const analyser = ctx.createAnalyser();
      analyser.fftSize = 512;
      ctx.createMediaStreamSource(new MediaStream([track])).connect(analyser);
      const data = new Float32Array(analyser.fftSize);
      const fill = $('preview-meter');
      const timer = setInterval(() => {
        analyser.getFloatTimeDomainData(data);
        let sum = 0;
        for (const v of data) sum += v * v;
        const rms = Math.sqrt(sum / data.length);
        fill.style.transform = `scaleX(${Math.min(1, rms * 6).toFixed(3)})`;
      }, 80);
      const resume = () => ctx.resume().catch(() => {});
      document.addEventListener('pointerdown', resume, { once: true });
      this.meter = { ctx, timer };
    } catch {
      this.meter = null;
    }
  }

  stopMeter() {
    if (!this.meter) return;
    clearInterval(this.meter.timer);
    this.meter.ctx.close().catch(() => {});
    this.meter = null;
    $('preview-meter').style.transform = 'scaleX(0)';
  }

  readForm() {
    const displayName = $('f-name').value.trim();
    let error = '';
    if (!displayName) error = 'Enter your name.';
    else if (displayName.length > 64) error = 'Use at most 64 characters.';
    else if (CONTROL_CHARS.test(displayName)) error = 'The name contains characters that cannot be shown.';
    $('f-name-error').textContent = error;
    if (error) {
      $('f-name').focus();
      return null;
    }
    return {
      displayName,
      spokenLanguage: $('f-spoken').value,
      captionLanguage: $('f-caption').value,
      dubbing: $('f-dubbing').checked,
    };
  }

  async submit() {
    if (this.busy) return;
    $('join-error').textContent = '';
    const participant = this.readForm();
    if (!participant) return;
    if (!participant.spokenLanguage || !participant.captionLanguage) {
      $('join-error').textContent = 'Choose your languages first.';
      return;
    }
    savePrefs({ ...participant, voiceProcessing: $('f-voice-processing').checked });
    this.setBusy(true);
    try {
      let roomId = this.roomId;
      if (!roomId) {
        // The api's default size suits how its calls carry media (run.sh: 25 on the SFU, 6 in a browser mesh).
        const callName = $('f-call-name').value.trim();
        const room = await api.createRoom(callName ? { name: callName } : {});
        roomId = room.roomId;
      }
      const joined = await api.join(roomId, participant);
      this.stopMeter();
      await this.onJoin({ roomId, session: { ...joined, roomId, ...participant } });
    } catch (e) {
      this.setBusy(false);
      this.showJoinError(e);
    }
  }

  showJoinError(e) {
    if (!(e instanceof ApiError)) {
      $('join-error').textContent = 'The server could not be reached. Check your connection and try again.';
      console.error(e);
      return;
    }
    const fields = e.fieldErrors;
    if (fields.displayName) $('f-name-error').textContent = fields.displayName;
    $('join-error').textContent =
      e.status === 404 ? 'This call does not exist or has ended.' : e.status === 409 ? 'This call is full.' : e.message;
  }

  setBusy(busy) {
    this.busy = busy;
    for (const id of ['btn-create', 'btn-join', 'btn-join-code']) $(id).disabled = busy;
    $('btn-create').textContent = busy ? 'Starting…' : 'New call';
    $('btn-join').textContent = busy ? 'Joining…' : 'Join call';
  }

  joinByCode() {
    const id = parseRoomRef($('f-code').value);
    if (!id) {
      $('join-error').textContent = 'That is not an invite link or call code.';
      $('f-code').focus();
      return;
    }
    const name = $('f-name').value.trim();
    savePrefs({
      ...(name ? { displayName: name } : {}),
      spokenLanguage: $('f-spoken').value || undefined,
      captionLanguage: $('f-caption').value || undefined,
      dubbing: $('f-dubbing').checked,
    });
    window.location.assign(roomUrl(id));
  }

  destroy() {
    this.stopMeter();
    for (const off of this.listeners) off();
    this.listeners = [];
  }
}
