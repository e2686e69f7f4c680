// The call view: what the parts of a call share (my participant and languages, the peers, the local media, the
// session) and the flow between them: signaling messages, my microphone/camera/screen, leaving. Each part has
// one concern and lives in js/room/: tiles.js (video tiles and grid layout), chat.js, people.js,
// language-settings.js (languages, captions mode, dubbing), session.js (connections, rejoin), controls.js (control
// bar, side panel, shortcuts), transcript.js, test-hooks.js; captions.js and dubbing.js are the caption board and
// the dub player.

import { api } from './api.js';
import { $, formatClock, hideBanner, showBanner, toast } from './dom.js';
import { CaptionBoard } from './captions.js';
import { DubPlayer } from './dubbing.js';
import { describeMediaError } from './media.js';
import { savePrefs } from './prefs.js';
import { resumeWhenAllowed } from './uplink.js';
import { ChatPanel } from './room/chat.js';
import { ControlBar } from './room/controls.js';
import { LanguageSettings } from './room/language-settings.js';
import { PeoplePanel } from './room/people.js';
import { CallSession } from './room/session.js';
import { exposeTestHooks } from './room/test-hooks.js';
import { TileGrid } from './room/tiles.js';

export class RoomView {
  constructor({ roomId, session, media, languages, prefs, onSession, onEnded }) {
    this.roomId = roomId;
    this.session = session;
    this.media = media;
    this.languages = languages;
    this.prefs = prefs;
    this.onSession = onSession;
    this.onEnded = onEnded;
    this.selfId = session.participantId;
    this.me = {
      participantId: session.participantId,
      displayName: session.displayName,
      spokenLanguage: session.spokenLanguage,
      captionLanguage: session.captionLanguage,
      dubbing: !!session.dubbing,
    };
    this.peers = new Map(); // participantId -> peer, as signaling describes it
    this.joinedAt = Date.now();
    this.listeners = [];
    this.timers = [];
    this.ended = false;
    this.playCtx = null;
    this.mediaMode = null; // 'mesh' | 'sfu', from `welcome`
  }

  // ---- life cycle ------------------------------------------------------------------------------------------------

  async start() {
    document.title = 'Call · Babelcall';
    $('room-title').textContent = 'Call';
    this.playCtx = new AudioContext({ latencyHint: 'interactive' });
    resumeWhenAllowed(this.playCtx);

    this.captions = new CaptionBoard({
      list: $('caption-lines'),
      region: $('captions'),
      live: $('caption-live'),
      nameOf: (id) => this.peers.get(id)?.displayName || 'Someone',
      selfId: this.selfId,
    });
    this.captions.setCaptionLanguage(this.me.captionLanguage);
    this.captions.setMode(this.prefs.captionMode || 'both');

    this.tiles = new TileGrid({
      grid: $('grid'),
      audioContext: () => this.playCtx,
      linkOf: (id) => this.connections.linkOf(id),
      onPlaybackBlocked: () => this.needSoundGesture(),
    });
    this.dubbing = new DubPlayer({
      ctx: () => this.playCtx,
      baseUrl: this.session.orchestratorUrl,
      token: () => this.session.token,
      duck: (speaker, on) => this.tiles.duck(speaker, on),
    });
    this.dubbing.setLanguage(this.me.captionLanguage);
    this.dubbing.setEnabled(this.me.dubbing);
    this.dubbing.setVolume(this.prefs.dubVolume ?? 1);
    this.on(this.dubbing, 'started', (e) => this.tiles.setDubbing(e.detail.speaker, true));
    this.on(this.dubbing, 'ended', (e) => this.tiles.setDubbing(e.detail.speaker, false));
    this.on(this.dubbing, 'blocked', () => this.needSoundGesture());
    this.on(this.media, 'ended', (e) => this.controls.deviceEnded(e.detail.kind));

    this.connections = new CallSession(this);
    this.controls = new ControlBar(this);
    this.settings = new LanguageSettings(this);
    this.people = new PeoplePanel();
    this.chat = new ChatPanel({
      send: (text) => this.connections.signaling.send({ type: 'chat', text }),
      isOpen: () => this.controls.panel === 'chat',
    });

    this.connections.create();
    this.controls.bind();
    this.settings.bind();
    this.renderSelfTile();
    this.watchSelfLevel();
    this.settings.fill();
    this.settings.render();
    this.settings.renderMyLanguages();
    exposeTestHooks(this);
    api
      .getRoom(this.roomId)
      .then((r) => {
        if (r?.joinUrl) this.joinUrl = r.joinUrl;
        if (r?.name) {
          $('room-title').textContent = r.name;
          document.title = `${r.name} · Babelcall`;
        }
      })
      .catch(() => {});

    this.every(1000, () => {
      $('room-clock').textContent = formatClock(Date.now() - this.joinedAt);
    });
    this.every(100, () =>
      this.tiles.detectSpeaking((tile) => (tile.self ? !this.media.micOn : this.peers.get(tile.id)?.audio === false)),
    );
    this.every(1000, () => {
      if (this.mediaMode === 'sfu') this.connections.sfu.setLayers(this.tiles.layers());
    });
    this.connections.signaling.connect(); // `welcome` says how media flows, and starts it
    $('btn-mic').focus();
  }

