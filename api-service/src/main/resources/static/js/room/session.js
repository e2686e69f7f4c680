// The call's connections and keeping my place in the call: the signaling socket, the media (the mesh of peer
// connections and the audio uplink, or the SFU's two connections; `welcome` says which), all made again when I rejoin
// as a new participant, the connection indicator and banner, and the rejoin when the server no longer knows me (an
// outage past its reconnect grace, close 4003) or the room is gone.

import { api, ApiError } from '../api.js';
import { $, hideBanner, showBanner, toast } from '../dom.js';
import { PeerMesh } from '../mesh.js';
import { SfuMedia } from '../sfu.js';
import { CLOSE_REPLACED, SignalingClient } from '../signaling.js';
import { renderMediaStatus } from './media-status.js';
import { AudioUplink } from '../uplink.js';

const REJOIN_AFTER_MS = 20_000; // the server's reconnect grace is 15 s; past this, my identity may be gone

export class CallSession {
  /** @param {import('../room.js').RoomView} room the call: its session, me, peers, media, tiles */
  constructor(room) {
    this.room = room;
    this.listeners = [];
    this.checkingRoom = false;
    this.signaling = null;
    this.mesh = null;
    this.sfu = null;
    this.uplink = null;
  }

  /** What a peer's tile shows: its mesh connection, or its streams from the SFU. */
  linkOf(peerId) {
    return this.room.mediaMode === 'sfu' ? this.sfu?.get(peerId) : this.mesh?.get(peerId);
  }

  /** A listener on the current connections (removed when I rejoin as a new participant). */
  on(target, type, fn) {
    target.addEventListener(type, fn);
    this.listeners.push(() => target.removeEventListener(type, fn));
  }

  create() {
    const room = this.room;
    this.signaling = new SignalingClient({ url: room.session.signalingUrl, token: () => room.session.token });
    this.on(this.signaling, 'message', (e) => room.onSignal(e.detail));
    this.on(this.signaling, 'state', (e) => this.renderState(e.detail));
    this.on(this.signaling, 'lost', () => showBanner('Connection lost. Reconnecting…'));
    this.on(this.signaling, 'retrying', () => this.maybeRejoin());
    this.on(this.signaling, 'restored', () => {
      hideBanner();
      toast('Reconnected');
    });
    this.on(this.signaling, 'terminated', (e) => this.onTerminated(e.detail.code));

    this.mesh = new PeerMesh({
      selfId: room.selfId,
      iceServers: room.session.iceServers,
      send: (msg) => this.signaling.send(msg),
      tracks: () => ({ audio: room.media.outgoingAudio, video: room.media.outgoingVideo }),
      refreshIceServers: () => api.iceServers(room.session.token).catch(() => null),
    });
    this.on(this.mesh, 'link', (e) => room.tiles.attachLink(e.detail));
    this.on(this.mesh, 'state', (e) => room.tiles.renderState(e.detail.peerId));

    this.sfu = new SfuMedia({
      send: (msg) => this.signaling.send(msg),
      iceServers: room.session.iceServers,
      tracks: () => ({ audio: room.media.outgoingAudio, video: room.media.outgoingVideo }),
      refreshIceServers: () => api.iceServers(room.session.token).catch(() => null),
    });
    this.on(this.sfu, 'link', (e) => room.tiles.attachLink(e.detail));
    this.on(this.sfu, 'state', () => room.tiles.renderAllStates());
    this.on(this.sfu, 'talking', (e) => room.tiles.setTalking(e.detail.participantId, e.detail.talking));
    this.on(this.sfu, 'media-state', (e) => this.renderMediaState(e.detail));

    this.uplink = new AudioUplink({ audioUrl: room.session.audioUrl, token: () => room.session.token });
    this.on(this.uplink, 'server-error', (e) => {
      console.warn('audio ingest refused', e.detail);
      toast(`Captions for your speech paused: ${e.detail.message || e.detail.code}`);
    });
  }

  renderState(state) {
    const dot = $('conn-dot');
    dot.dataset.state = state;
    dot.setAttribute(
      'aria-label',
      state === 'open' ? 'Connected' : state === 'closed' ? 'Disconnected' : 'Reconnecting',
    );
  }

  /** The SFU media's state, in the top bar: says when audio and video cannot flow (chat and captions go on). */
  renderMediaState(state) {
    renderMediaStatus($('media-status'), state);
    this.room.tiles.renderAllStates();
  }

  sendMedia() {
    const media = this.room.media;
    this.signaling.send({ type: 'media', audio: media.micOn, video: !!media.outgoingVideo });
  }

  sendLanguage() {
    const me = this.room.me;
    this.signaling.send({
      type: 'language',
      spokenLanguage: me.spokenLanguage,
      captionLanguage: me.captionLanguage,
      dubbing: me.dubbing,
    });
  }

  /**
   * While signaling is down past the server's grace, find out whether I am still in the room: if the room is gone,
   * the call has ended; if I am no longer listed, join again as a new participant (same name and languages).
   */
  async maybeRejoin() {
    const room = this.room;
    const lostAt = this.signaling.lostAt;
    if (!lostAt || Date.now() - lostAt < REJOIN_AFTER_MS || this.checkingRoom || room.ended) return;
    this.checkingRoom = true;
    try {
      const listing = await api.getRoom(room.roomId);
      const listed = (listing.participants || []).some((p) => p.participantId === room.selfId);
      if (!listed) await this.rejoinAsNew();
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) room.end('gone');
      // otherwise the api is unreachable too: keep retrying
    } finally {
      this.checkingRoom = false;
    }
  }

  /** The server closed my session for good: another tab took it over, or I am no longer in the room. */
  async onTerminated(code) {
    const room = this.room;
    if (room.ended) return;
    if (code === CLOSE_REPLACED) {
      room.end('replaced');
      return;
    }
    try {
      await api.getRoom(room.roomId);
      await this.rejoinAsNew();
    } catch (e) {
      room.end(e instanceof ApiError && e.status === 404 ? 'gone' : 'removed');
    }
  }

  async rejoinAsNew() {
    const room = this.room;
    showBanner('Rejoining the call…');
    const joined = await api.join(room.roomId, {
      displayName: room.me.displayName,
      spokenLanguage: room.me.spokenLanguage,
      captionLanguage: room.me.captionLanguage,
      dubbing: room.me.dubbing,
    });
    this.signaling.stop();
    this.uplink.stop();
    this.mesh.closeAll();
    this.sfu.closeAll();
    for (const id of [...room.peers.keys()]) room.removePeer(id, 'gone');
    room.session = { ...room.session, ...joined };
    room.tiles.rekey(room.selfId, joined.participantId);
    room.selfId = joined.participantId;
    room.me.participantId = joined.participantId;
    room.captions.selfId = room.selfId;
    room.onSession(room.session);
    this.removeListeners();
    this.create();
    const welcomed = (e) => {
      if (e.detail !== 'open') return;
      this.signaling.removeEventListener('state', welcomed);
      hideBanner();
      toast('Rejoined the call');
    };
    this.signaling.addEventListener('state', welcomed);
    this.signaling.connect(); // `welcome` starts the media again (the uplink too, in a mesh room)
  }

  /** The call is over: `leftCleanly` when `leave` was sent (the signaling client closes itself then). */
  close(leftCleanly) {
    if (!leftCleanly) this.signaling.stop();
    this.uplink.stop();
    this.mesh.closeAll();
    this.sfu.closeAll();
  }

  removeListeners() {
    for (const off of this.listeners.splice(0)) off();
  }
}
