// SFU media, for rooms whose `welcome` says media "sfu" (docs/media.md): my microphone and camera go out ONCE, on one
// sending RTCPeerConnection to the SFU (`publish` / `publish-answer`), video as three simulcast layers; everyone else
// comes back on ONE receiving RTCPeerConnection (`subscribe-offer` / `subscribe-answer`, renegotiated on the same
// connection whenever publishers come or go), whose m-lines `streams` maps to participants. Candidates trickle both
// ways as `media-ice`. The page never talks to Janus and never opens /ws/audio: the server takes my audio from the SFU
// for captions. Microphone/camera/screen changes use replaceTrack only, as in the mesh.

import { sanitiseIceServers } from './mesh.js';

// Simulcast, highest first (Janus's rid order): the SFU forwards each receiver the layer its tile needs.
const SIMULCAST = [
  { rid: 'h', maxBitrate: 900_000 },
  { rid: 'm', scaleResolutionDownBy: 2, maxBitrate: 300_000 },
  { rid: 'l', scaleResolutionDownBy: 4, maxBitrate: 100_000 },
];
const RETRY_MS = [1000, 2000, 5000, 10_000]; // publishing again after `failed` / `unavailable`
export const LAYERS = ['h', 'm', 'l', 'off'];

export class SfuMedia extends EventTarget {
  /**
   * @param {{send: (msg: object) => void, iceServers: RTCIceServer[],
   *          tracks: () => {audio: MediaStreamTrack|null, video: MediaStreamTrack|null},
   *          refreshIceServers?: () => Promise<object|null>}} options
   */
  constructor({ send, iceServers, tracks, refreshIceServers }) {
    super();
    this.send = send;
    this.iceServers = sanitiseIceServers(iceServers);
    this.tracks = tracks;
    this.refreshIceServers = refreshIceServers;
    this.state = 'idle'; // idle | connecting | connected | reconnecting | unavailable
    this.publisher = null;
    this.subscriber = null;
    this.links = new Map(); // participantId -> StreamLink (what a tile shows)
    this.streams = []; // the last subscribe-offer's [{mid, participantId, kind}]
    this.chain = Promise.resolve(); // subscription offers, one after another
    this.retries = 0;
    this.retryTimer = null;
    this.sentLayers = new Map(); // participantId -> layer last asked for
    this.stats = { publishes: 0, publishAnswers: 0, subscribeOffers: 0, subscribeAnswers: 0, restarts: 0 };
  }

  get(peerId) {
    return this.links.get(peerId);
  }

  /** State of the receiving connection (what peers' tiles show). */
  get connectionState() {
    return this.state === 'unavailable' ? 'failed' : this.subscriber?.connectionState || 'new';
  }

  /** A new signaling session (first `welcome` or a reconnect): the server joined me again, start over. */
  reset() {
    this.closeConnections();
    this.setState('connecting');
  }

  /** media-state, publish-answer, subscribe-offer and talking from signaling. */
  handle(msg) {
    switch (msg.type) {
      case 'media-state':
        return this.onMediaState(msg);
      case 'publish-answer':
        return this.onPublishAnswer(msg.sdp);
      case 'subscribe-offer':
        this.chain = this.chain.then(() => this.onSubscribeOffer(msg)).catch((e) => console.warn('subscription', e));
        return this.chain;
      case 'talking':
        return this.dispatchEvent(new CustomEvent('talking', { detail: msg }));
      default:
        return undefined;
    }
  }

  onMediaState({ state }) {
    clearTimeout(this.retryTimer);
    if (state === 'connected') {
      // Joined on the SFU: receiving starts by itself; publish unless a publish is already under way. After a
      // restart, a failure or an outage, still reconnecting until my media flows again (publisher connected).
      this.setState(this.state === 'connecting' || this.state === 'connected' ? 'connected' : 'reconnecting');
      if (!this.publisher) this.publish();
    } else if (state === 'restart') {
      // The node was lost or the room closed: the server's handles are gone, so are my connections' peers.
      this.stats.restarts += 1;
      this.closeConnections();
      this.setState('reconnecting');
      this.publish();
    } else if (state === 'failed') {
      // My sending connection never came up (ICE): try again, with fresh TURN credentials.
      this.closePublisher();
      this.setState('reconnecting');
      this.retryLater(true);
    } else if (state === 'unavailable') {
      // No SFU reachable: presence, chat and captions go on; media comes back when a node does.
      this.closeConnections();
      this.setState('unavailable');
      this.retryLater(false);
    }
  }