  on(target, type, fn, options) {
    target.addEventListener(type, fn, options);
    this.listeners.push(() => target.removeEventListener(type, fn, options));
  }

  every(ms, fn) {
    this.timers.push(setInterval(fn, ms));
  }

  // ---- signaling -------------------------------------------------------------------------------------------------

  onSignal(msg) {
    switch (msg.type) {
      case 'welcome':
        return this.onWelcome(msg);
      case 'peer-joined':
        return this.upsertPeer(msg.peer, { joined: true });
      case 'peer-updated':
        return this.upsertPeer(msg.peer, { joined: false });
      case 'peer-left':
        return this.removePeer(msg.participantId, msg.reason);
      case 'offer':
      case 'answer':
      case 'ice':
        return this.connections.mesh.handle(msg);
      case 'media-state':
      case 'publish-answer':
      case 'subscribe-offer':
      case 'talking':
        return this.connections.sfu.handle(msg);
      case 'chat': {
        const mine = msg.from === this.selfId;
        const name = mine ? 'You' : this.peers.get(msg.from)?.displayName || 'Someone';
        return this.chat.receive(msg, { mine, name });
      }
      case 'transcript':
      case 'translation':
      case 'caption-status':
        this.captions.onEvent(msg);
        if (msg.type === 'caption-status') this.onCaptionStatus(msg);
        return undefined;
      case 'dub':
        return this.dubbing.onDub(msg);
      case 'error':
        return this.onServerError(msg);
      default:
        return undefined; // pong and future types
    }
  }

  onWelcome({ self, peers, media }) {
    this.setMediaMode(media === 'sfu' ? 'sfu' : 'mesh');
    if (self) {
      // After a reconnect the server's view of my languages wins unless I changed them while away.
      this.me.displayName = self.displayName || this.me.displayName;
      if (
        (self.captionLanguage && self.captionLanguage !== this.me.captionLanguage) ||
        (self.spokenLanguage && self.spokenLanguage !== this.me.spokenLanguage) ||
        (typeof self.dubbing === 'boolean' && self.dubbing !== this.me.dubbing)
      ) {
        this.connections.sendLanguage();
      }
      if (self.audio !== this.media.micOn || self.video !== !!this.media.outgoingVideo) this.connections.sendMedia();
    } else {
      this.connections.sendMedia();
    }
    const present = new Set();
    for (const peer of peers || []) {
      if (!peer?.participantId || peer.participantId === this.selfId) continue;
      present.add(peer.participantId);
      this.peers.set(peer.participantId, peer);
      this.tiles.ensure(peer);
      // Mesh: I learnt of this peer from `welcome`, so I offer (see mesh.js); a live connection survives a blip.
      if (this.mediaMode === 'mesh') this.connections.mesh.ensure(peer.participantId, { initiator: true });
    }
    for (const id of [...this.peers.keys()]) if (!present.has(id)) this.removePeer(id, 'gone');
    this.renderPeople();
    this.renderGrid();
  }

  upsertPeer(peer, { joined }) {
    if (!peer?.participantId || peer.participantId === this.selfId) {
      if (peer?.participantId === this.selfId) this.settings.renderMyLanguages();
      return;
    }
    const known = this.peers.has(peer.participantId);
    this.peers.set(peer.participantId, peer);
    this.tiles.ensure(peer);
    if (joined && !known) {
      toast(`${peer.displayName} joined`);
      // The newcomer offers; a connection without an offer yet is created when it arrives.
    }
    this.renderPeople();
    this.renderGrid();
  }

  removePeer(id, reason) {
    const peer = this.peers.get(id);
    this.peers.delete(id);
    this.connections.mesh.remove(id);
    this.connections.sfu.remove(id);
    this.tiles.remove(id);
    if (peer && reason !== 'gone') toast(`${peer.displayName} left`);
    this.renderPeople();
    this.renderGrid();
  }

  onServerError(msg) {
    console.warn('signaling error', msg);
    if (msg.code === 'rate_limited' || msg.code === 'rate-limited') toast('Slow down: too many messages.');
    else if (/chat/i.test(msg.code || '') || /chat/i.test(msg.message || '')) toast(msg.message || 'Message not sent');
  }

