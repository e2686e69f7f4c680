// The call: video grid, controls, captions, dubbing, chat, participants, and the connections behind them
// (signaling WebSocket, mesh of RTCPeerConnections, microphone uplink to the orchestrator).

import { api, ApiError, roomUrl } from './api.js';
import { $, copyText, el, formatClock, formatTime, hueOf, icon, initials, isTyping, setIcon, toast } from './dom.js';
import { CAPTION_MODES, CaptionBoard } from './captions.js';
import { DubPlayer, joinUrl } from './dubbing.js';
import { fillLanguageSelect, languageName, shortTag } from './languages.js';
import { describeMediaError } from './media.js';
import { PeerMesh } from './mesh.js';
import { savePrefs } from './prefs.js';
import { CLOSE_REPLACED, SignalingClient } from './signaling.js';
import { AudioUplink, resumeWhenAllowed } from './uplink.js';

const SPEAKING_RMS = 0.015;
const SPEAKING_HOLD_MS = 350;
const DUCK_VOLUME = 0.2;
const REJOIN_AFTER_MS = 20_000; // the server's reconnect grace is 15 s; past this, my identity may be gone
const MAX_CHAT = 200;

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
    this.peers = new Map(); // participantId -> Peer
    this.tiles = new Map(); // participantId -> tile
    this.chat = [];
    this.unread = 0;
    this.panel = null;
    this.joinedAt = Date.now();
    this.listeners = [];
    this.connListeners = [];
    this.timers = [];
    this.ended = false;
    this.playCtx = null;
    this.checkingRoom = false;
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

    this.dubbing = new DubPlayer({
      ctx: () => this.playCtx,
      baseUrl: this.session.orchestratorUrl,
      token: () => this.session.token,
      duck: (speaker, on) => this.duck(speaker, on),
    });
    this.dubbing.setLanguage(this.me.captionLanguage);
    this.dubbing.setEnabled(this.me.dubbing);
    this.dubbing.setVolume(this.prefs.dubVolume ?? 1);
    this.on(this.dubbing, 'started', (e) => this.tiles.get(e.detail.speaker)?.root.classList.add('dubbing'));
    this.on(this.dubbing, 'ended', (e) => this.tiles.get(e.detail.speaker)?.root.classList.remove('dubbing'));
    this.on(this.dubbing, 'blocked', () => this.needSoundGesture());

    this.createConnections();
    this.bindControls();
    this.renderSelfTile();
    this.watchSelfLevel();
    this.fillLanguageControls();
    this.renderControls();
    this.renderMyLanguages();
    this.exposeTestHooks();
    api.getRoom(this.roomId).then((r) => {
      if (r?.joinUrl) this.joinUrl = r.joinUrl;
      if (r?.name) { $('room-title').textContent = r.name; document.title = `${r.name} · Babelcall`; }
    }).catch(() => {});

    this.every(1000, () => { $('room-clock').textContent = formatClock(Date.now() - this.joinedAt); });
    this.every(100, () => this.detectSpeaking());
    this.resizeObserver = new ResizeObserver(() => this.layoutGrid());
    this.resizeObserver.observe($('grid'));
    this.signaling.connect();
    if (this.media.micOn) this.startUplink();
    $('btn-mic').focus();
  }

  createConnections() {
    this.signaling = new SignalingClient({ url: this.session.signalingUrl, token: () => this.session.token });
    this.onConn(this.signaling, 'message', (e) => this.onSignal(e.detail));
    this.onConn(this.signaling, 'state', (e) => this.onSignalingState(e.detail));
    this.onConn(this.signaling, 'lost', () => this.showBanner('Connection lost. Reconnecting…'));
    this.onConn(this.signaling, 'retrying', () => this.maybeRejoin());
    this.onConn(this.signaling, 'restored', () => { this.hideBanner(); toast('Reconnected'); });
    this.onConn(this.signaling, 'terminated', (e) => this.onTerminated(e.detail.code));

    this.mesh = new PeerMesh({
      selfId: this.selfId,
      iceServers: this.session.iceServers,
      send: (msg) => this.signaling.send(msg),
      tracks: () => ({ audio: this.media.outgoingAudio, video: this.media.outgoingVideo }),
      refreshIceServers: () => api.iceServers(this.session.token).catch(() => null),
    });
    this.onConn(this.mesh, 'link', (e) => this.attachLink(e.detail));
    this.onConn(this.mesh, 'state', (e) => this.renderTileState(e.detail.peerId));

    this.uplink = new AudioUplink({ audioUrl: this.session.audioUrl, token: () => this.session.token });
    this.onConn(this.uplink, 'server-error', (e) => {
      console.warn('audio ingest refused', e.detail);
      toast(`Captions for your speech paused: ${e.detail.message || e.detail.code}`);
    });
  }

  on(target, type, fn, options) {
    target.addEventListener(type, fn, options);
    this.listeners.push(() => target.removeEventListener(type, fn, options));
  }

  /** A listener on the current connections (replaced when I rejoin as a new participant). */
  onConn(target, type, fn) {
    target.addEventListener(type, fn);
    this.connListeners.push(() => target.removeEventListener(type, fn));
  }

  every(ms, fn) {
    this.timers.push(setInterval(fn, ms));
  }

  // ---- signaling -------------------------------------------------------------------------------------------------

  onSignal(msg) {
    switch (msg.type) {
      case 'welcome': return this.onWelcome(msg);
      case 'peer-joined': return this.upsertPeer(msg.peer, { joined: true });
      case 'peer-updated': return this.upsertPeer(msg.peer, { joined: false });
      case 'peer-left': return this.removePeer(msg.participantId, msg.reason);
      case 'offer':
      case 'answer':
      case 'ice':
        return this.mesh.handle(msg);
      case 'chat': return this.onChat(msg);
      case 'transcript':
      case 'translation':
      case 'caption-status':
        this.captions.onEvent(msg);
        if (msg.type === 'caption-status') this.onCaptionStatus(msg);
        return undefined;
      case 'dub': return this.dubbing.onDub(msg);
      case 'error': return this.onServerError(msg);
      default: return undefined; // pong and future types
    }
  }

  onWelcome({ self, peers }) {
    if (self) {
      // After a reconnect the server's view of my languages wins unless I changed them while away.
      this.me.displayName = self.displayName || this.me.displayName;
      if (self.captionLanguage && self.captionLanguage !== this.me.captionLanguage ||
          self.spokenLanguage && self.spokenLanguage !== this.me.spokenLanguage ||
          typeof self.dubbing === 'boolean' && self.dubbing !== this.me.dubbing) {
        this.sendLanguage();
      }
      if (self.audio !== this.media.micOn || self.video !== !!this.media.outgoingVideo) this.sendMedia();
    } else {
      this.sendMedia();
    }
    const present = new Set();
    for (const peer of peers || []) {
      if (!peer?.participantId || peer.participantId === this.selfId) continue;
      present.add(peer.participantId);
      this.peers.set(peer.participantId, peer);
      this.ensureTile(peer);
      // I learnt of this peer from `welcome`: I offer (see mesh.js). A live connection survives a signaling blip.
      this.mesh.ensure(peer.participantId, { initiator: true });
    }
    for (const id of [...this.peers.keys()]) if (!present.has(id)) this.removePeer(id, 'gone');
    this.renderPeople();
    this.renderGrid();
  }

  upsertPeer(peer, { joined }) {
    if (!peer?.participantId || peer.participantId === this.selfId) {
      if (peer?.participantId === this.selfId) this.renderMyLanguages();
      return;
    }
    const known = this.peers.has(peer.participantId);
    this.peers.set(peer.participantId, peer);
    this.ensureTile(peer);
    this.renderTile(peer.participantId);
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
    this.mesh.remove(id);
    const tile = this.tiles.get(id);
    if (tile) {
      tile.analyser?.source.disconnect();
      tile.video.srcObject = null;
      tile.root.remove();
      this.tiles.delete(id);
    }
    if (peer && reason !== 'gone') toast(`${peer.displayName} left`);
    this.renderPeople();
    this.renderGrid();
  }

  onSignalingState(state) {
    const dot = $('conn-dot');
    dot.dataset.state = state;
    dot.setAttribute('aria-label', state === 'open' ? 'Connected' : state === 'closed' ? 'Disconnected' : 'Reconnecting');
  }

  /**
   * While signaling is down past the server's grace, find out whether I am still in the room: if the room is gone,
   * the call has ended; if I am no longer listed, join again as a new participant (same name and languages).
   */
  async maybeRejoin() {
    const lostAt = this.signaling.lostAt;
    if (!lostAt || Date.now() - lostAt < REJOIN_AFTER_MS || this.checkingRoom || this.ended) return;
    this.checkingRoom = true;
    try {
      const room = await api.getRoom(this.roomId);
      const listed = (room.participants || []).some((p) => p.participantId === this.selfId);
      if (!listed) await this.rejoinAsNew();
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) this.end('gone');
      // otherwise the api is unreachable too: keep retrying
    } finally {
      this.checkingRoom = false;
    }
  }

  /** The server closed my session for good: another tab took it over, or I am no longer in the room. */
  async onTerminated(code) {
    if (this.ended) return;
    if (code === CLOSE_REPLACED) { this.end('replaced'); return; }
    try {
      await api.getRoom(this.roomId);
      await this.rejoinAsNew();
    } catch (e) {
      this.end(e instanceof ApiError && e.status === 404 ? 'gone' : 'removed');
    }
  }

  async rejoinAsNew() {
    this.showBanner('Rejoining the call…');
    const joined = await api.join(this.roomId, {
      displayName: this.me.displayName,
      spokenLanguage: this.me.spokenLanguage,
      captionLanguage: this.me.captionLanguage,
      dubbing: this.me.dubbing,
    });
    this.signaling.stop();
    this.uplink.stop();
    this.mesh.closeAll();
    for (const id of [...this.peers.keys()]) this.removePeer(id, 'gone');
    this.session = { ...this.session, ...joined };
    const selfTile = this.tiles.get(this.selfId);
    this.tiles.delete(this.selfId);
    if (selfTile) {
      selfTile.id = joined.participantId;
      selfTile.root.dataset.participant = joined.participantId;
      this.tiles.set(joined.participantId, selfTile);
    }
    this.selfId = joined.participantId;
    this.me.participantId = joined.participantId;
    this.captions.selfId = this.selfId;
    this.onSession(this.session);
    for (const off of this.connListeners.splice(0)) off();
    this.createConnections();
    const welcomed = (e) => {
      if (e.detail !== 'open') return;
      this.signaling.removeEventListener('state', welcomed);
      this.hideBanner();
      toast('Rejoined the call');
    };
    this.signaling.addEventListener('state', welcomed);
    this.signaling.connect();
    if (this.media.micOn) this.startUplink();
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

  sendMedia() {
    this.signaling.send({ type: 'media', audio: this.media.micOn, video: !!this.media.outgoingVideo });
  }

  sendLanguage() {
    this.signaling.send({
      type: 'language',
      spokenLanguage: this.me.spokenLanguage,
      captionLanguage: this.me.captionLanguage,
      dubbing: this.me.dubbing,
    });
  }

  // ---- media -----------------------------------------------------------------------------------------------------

  canCaptionMe() {
    return !this.languages || this.languages.isRecognised(this.me.spokenLanguage);
  }

  startUplink() {
    if (!this.media.micTrack || !this.canCaptionMe()) return;
    this.uplink.start(this.media.micTrack).catch((e) => {
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
      this.uplink.stop(); // mic off also stops audio to the orchestrator
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
    this.mesh.updateTracks();
    this.sendMedia();
    this.renderSelfTile();
    this.renderControls();
  }

  duck(speaker, on) {
    const tile = this.tiles.get(speaker);
    if (tile) tile.video.volume = on ? DUCK_VOLUME : 1;
  }

  // ---- tiles -----------------------------------------------------------------------------------------------------

  renderSelfTile() {
    let tile = this.tiles.get(this.selfId);
    if (!tile) {
      tile = this.buildTile(this.selfId, true);
      $('grid').prepend(tile.root);
    }
    const video = this.media.outgoingVideo;
    if (tile.video.srcObject !== this.media.previewStream) tile.video.srcObject = this.media.previewStream;
    tile.video.classList.toggle('mirrored', !this.media.sharing);
    tile.root.classList.toggle('video-off', !video);
    tile.root.classList.toggle('mic-off', !this.media.micOn);
    tile.name.textContent = `${this.me.displayName} (you)`;
    tile.avatar.textContent = initials(this.me.displayName);
    tile.langs.textContent = `${shortTag(this.me.spokenLanguage)} → ${shortTag(this.me.captionLanguage)}`;
    tile.langs.title = `Speaks ${languageName(this.me.spokenLanguage)}, reads ${languageName(this.me.captionLanguage)}`;
    tile.root.classList.toggle('sharing', this.media.sharing);
    this.renderGrid();
  }

  buildTile(id, self) {
    const video = el('video', { autoplay: true, playsinline: true, class: 'tile-video' });
    video.muted = self; // never play my own voice back
    const avatar = el('span', { class: 'avatar', 'aria-hidden': 'true' });
    avatar.style.setProperty('--hue', String(hueOf(id)));
    const name = el('span', { class: 'tile-name' });
    const langs = el('span', { class: 'tile-langs' });
    const micOff = el('span', { class: 'tile-mic-off', title: 'Microphone off' }, icon('mic-off'));
    const dub = el('span', { class: 'tile-dub', title: 'Dubbed' }, icon('dub'));
    const status = el('span', { class: 'tile-status', role: 'status' });
    const root = el('figure', { class: `tile${self ? ' self' : ''}`, dataset: { participant: id } },
      video,
      el('div', { class: 'tile-avatar' }, avatar),
      status,
      el('figcaption', { class: 'tile-caption' }, micOff, name, langs, dub));
    const tile = { id, root, video, avatar, name, langs, status, self, analyser: null };
    // A video much narrower or wider than its tile (a phone held upright, a shared screen) is shown whole.
    video.addEventListener('resize', () => this.fitVideo(tile));
    this.tiles.set(id, tile);
    return tile;
  }

  ensureTile(peer) {
    let tile = this.tiles.get(peer.participantId);
    if (!tile) {
      tile = this.buildTile(peer.participantId, false);
      $('grid').append(tile.root);
      const link = this.mesh.get(peer.participantId);
      if (link) this.attachLink(link);
    }
    this.renderTile(peer.participantId);
    return tile;
  }

  attachLink(link) {
    const tile = this.tiles.get(link.peerId);
    if (!tile || tile.link === link) return;
    tile.link = link;
    if (tile.analyser) { tile.analyser.source.disconnect(); tile.analyser = null; }
    tile.video.srcObject = link.stream;
    const play = () => tile.video.play().catch(() => this.needSoundGesture());
    link.addEventListener('track', (e) => {
      play();
      if (e.detail.kind === 'audio') this.watchLevel(tile, link.stream);
    });
    if (link.stream.getAudioTracks().length) this.watchLevel(tile, link.stream);
    play();
    this.renderTileState(link.peerId);
  }

  needSoundGesture() {
    if (this.soundGesturePending) return;
    this.soundGesturePending = true;
    this.showBanner('Click anywhere to turn on the sound');
    const resume = () => {
      this.soundGesturePending = false;
      this.hideBanner();
      this.playCtx.resume().catch(() => {});
      for (const t of this.tiles.values()) if (!t.self) t.video.play().catch(() => {});
    };
    document.addEventListener('pointerdown', resume, { once: true });
    document.addEventListener('keydown', resume, { once: true });
  }

  /** Level meter on my own microphone, for my tile's speaking indicator. */
  watchSelfLevel() {
    const tile = this.tiles.get(this.selfId);
    if (!tile) return;
    const track = this.media.micTrack;
    if (tile.analyser && tile.analyserTrack === track) return;
    if (tile.analyser) { tile.analyser.source.disconnect(); tile.analyser = null; }
    tile.analyserTrack = track;
    if (track) this.watchLevel(tile, new MediaStream([track]));
  }

  /** Level meter on a peer's incoming audio, for the speaking indicator. */
  watchLevel(tile, stream) {
    if (tile.analyser || !stream.getAudioTracks().length) return;
    try {
      const source = this.playCtx.createMediaStreamSource(stream);
      const analyser = this.playCtx.createAnalyser();
      analyser.fftSize = 512;
      source.connect(analyser); // not to the destination: the <video> element plays the sound
      tile.analyser = { source, analyser, data: new Float32Array(analyser.fftSize) };
    } catch (e) {
      console.warn('no level meter for', tile.id, e);
    }
  }

  detectSpeaking() {
    const now = Date.now();
    for (const tile of this.tiles.values()) {
      let rms = 0;
      if (tile.analyser && (!tile.self || this.media.micOn)) {
        tile.analyser.analyser.getFloatTimeDomainData(tile.analyser.data);
        let sum = 0;
        for (const v of tile.analyser.data) sum += v * v;
        rms = Math.sqrt(sum / tile.analyser.data.length);
        const peer = this.peers.get(tile.id);
        if (peer && peer.audio === false) rms = 0;
      }
      if (rms > SPEAKING_RMS) tile.speakingUntil = now + SPEAKING_HOLD_MS;
      const speaking = (tile.speakingUntil || 0) > now;
      if (tile.root.classList.contains('speaking') !== speaking) tile.root.classList.toggle('speaking', speaking);
    }
  }

  renderTile(id) {
    const tile = this.tiles.get(id);
    const peer = this.peers.get(id);
    if (!tile || !peer) return;
    tile.name.textContent = peer.displayName;
    tile.avatar.textContent = initials(peer.displayName);
    tile.langs.textContent = `${shortTag(peer.spokenLanguage)} → ${shortTag(peer.captionLanguage)}`;
    tile.langs.title = `Speaks ${languageName(peer.spokenLanguage)}, reads ${languageName(peer.captionLanguage)}`;
    tile.root.classList.toggle('video-off', peer.video === false);
    tile.root.classList.toggle('mic-off', peer.audio === false);
    tile.root.setAttribute('aria-label', `${peer.displayName}, speaks ${languageName(peer.spokenLanguage)}`
      + `${peer.audio === false ? ', microphone off' : ''}${peer.video === false ? ', camera off' : ''}`);
    this.renderTileState(id);
  }

  renderTileState(id) {
    const tile = this.tiles.get(id);
    if (!tile || tile.self) return;
    const state = this.mesh.get(id)?.connectionState || 'new';
    const text = state === 'connected' ? ''
      : state === 'disconnected' || state === 'failed' ? 'Reconnecting…' : 'Connecting…';
    tile.status.textContent = text;
    tile.root.dataset.connection = state;
  }

  renderGrid() {
    const grid = $('grid');
    grid.dataset.count = String(this.tiles.size);
    $('people-count').textContent = String(this.peers.size + 1);
    this.layoutGrid();
  }

  fitVideo(tile) {
    const { videoWidth: vw, videoHeight: vh } = tile.video;
    const tw = tile.root.clientWidth;
    const th = tile.root.clientHeight;
    if (!vw || !vh || !tw || !th) return;
    tile.root.classList.toggle('contain', Math.abs(Math.log((vw / vh) / (tw / th))) > Math.log(1.9));
  }

  /**
   * Sizes the tiles: tries every column count and the aspect ratios that suit the screen, and keeps the layout
   * with the largest tiles that fit the grid's box (as the well-known call apps do).
   */
  layoutGrid() {
    const grid = $('grid');
    const n = Math.max(1, this.tiles.size);
    const W = grid.clientWidth;
    const H = grid.clientHeight;
    if (!W || !H) return;
    const gap = parseFloat(getComputedStyle(grid).columnGap) || 0;
    const aspects = W < 700 ? [16 / 9, 4 / 3, 1, 3 / 4] : [16 / 9, 4 / 3];
    let best = { area: 0, w: 0, h: 0 };
    for (const aspect of aspects) {
      for (let cols = 1; cols <= n; cols++) {
        const rows = Math.ceil(n / cols);
        const maxW = (W - gap * (cols - 1)) / cols;
        const maxH = (H - gap * (rows - 1)) / rows;
        const w = Math.min(maxW, maxH * aspect);
        const h = w / aspect;
        // Prefer wide tiles: a narrower aspect must win by a clear margin.
        const area = w * h * (aspect >= 16 / 9 ? 1.15 : 1);
        if (area > best.area) best = { area, w, h };
      }
    }
    grid.style.setProperty('--tile-w', `${Math.floor(best.w)}px`);
    grid.style.setProperty('--tile-h', `${Math.floor(best.h)}px`);
    for (const tile of this.tiles.values()) this.fitVideo(tile);
  }

  // ---- chat and people -------------------------------------------------------------------------------------------

  onChat(msg) {
    const mine = msg.from === this.selfId;
    const name = mine ? 'You' : this.peers.get(msg.from)?.displayName || 'Someone';
    this.chat.push({ id: msg.id, from: msg.from, name, text: msg.text, ts: msg.ts, receivedAt: Date.now() });
    if (this.chat.length > MAX_CHAT) this.chat.shift();
    const list = $('chat-list');
    const item = el('li', { class: `chat-msg${mine ? ' mine' : ''}` },
      el('div', { class: 'chat-meta' },
        el('span', { class: 'chat-from', text: name }),
        el('time', { datetime: msg.ts || '', text: formatTime(msg.ts) })),
      el('p', { class: 'chat-text', text: msg.text, dir: 'auto' }));
    item.querySelector('.chat-from').style.setProperty('--hue', String(hueOf(msg.from)));
    list.append(item);
    while (list.childElementCount > MAX_CHAT) list.firstElementChild.remove();
    $('chat-empty').hidden = true;
    list.scrollTop = list.scrollHeight;
    if (this.panel !== 'chat' && !mine) {
      this.unread += 1;
      $('chat-unread').hidden = false;
      $('chat-unread').textContent = String(this.unread);
      toast(`${name}: ${msg.text.slice(0, 80)}`);
    }
  }

  sendChat() {
    const input = $('chat-input');
    const text = input.value.trim();
    if (!text) return;
    if (text.length > 2000) { toast('Messages can be at most 2000 characters.'); return; }
    this.signaling.send({ type: 'chat', text });
    input.value = '';
  }

  renderPeople() {
    const list = $('people-list');
    const rows = [{ ...this.me, audio: this.media.micOn, video: !!this.media.outgoingVideo, self: true },
      ...[...this.peers.values()].sort((a, b) => String(a.displayName).localeCompare(String(b.displayName)))];
    list.replaceChildren(...rows.map((p) => {
      const avatar = el('span', { class: 'avatar avatar-sm', 'aria-hidden': 'true', text: initials(p.displayName) });
      avatar.style.setProperty('--hue', String(hueOf(p.participantId)));
      const state = [p.audio === false ? 'microphone off' : null, p.video === false ? 'camera off' : null]
        .filter(Boolean).join(', ');
      return el('li', { class: 'person', dataset: { participant: p.participantId } },
        avatar,
        el('div', { class: 'person-main' },
          el('span', { class: 'person-name', text: p.self ? `${p.displayName} (you)` : p.displayName }),
          el('span', {
            class: 'person-langs',
            text: `Speaks ${languageName(p.spokenLanguage)} · reads ${languageName(p.captionLanguage)}`
              + `${p.dubbing ? ' · dubbing' : ''}`,
          })),
        el('span', { class: 'person-icons', 'aria-label': state || 'microphone and camera on' },
          p.audio === false ? icon('mic-off') : icon('mic'),
          p.video === false ? icon('cam-off') : icon('cam')));
    }));
    $('people-count').textContent = String(rows.length);
  }

  // ---- controls --------------------------------------------------------------------------------------------------

  bindControls() {
    if (this.controlsBound) return;
    this.controlsBound = true;
    const click = (id, fn) => $(id).addEventListener('click', fn);
    click('btn-mic', () => this.setMic(!this.media.micOn));
    click('btn-cam', () => this.setCam(!this.media.camOn));
    click('btn-screen', () => this.setScreen(!this.media.sharing));
    click('btn-captions', () => this.cycleCaptionMode());
    click('btn-dub', () => this.setDubbing(!this.me.dubbing));
    click('btn-leave', () => this.leave());
    click('btn-invite', () => this.copyInvite());
    click('people-invite', () => this.copyInvite());
    click('btn-chat', () => this.togglePanel('chat'));
    click('btn-people', () => this.togglePanel('people'));
    click('btn-settings', () => this.togglePanel('settings'));
    click('panel-close', () => this.togglePanel(null));
    click('btn-shortcuts', () => $('dlg-shortcuts').showModal());
    $('chat-form').addEventListener('submit', (e) => { e.preventDefault(); this.sendChat(); });
    $('ctl-caption-lang').addEventListener('change', (e) => this.setCaptionLanguage(e.target.value));
    $('s-caption').addEventListener('change', (e) => this.setCaptionLanguage(e.target.value));
    $('s-spoken').addEventListener('change', (e) => this.setSpokenLanguage(e.target.value));
    $('s-caption-mode').addEventListener('change', (e) => this.setCaptionMode(e.target.value));
    $('s-dubbing').addEventListener('change', (e) => this.setDubbing(e.target.checked));
    $('s-dub-volume').addEventListener('input', (e) => {
      const v = Number(e.target.value) / 100;
      this.dubbing.setVolume(v);
      savePrefs({ dubVolume: v });
    });
    for (const b of document.querySelectorAll('[data-transcript]')) {
      b.addEventListener('click', () => this.downloadTranscript(b.dataset.transcript));
    }
    document.addEventListener('keydown', (e) => this.onKey(e));
    document.addEventListener('babelcall:needs-gesture', () => this.needSoundGesture());
    window.addEventListener('beforeunload', () => { if (!this.ended) this.uplink.stop(); });
  }

  onKey(e) {
    if (this.ended) return;
    if (e.key === 'Escape') {
      if (this.panel) { this.togglePanel(null); e.preventDefault(); }
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target) || $('dlg-shortcuts').open) return;
    const actions = {
      m: () => this.setMic(!this.media.micOn),
      v: () => this.setCam(!this.media.camOn),
      s: () => this.setScreen(!this.media.sharing),
      c: () => this.cycleCaptionMode(),
      d: () => this.setDubbing(!this.me.dubbing),
      h: () => this.togglePanel('chat'),
      p: () => this.togglePanel('people'),
      l: () => $('ctl-caption-lang').focus(),
      '?': () => $('dlg-shortcuts').showModal(),
    };
    const action = actions[e.key.toLowerCase()] || actions[e.key];
    if (action) { e.preventDefault(); action(); }
  }

  togglePanel(name) {
    const next = this.panel === name ? null : name;
    this.panel = next;
    const panel = $('panel');
    panel.hidden = !next;
    document.body.classList.toggle('panel-open', !!next);
    const titles = { chat: 'Chat', people: 'People', settings: 'Languages and transcript' };
    $('panel-title').textContent = titles[next] || '';
    $('panel-chat').hidden = next !== 'chat';
    $('panel-people').hidden = next !== 'people';
    $('panel-settings').hidden = next !== 'settings';
    $('btn-chat').setAttribute('aria-pressed', String(next === 'chat'));
    $('btn-people').setAttribute('aria-pressed', String(next === 'people'));
    $('btn-settings').setAttribute('aria-pressed', String(next === 'settings'));
    if (next === 'chat') {
      this.unread = 0;
      $('chat-unread').hidden = true;
      $('chat-input').focus();
    } else if (next === 'people') {
      this.renderPeople();
      $('people-invite').focus();
    } else if (next === 'settings') {
      $('s-caption-mode').focus();
    }
  }

  fillLanguageControls() {
    const L = this.languages;
    const captionCodes = L?.caption?.length ? L.caption : [this.me.captionLanguage];
    const spokenCodes = L?.speakable?.length ? L.speakable : [this.me.spokenLanguage];
    const withMine = (codes, mine) => (codes.includes(mine) ? codes : [mine, ...codes]);
    fillLanguageSelect($('ctl-caption-lang'), withMine(captionCodes, this.me.captionLanguage), this.me.captionLanguage);
    fillLanguageSelect($('s-caption'), withMine(captionCodes, this.me.captionLanguage), this.me.captionLanguage,
      (c) => (L && !L.canDub(c) ? 'no dubbing' : ''));
    fillLanguageSelect($('s-spoken'), withMine(spokenCodes, this.me.spokenLanguage), this.me.spokenLanguage,
      (c) => (L && !L.isRecognised(c) ? 'no captions' : ''));
    // The compact control shows short tags so it fits the control bar.
    for (const o of $('ctl-caption-lang').options) {
      o.textContent = `${shortTag(o.value)} · ${languageName(o.value)}`;
    }
    $('s-caption-mode').value = this.captions.mode;
    $('s-dub-volume').value = String(Math.round((this.dubbing.volume ?? 1) * 100));
  }

  setCaptionLanguage(code) {
    if (!code || code === this.me.captionLanguage) return;
    this.me.captionLanguage = code;
    $('ctl-caption-lang').value = code;
    $('s-caption').value = code;
    this.captions.setCaptionLanguage(code); // at once: translations into the old language are no longer shown
    this.dubbing.setLanguage(code);
    if (this.languages && !this.languages.canDub(code) && this.me.dubbing) {
      this.me.dubbing = false;
      this.dubbing.setEnabled(false);
      toast(`Dubbing is not available in ${languageName(code)}`);
    }
    this.sendLanguage();
    savePrefs({ captionLanguage: code, dubbing: this.me.dubbing });
    this.onSession({ ...this.session, captionLanguage: code, dubbing: this.me.dubbing });
    this.renderControls();
    this.renderMyLanguages();
    this.renderSelfTile();
    this.renderPeople();
    toast(`Captions in ${languageName(code)}`);
  }

  setSpokenLanguage(code) {
    if (!code || code === this.me.spokenLanguage) return;
    this.me.spokenLanguage = code;
    this.sendLanguage();
    savePrefs({ spokenLanguage: code });
    this.onSession({ ...this.session, spokenLanguage: code });
    // The orchestrator reads the spoken language when a stream starts: restart mine.
    this.uplink.stop();
    if (this.media.micOn) this.startUplink();
    this.renderMyLanguages();
    this.renderSelfTile();
    this.renderPeople();
  }

  setDubbing(on) {
    if (on && this.languages && !this.languages.canDub(this.me.captionLanguage)) {
      toast(`Dubbing is not available in ${languageName(this.me.captionLanguage)}`);
      on = false;
    }
    if (on === this.me.dubbing) { this.renderControls(); return; }
    this.me.dubbing = on;
    this.dubbing.setEnabled(on);
    this.sendLanguage();
    savePrefs({ dubbing: on });
    this.onSession({ ...this.session, dubbing: on });
    this.renderControls();
    this.renderPeople();
    toast(on ? `Dubbing on: others in ${languageName(this.me.captionLanguage)}` : 'Dubbing off');
  }

  setCaptionMode(mode) {
    this.captions.setMode(mode);
    savePrefs({ captionMode: this.captions.mode });
    this.renderControls();
  }

  cycleCaptionMode() {
    const i = CAPTION_MODES.indexOf(this.captions.mode);
    this.setCaptionMode(CAPTION_MODES[(i + 1) % CAPTION_MODES.length]);
    toast(`Captions: ${CaptionBoard.describe(this.captions.mode)}`);
  }

  renderControls() {
    const set = (id, pressed, label, iconName) => {
      const b = $(id);
      b.setAttribute('aria-pressed', String(pressed));
      if (label) b.setAttribute('aria-label', label);
      if (iconName) setIcon(b, iconName);
    };
    const mic = this.media.micOn;
    const cam = this.media.camOn;
    set('btn-mic', mic, mic ? 'Microphone on; turn off' : 'Microphone off; turn on', mic ? 'mic' : 'mic-off');
    $('btn-mic').classList.toggle('off', !mic);
    set('btn-cam', cam, cam ? 'Camera on; turn off' : 'Camera off; turn on', cam ? 'cam' : 'cam-off');
    $('btn-cam').classList.toggle('off', !cam);
    set('btn-screen', this.media.sharing, this.media.sharing ? 'Stop sharing your screen' : 'Share your screen');
    $('btn-screen').classList.toggle('active', this.media.sharing);
    if (!navigator.mediaDevices?.getDisplayMedia) $('btn-screen').hidden = true;
    const mode = this.captions.mode;
    $('btn-captions').setAttribute('aria-label', `Captions: ${CaptionBoard.describe(mode)}. Change`);
    $('btn-captions').classList.toggle('off', mode === 'off');
    $('captions-mode-label').textContent = CaptionBoard.label(mode);
    $('s-caption-mode').value = mode;
    set('btn-dub', this.me.dubbing, this.me.dubbing ? 'Dubbing on; turn off' : 'Dubbing off; turn on');
    $('btn-dub').classList.toggle('active', this.me.dubbing);
    $('s-dubbing').checked = this.me.dubbing;
  }

  renderMyLanguages() {
    $('my-langs').textContent = `You speak ${languageName(this.me.spokenLanguage)} · captions in `
      + `${languageName(this.me.captionLanguage)}${this.me.dubbing ? ' · dubbing on' : ''}`;
  }

  async copyInvite() {
    const url = this.joinUrl || roomUrl(this.roomId);
    const ok = await copyText(url);
    toast(ok ? 'Invite link copied' : `Invite link: ${url}`, ok ? 2500 : 10000);
  }

  async downloadTranscript(format) {
    const lang = this.me.captionLanguage;
    const url = new URL(joinUrl(this.session.orchestratorUrl, `/api/v1/rooms/${encodeURIComponent(this.roomId)}/transcript`));
    url.searchParams.set('format', format);
    url.searchParams.set('lang', lang);
    let response;
    try {
      response = await fetch(url, { headers: { Authorization: `Bearer ${this.session.token}` }, credentials: 'omit' });
    } catch {
      // A proxy that drops the Authorization header from CORS preflights: the token also works as a parameter.
      url.searchParams.set('access_token', this.session.token);
      try { response = await fetch(url, { credentials: 'omit' }); } catch { response = null; }
    }
    if (!response || !response.ok) {
      toast(response?.status === 404 ? 'No transcript yet: nobody has been captioned.' : 'The transcript could not be downloaded.');
      return;
    }
    const blob = await response.blob();
    const a = el('a', { href: URL.createObjectURL(blob), download: `babelcall-${this.roomId.slice(0, 8)}-${lang}.${format}` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  }

  showBanner(text) {
    $('banner-text').textContent = text;
    $('banner').hidden = false;
  }

  hideBanner() {
    $('banner').hidden = true;
  }

  // ---- leaving ---------------------------------------------------------------------------------------------------

  async leave() {
    if (this.ended) return;
    const wasOpen = this.signaling.state === 'open';
    this.signaling.leave(); // `leave`: the others see me go at once, no reconnect grace
    if (!wasOpen) api.leave(this.roomId, this.selfId, this.session.token).catch(() => {});
    this.end('left');
  }

  end(reason) {
    if (this.ended) return;
    this.ended = true;
    if (reason !== 'left') this.signaling.stop();
    this.uplink.stop();
    this.dubbing.setEnabled(false);
    this.captions.destroy();
    this.mesh.closeAll();
    this.media.stopAll();
    for (const t of this.timers) clearInterval(t);
    this.resizeObserver?.disconnect();
    for (const off of [...this.listeners.splice(0), ...this.connListeners.splice(0)]) off();
    this.playCtx?.close().catch(() => {});
    this.hideBanner();
    $('grid').replaceChildren();
    $('caption-lines').replaceChildren();
    this.onEnded(reason);
  }

  // ---- test and diagnostics hooks ---------------------------------------------------------------------------------

  /**
   * window.__babelcall.snapshot(): a read-only copy of what the page knows, for the end-to-end test and for
   * debugging from the console. It holds no token or secret.
   */
  exposeTestHooks() {
    const view = this;
    window.__babelcall = Object.freeze({
      view: 'room',
      snapshot() {
        return JSON.parse(JSON.stringify({
          view: view.ended ? 'ended' : 'room',
          roomId: view.roomId,
          selfId: view.selfId,
          me: view.me,
          signaling: view.signaling.state,
          micOn: view.media.micOn,
          camOn: view.media.camOn,
          captionMode: view.captions.mode,
          peers: [...view.peers.values()].map((p) => {
            const tile = view.tiles.get(p.participantId);
            const link = view.mesh.get(p.participantId);
            return {
              ...p,
              connectionState: link?.connectionState || null,
              linkStats: link?.stats || null,
              videoWidth: tile?.video.videoWidth || 0,
              videoPlaying: !!tile && !tile.video.paused && tile.video.readyState >= 2,
              volume: tile?.video.volume ?? null,
            };
          }),
          uplink: view.uplink.stats,
          captions: view.captions.log,
          dub: view.dubbing.stats,
          chat: view.chat,
        }));
      },
    });
  }
}
