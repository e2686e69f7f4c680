// The video tiles and their grid: one tile per participant (video, avatar, name, language chip, microphone-off and
// dub icons, connection state), the speaking ring (from a level meter on each mesh stream, from the SFU's talking
// events in an SFU room), ducking while a dub plays, the layout that sizes every tile to the largest size that fits,
// and in a large call the stage: the most recent speakers on screen, the rest off it, and the video layer each tile
// needs from the SFU.

import { el, hueOf, icon, initials } from '../dom.js';
import { languageName, shortTag } from '../languages.js';

const SPEAKING_RMS = 0.015;
const SPEAKING_HOLD_MS = 350;
const DUCK_VOLUME = 0.2;
const STAGE_MAX = 16; // tiles on screen (mine included); the others wait off stage, most recent speakers first
const MAX_HIGH_LAYERS = 3; // never decode more high-resolution videos than this
const HIGH_MIN_PX = 480; // tile width in device pixels from which the high layer is worth it
const MEDIUM_MIN_PX = 200;

export class TileGrid {
  /**
   * @param {{grid: HTMLElement, audioContext: () => AudioContext, linkOf: (id: string) => object | undefined,
   *          onPlaybackBlocked: () => void}} options
   *   linkOf: the mesh's connection to a peer (its `stream` and `connectionState`);
   *   onPlaybackBlocked: the browser refused to play a video with sound before a user gesture.
   */
  constructor({ grid, audioContext, linkOf, onPlaybackBlocked }) {
    this.grid = grid;
    this.audioContext = audioContext;
    this.linkOf = linkOf;
    this.onPlaybackBlocked = onPlaybackBlocked;
    this.tiles = new Map(); // participantId -> tile
    // Beyond the stage, the others in pages of STAGE_MAX - 1: page 0 is the most recent speakers.
    this.page = 0;
    this.moreText = el('span', { class: 'grid-more-text' });
    const turn = (by) => () => {
      this.page += by;
      this.refresh();
    };
    this.prevPage = el('button', { type: 'button', class: 'grid-page', onclick: turn(-1) }, 'Previous participants');
    this.nextPage = el('button', { type: 'button', class: 'grid-page', onclick: turn(1) }, 'Next participants');
    this.more = el(
      'nav',
      { class: 'grid-more', 'aria-label': 'More participants', hidden: true },
      this.prevPage,
      this.moreText,
      this.nextPage,
    );
    this.resizeObserver = new ResizeObserver(() => this.layout());
    this.resizeObserver.observe(grid);
  }

  get(id) {
    return this.tiles.get(id);
  }

  /** My own tile: the local preview (mirrored unless I share my screen), never played back. */
  renderSelf(id, me, media) {
    let tile = this.tiles.get(id);
    if (!tile) {
      tile = this.build(id, true);
      this.grid.prepend(tile.root);
    }
    if (tile.video.srcObject !== media.previewStream) tile.video.srcObject = media.previewStream;
    tile.video.classList.toggle('mirrored', !media.sharing);
    tile.root.classList.toggle('video-off', !media.outgoingVideo);
    tile.root.classList.toggle('mic-off', !media.micOn);
    tile.name.textContent = `${me.displayName} (you)`;
    tile.avatar.textContent = initials(me.displayName);
    tile.langs.textContent = `${shortTag(me.spokenLanguage)} → ${shortTag(me.captionLanguage)}`;
    tile.langs.title = `Speaks ${languageName(me.spokenLanguage)}, reads ${languageName(me.captionLanguage)}`;
    tile.root.classList.toggle('sharing', media.sharing);
  }

  build(id, self) {
    const video = el('video', { autoplay: true, playsinline: true, class: 'tile-video' });
    video.muted = self; // never play my own voice back
    const avatar = el('span', { class: 'avatar', 'aria-hidden': 'true' });
    avatar.style.setProperty('--hue', String(hueOf(id)));
    const name = el('span', { class: 'tile-name' });
    const langs = el('span', { class: 'tile-langs' });
    const micOff = el('span', { class: 'tile-mic-off', title: 'Microphone off' }, icon('mic-off'));
    const dub = el('span', { class: 'tile-dub', title: 'Dubbed' }, icon('dub'));
    const status = el('span', { class: 'tile-status', role: 'status' });
    const root = el(
      'figure',
      { class: `tile${self ? ' self' : ''}`, dataset: { participant: id } },
      video,
      el('div', { class: 'tile-avatar' }, avatar),
      status,
      el('figcaption', { class: 'tile-caption' }, micOff, name, langs, dub),
    );
    const tile = { id, root, video, avatar, name, langs, status, self, analyser: null, talkedAt: 0, offstage: false };
    // A video much narrower or wider than its tile (a phone held upright, a shared screen) is shown whole.
    video.addEventListener('resize', () => this.fitVideo(tile));
    this.tiles.set(id, tile);
    return tile;
  }