  retryLater(refresh) {
    const delay = RETRY_MS[Math.min(this.retries, RETRY_MS.length - 1)];
    this.retries += 1;
    this.retryTimer = setTimeout(async () => {
      if (refresh) await this.refreshServers();
      this.publish();
    }, delay);
  }

  async refreshServers() {
    try {
      const fresh = await this.refreshIceServers?.();
      if (fresh) this.iceServers = sanitiseIceServers(fresh);
    } catch {
      /* keep the old servers */
    }
  }

  /** A new sending connection with my current tracks, offered to the SFU (first publish or after a restart). */
  async publish() {
    this.closePublisher();
    const pc = new RTCPeerConnection({ iceServers: this.iceServers, bundlePolicy: 'max-bundle' });
    this.publisher = pc;
    const tracks = this.tracks();
    pc.addTransceiver(tracks.audio || 'audio', { direction: 'sendonly' });
    pc.addTransceiver(tracks.video || 'video', {
      direction: 'sendonly',
      sendEncodings: SIMULCAST.map((e) => ({ ...e })),
    });
    pc.onicecandidate = ({ candidate }) => this.sendCandidate('publish', candidate);
    pc.onconnectionstatechange = () => {
      if (pc !== this.publisher) return;
      if (pc.connectionState === 'connected') {
        this.retries = 0;
        if (this.state === 'reconnecting') this.setState('connected'); // media flows again
      }
      // A network change: restart ICE on the same connection (the SFU keeps my publisher).
      if (pc.connectionState === 'failed') {
        this.setState('reconnecting');
        this.offer(pc, { iceRestart: true });
      }
      this.dispatchEvent(new CustomEvent('state', { detail: { pc: 'publish', state: pc.connectionState } }));
    };
    await this.offer(pc, {});
  }

  async offer(pc, options) {
    try {
      await pc.setLocalDescription(await pc.createOffer(options));
      if (pc !== this.publisher) return;
      this.send({ type: 'publish', sdp: pc.localDescription.sdp });
      this.stats.publishes += 1;
    } catch (e) {
      console.warn('publish offer failed', e);
    }
  }

  async onPublishAnswer(sdp) {
    const pc = this.publisher;
    if (!pc || pc.signalingState !== 'have-local-offer') return;
    try {
      await pc.setRemoteDescription({ type: 'answer', sdp });
      this.stats.publishAnswers += 1;
    } catch (e) {
      console.warn('publish answer refused', e);
    }
  }

  async onSubscribeOffer({ sdp, streams }) {
    this.stats.subscribeOffers += 1;
    if (!this.subscriber) this.subscriber = this.newSubscriber();
    const pc = this.subscriber;
    await pc.setRemoteDescription({ type: 'offer', sdp });
    await pc.setLocalDescription(await pc.createAnswer());
    if (pc !== this.subscriber) return;
    this.send({ type: 'subscribe-answer', sdp: pc.localDescription.sdp });
    this.stats.subscribeAnswers += 1;
    this.streams = Array.isArray(streams) ? streams : [];
    this.assignTracks();
  }

  newSubscriber() {
    const pc = new RTCPeerConnection({ iceServers: this.iceServers, bundlePolicy: 'max-bundle' });
    pc.onicecandidate = ({ candidate }) => this.sendCandidate('subscribe', candidate);
    pc.onconnectionstatechange = () => {
      if (pc !== this.subscriber) return;
      this.dispatchEvent(new CustomEvent('state', { detail: { pc: 'subscribe', state: pc.connectionState } }));
    };
    return pc;
  }