  onCaptionStatus(msg) {
    if (msg.state === 'untranslated') toast('Translation is unavailable right now; showing the original words.');
    else if (msg.state === 'asr_unavailable') toast('Speech recognition is unavailable right now.');
    else if (msg.state === 'tts_unavailable' && this.me.dubbing) toast('Dubbing is unavailable right now.');
  }

  // ---- my media --------------------------------------------------------------------------------------------------

  canCaptionMe() {
    return !this.languages || this.languages.isRecognised(this.me.spokenLanguage);
  }

  /**
   * Every `welcome`: an SFU room starts its media over (the server joined me to the SFU again), and needs no
   * /ws/audio (the server takes my audio from the SFU); a mesh room sends my microphone to /ws/audio.
   */
  setMediaMode(mode) {
    this.mediaMode = mode;
    this.media.setCameraSize(mode === 'sfu');
    if (mode === 'sfu') {
      this.connections.mesh.closeAll();
      this.connections.uplink.stop();
      this.connections.sfu.reset();
    } else {
      this.connections.sfu.closeAll();
      this.connections.renderMediaState('idle');
      if (this.media.micOn && !this.connections.uplink.running) this.startUplink();
    }
  }

  startUplink() {
    if (this.mediaMode !== 'mesh' || !this.media.micTrack || !this.canCaptionMe()) return;
    this.connections.uplink.start(this.media.micTrack).catch((e) => {
      console.warn('audio uplink failed', e);
      toast('Your speech cannot be captioned: audio processing is unavailable in this browser.');
    });
  }

  async setMic(on) {
    if (on) {
      try {
        await this.media.startMic();
      } catch (e) {
        toast(describeMediaError(e, 'microphone'), 6000);
      }
      this.startUplink();
    } else {
      this.connections.uplink.stop(); // mic off also stops audio to the orchestrator
      this.media.stopMic();
    }
    savePrefs({ micOn: this.media.micOn });
    this.afterMediaChange();
  }

  async setCam(on) {
    if (on) {
      try {
        await this.media.startCam();
      } catch (e) {
        toast(describeMediaError(e, 'camera'), 6000);
      }
    } else {
      this.media.stopCam();
    }
    savePrefs({ camOn: this.media.camOn });
    this.afterMediaChange();
  }

  async setScreen(on) {
    if (on) {
      try {
        await this.media.startScreen();
      } catch (e) {
        if (e?.name !== 'NotAllowedError') toast(describeMediaError(e, 'screen'), 6000);
      }
    } else {
      this.media.stopScreen();
    }
    this.afterMediaChange();
  }

  afterMediaChange() {
    this.watchSelfLevel();
    this.connections.mesh.updateTracks();
    this.connections.sfu.updateTracks();
    // In an SFU room `media` with audio false is also what stops the server's speech tap at once.
    this.connections.sendMedia();
    this.renderSelfTile();
    this.controls.render();
  }

  watchSelfLevel() {
    this.tiles.watchSelfLevel(this.selfId, this.media.micTrack);
  }

  needSoundGesture() {
    if (this.soundGesturePending) return;
    this.soundGesturePending = true;
    showBanner('Click anywhere to turn on the sound');
    const resume = () => {
      this.soundGesturePending = false;
      hideBanner();
      this.playCtx.resume().catch(() => {});
      this.tiles.playAll();
    };
    document.addEventListener('pointerdown', resume, { once: true });
    document.addEventListener('keydown', resume, { once: true });
  }

  // ---- rendering shared by the parts -----------------------------------------------------------------------------

  renderSelfTile() {
    this.tiles.renderSelf(this.selfId, this.me, this.media);
    this.renderGrid();
  }

  renderGrid() {
    this.tiles.refresh();
    this.people.renderCount(this.peers.size + 1);
  }

  renderPeople() {
    this.people.render({ ...this.me, audio: this.media.micOn, video: !!this.media.outgoingVideo }, this.peers.values());
  }

  // ---- leaving ---------------------------------------------------------------------------------------------------

  async leave() {
    if (this.ended) return;
    const signaling = this.connections.signaling;
    const wasOpen = signaling.state === 'open';
    signaling.leave(); // `leave`: the others see me go at once, no reconnect grace
    if (!wasOpen) api.leave(this.roomId, this.selfId, this.session.token).catch(() => {});
    this.end('left');
  }

  end(reason) {
    if (this.ended) return;
    this.ended = true;
    this.connections.close(reason === 'left');
    this.dubbing.setEnabled(false);
    this.captions.destroy();
    this.media.stopAll();
    for (const t of this.timers) clearInterval(t);
    for (const off of this.listeners.splice(0)) off();
    this.connections.removeListeners();
    this.playCtx?.close().catch(() => {});
    hideBanner();
    this.tiles.destroy();
    $('caption-lines').replaceChildren();
    this.onEnded(reason);
  }
}