  /** A peer's tile, made (and connected to the peer's media, if any yet) when missing. */
  ensure(peer) {
    let tile = this.tiles.get(peer.participantId);
    if (!tile) {
      tile = this.build(peer.participantId, false);
      this.grid.append(tile.root);
      const link = this.linkOf(peer.participantId);
      if (link) this.attachLink(link);
    }
    this.renderPeer(peer);
    return tile;
  }

  remove(id) {
    const tile = this.tiles.get(id);
    if (!tile) return;
    tile.analyser?.source.disconnect();
    tile.video.srcObject = null;
    tile.root.remove();
    this.tiles.delete(id);
  }

  /** My tile under my new participant id (I rejoined as a new participant). */
  rekey(oldId, newId) {
    const tile = this.tiles.get(oldId);
    this.tiles.delete(oldId);
    if (!tile) return;
    tile.id = newId;
    tile.root.dataset.participant = newId;
    this.tiles.set(newId, tile);
  }

  attachLink(link) {
    const tile = this.tiles.get(link.peerId);
    if (!tile || tile.link === link) return;
    tile.link = link;
    if (tile.analyser) {
      tile.analyser.source.disconnect();
      tile.analyser = null;
    }
    tile.video.srcObject = link.stream;
    const play = () => tile.video.play().catch(() => this.onPlaybackBlocked());
    link.addEventListener('track', (e) => {
      play();
      if (e.detail.kind === 'audio' && link.levelMeter !== false) this.watchLevel(tile, link.stream);
    });
    if (link.levelMeter !== false && link.stream.getAudioTracks().length) this.watchLevel(tile, link.stream);
    play();
    this.renderState(link.peerId);
  }

  /** After a user gesture: play the videos the browser refused to play. */
  playAll() {
    for (const t of this.tiles.values()) if (!t.self) t.video.play().catch(() => {});
  }

  /** Level meter on my own microphone, for my tile's speaking indicator. */
  watchSelfLevel(id, track) {
    const tile = this.tiles.get(id);
    if (!tile) return;
    if (tile.analyser && tile.analyserTrack === track) return;
    if (tile.analyser) {
      tile.analyser.source.disconnect();
      tile.analyser = null;
    }
    tile.analyserTrack = track;
    if (track) this.watchLevel(tile, new MediaStream([track]));
  }

  /** Level meter on a peer's incoming audio, for the speaking indicator. */
  watchLevel(tile, stream) {
    if (tile.analyser || !stream.getAudioTracks().length) return;
    try {
      const ctx = this.audioContext();
      const source = ctx.createMediaStreamSource(stream);
      const analyser = ctx.createAnalyser();
      analyser.fftSize = 512;
      source.connect(analyser); // not to the destination: the <video> element plays the sound
      tile.analyser = { source, analyser, data: new Float32Array(analyser.fftSize) };
    } catch (e) {
      console.warn('no level meter for', tile.id, e);
    }
  }

  /** Rings the tiles of whoever speaks; `muted(tile)` says whose microphone is off (their level then counts as 0). */
  detectSpeaking(muted) {
    const now = Date.now();
    for (const tile of this.tiles.values()) {
      let rms = 0;
      if (tile.analyser && !muted(tile)) {
        tile.analyser.analyser.getFloatTimeDomainData(tile.analyser.data);
        let sum = 0;
        for (const v of tile.analyser.data) sum += v * v;
        rms = Math.sqrt(sum / tile.analyser.data.length);
      }
      if (rms > SPEAKING_RMS || (tile.talking && !muted(tile))) tile.speakingUntil = now + SPEAKING_HOLD_MS;
      const speaking = (tile.speakingUntil || 0) > now;
      if (tile.root.classList.contains('speaking') !== speaking) tile.root.classList.toggle('speaking', speaking);
    }
  }

  renderPeer(peer) {
    const tile = this.tiles.get(peer.participantId);
    if (!tile) return;
    tile.name.textContent = peer.displayName;
    tile.avatar.textContent = initials(peer.displayName);
    tile.langs.textContent = `${shortTag(peer.spokenLanguage)} → ${shortTag(peer.captionLanguage)}`;
    tile.langs.title = `Speaks ${languageName(peer.spokenLanguage)}, reads ${languageName(peer.captionLanguage)}`;
    tile.root.classList.toggle('video-off', peer.video === false);
    tile.root.classList.toggle('mic-off', peer.audio === false);
    tile.root.setAttribute(
      'aria-label',
      `${peer.displayName}, speaks ${languageName(peer.spokenLanguage)}` +
        `${peer.audio === false ? ', microphone off' : ''}${peer.video === false ? ', camera off' : ''}`,
    );
    this.renderState(peer.participantId);
  }