  /** Puts each received track in its participant's stream, as `streams` says (m-lines are reused by Janus). */
  assignTracks() {
    const owner = new Map(this.streams.map((s) => [s.mid, s.participantId]));
    const wanted = new Map();
    for (const t of this.subscriber.getTransceivers()) {
      const id = t.mid === null ? undefined : owner.get(t.mid);
      if (!id || t.currentDirection === 'inactive' || t.currentDirection === 'stopped') continue;
      if (!wanted.has(id)) wanted.set(id, []);
      wanted.get(id).push(t.receiver.track);
    }
    for (const [id, link] of this.links) link.setTracks(wanted.get(id) || []);
    for (const [id, tracks] of wanted) {
      if (this.links.has(id)) continue;
      const link = new StreamLink(this, id);
      this.links.set(id, link);
      this.dispatchEvent(new CustomEvent('link', { detail: link }));
      link.setTracks(tracks);
    }
  }

  sendCandidate(pc, candidate) {
    if (candidate && candidate.candidate) this.send({ type: 'media-ice', pc, candidate: candidate.toJSON() });
    else if (!candidate) this.send({ type: 'media-ice', pc }); // end of candidates
  }

  /** My outgoing tracks changed (mic/camera toggled, screen shared): swap them on the sending connection. */
  updateTracks() {
    if (!this.publisher) return;
    const tracks = this.tracks();
    for (const t of this.publisher.getTransceivers()) {
      const kind = t.receiver.track.kind;
      const track = tracks[kind] || null;
      if (t.sender.track !== track) t.sender.replaceTrack(track).catch((e) => console.warn('replaceTrack', e));
    }
  }

  /**
   * The layer each participant's video should come in at (`h`, `m`, `l` or `off`), from the tiles' sizes; only
   * changes are sent (`media-layers`).
   */
  setLayers(layers) {
    const changed = [];
    for (const [participantId, layer] of layers) {
      if (this.sentLayers.get(participantId) === layer) continue;
      this.sentLayers.set(participantId, layer);
      changed.push({ participantId, layer });
    }
    for (const id of [...this.sentLayers.keys()]) if (!layers.has(id)) this.sentLayers.delete(id);
    if (changed.length) this.send({ type: 'media-layers', layers: changed });
  }

  remove(peerId) {
    const link = this.links.get(peerId);
    if (!link) return;
    this.links.delete(peerId);
    this.sentLayers.delete(peerId);
    link.setTracks([]);
  }

  closePublisher() {
    const pc = this.publisher;
    this.publisher = null;
    if (pc) {
      pc.onicecandidate = pc.onconnectionstatechange = null;
      pc.close();
    }
  }

  closeConnections() {
    clearTimeout(this.retryTimer);
    this.closePublisher();
    const pc = this.subscriber;
    this.subscriber = null;
    if (pc) {
      pc.onicecandidate = pc.onconnectionstatechange = null;
      pc.close();
    }
    this.streams = [];
    this.sentLayers.clear();
    for (const link of this.links.values()) link.setTracks([]);
  }

  closeAll() {
    this.closeConnections();
    this.links.clear();
    this.setState('idle');
  }

  setState(state) {
    if (this.state === state) return;
    this.state = state;
    this.dispatchEvent(new CustomEvent('media-state', { detail: state }));
  }
}

/** One participant's received tracks, with the shape the tiles expect of a mesh connection. */
class StreamLink extends EventTarget {
  constructor(media, peerId) {
    super();
    this.media = media;
    this.peerId = peerId;
    this.stream = new MediaStream();
    this.levelMeter = false; // the speaking ring comes from the SFU's talking events
  }

  get connectionState() {
    return this.media.connectionState;
  }

  setTracks(tracks) {
    for (const old of this.stream.getTracks()) if (!tracks.includes(old)) this.stream.removeTrack(old);
    for (const track of tracks) {
      if (this.stream.getTracks().includes(track)) continue;
      this.stream.addTrack(track);
      this.dispatchEvent(new CustomEvent('track', { detail: track }));
    }
  }
}