  /** "Connecting…" / "Reconnecting…" on a peer's tile until its connection is up. */
  renderState(id) {
    const tile = this.tiles.get(id);
    if (!tile || tile.self) return;
    const state = this.linkOf(id)?.connectionState || 'new';
    const text =
      state === 'connected' ? '' : state === 'disconnected' || state === 'failed' ? 'Reconnecting…' : 'Connecting…';
    tile.status.textContent = text;
    tile.root.dataset.connection = state;
  }

  renderAllStates() {
    for (const id of this.tiles.keys()) this.renderState(id);
  }

  /** The SFU's voice activity for a participant (`talking` events): the ring, and a place on the stage. */
  setTalking(id, on) {
    const tile = this.tiles.get(id);
    if (!tile || tile.self) return;
    tile.talking = on;
    if (on) {
      tile.talkedAt = Date.now();
      if (tile.offstage) this.refresh();
    }
  }

  /**
   * The video layer each peer's tile needs from the SFU: by its width on screen, `off` off stage, and at most
   * MAX_HIGH_LAYERS high ones (the largest tiles, recent speakers first). A Map participantId -> h | m | l | off.
   */
  layers() {
    const ratio = window.devicePixelRatio || 1;
    const wanted = [];
    for (const tile of this.tiles.values()) {
      if (tile.self) continue;
      const px = tile.offstage ? 0 : tile.root.clientWidth * ratio;
      wanted.push({ tile, px, layer: px === 0 ? 'off' : px >= HIGH_MIN_PX ? 'h' : px >= MEDIUM_MIN_PX ? 'm' : 'l' });
    }
    wanted.sort((a, b) => b.px - a.px || b.tile.talkedAt - a.tile.talkedAt);
    let high = 0;
    const out = new Map();
    for (const w of wanted) {
      if (w.layer === 'h' && ++high > MAX_HIGH_LAYERS) w.layer = 'm';
      out.set(w.tile.id, w.layer);
    }
    return out;
  }

  /**
   * On stage: mine, then a page of the others - the most recent speakers first, then the earliest to join -,
   * STAGE_MAX tiles at most. Returns how many are on stage.
   */
  stage() {
    const peers = [...this.tiles.values()].filter((t) => !t.self);
    const order = [...peers].sort((a, b) => b.talkedAt - a.talkedAt);
    const size = STAGE_MAX - 1;
    const pages = Math.max(1, Math.ceil(order.length / size));
    this.page = Math.min(Math.max(this.page, 0), pages - 1);
    const on = new Set(order.slice(this.page * size, (this.page + 1) * size));
    let i = 0;
    for (const tile of this.tiles.values()) {
      tile.offstage = !tile.self && !on.has(tile);
      tile.root.hidden = tile.offstage;
      tile.root.style.order = tile.self ? '0' : String(1 + order.indexOf(tile));
      if (!tile.offstage) i += 1;
    }
    this.more.hidden = pages === 1;
    this.prevPage.disabled = this.page === 0;
    this.nextPage.disabled = this.page === pages - 1;
    const from = this.page * size + 1;
    this.moreText.textContent =
      `Showing ${from}-${from + on.size - 1} of ${order.length} others` +
      (this.page === 0 ? ' (the most recent speakers)' : '');
    if (pages > 1 && !this.more.isConnected) this.grid.append(this.more);
    return i;
  }

  /** While a speaker's dub plays, their original voice is turned down and their tile shows the dub icon. */
  duck(id, on) {
    const tile = this.tiles.get(id);
    if (tile) tile.video.volume = on ? DUCK_VOLUME : 1;
  }

  setDubbing(id, on) {
    this.tiles.get(id)?.root.classList.toggle('dubbing', on);
  }

  /** The number of tiles changed: lay them out again. */
  refresh() {
    this.grid.dataset.count = String(this.stage());
    this.layout();
  }

  fitVideo(tile) {
    const { videoWidth: vw, videoHeight: vh } = tile.video;
    const tw = tile.root.clientWidth;
    const th = tile.root.clientHeight;
    if (!vw || !vh || !tw || !th) return;
    tile.root.classList.toggle('contain', Math.abs(Math.log(vw / vh / (tw / th))) > Math.log(1.9));
  }

  /**
   * Sizes the tiles: tries every column count and the aspect ratios that suit the screen, and keeps the layout
   * with the largest tiles that fit the grid's box (as the well-known call apps do).
   */
  layout() {
    const grid = this.grid;
    const n = Math.max(1, Number(this.grid.dataset.count) || this.tiles.size);
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

  destroy() {
    this.resizeObserver.disconnect();
    this.grid.replaceChildren();
  }
}
