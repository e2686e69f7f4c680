// Mesh WebRTC: one RTCPeerConnection per remote participant, negotiated with the "perfect negotiation" pattern
// (https://w3c.github.io/webrtc-pc/#perfect-negotiation-example), so offers that cross (glare) never break a call.
//
// Who offers first: the side that learns of the other from `welcome` (the newcomer, or a participant that
// reconnected) creates the connection with one audio and one video sender (addTrack); the other side answers and
// attaches its tracks to the transceivers the offer created. Media changes (mic/camera/screen) use replaceTrack only, so they
// never need renegotiation. The lower participant id is the "polite" peer.

const DISCONNECTED_GRACE_MS = 4000;
const MAX_VIDEO_BITRATE = 800_000; // bits/s per peer

export class PeerMesh extends EventTarget {
  /**
   * @param {{selfId: string, iceServers: RTCIceServer[], send: (msg: object) => void,
   *          tracks: () => {audio: MediaStreamTrack|null, video: MediaStreamTrack|null},
   *          refreshIceServers?: () => Promise<RTCIceServer[]|null>}} options
   */
  constructor({ selfId, iceServers, send, tracks, refreshIceServers }) {
    super();
    this.selfId = selfId;
    this.iceServers = sanitiseIceServers(iceServers);
    this.send = send;
    this.tracks = tracks;
    this.refreshIceServers = refreshIceServers;
    this.links = new Map();
    this.chains = new Map(); // peer id -> promise of its last handled signal
  }

  get(peerId) {
    return this.links.get(peerId);
  }

  /** Creates the connection to a peer if there is none; `initiator` makes this side offer first. */
  ensure(peerId, { initiator }) {
    let link = this.links.get(peerId);
    if (link && !link.isDead()) return link;
    if (link) this.remove(peerId);
    link = new PeerLink(this, peerId, initiator);
    this.links.set(peerId, link);
    this.dispatchEvent(new CustomEvent('link', { detail: link }));
    return link;
  }

  remove(peerId) {
    const link = this.links.get(peerId);
    if (!link) return;
    this.links.delete(peerId);
    link.close();
    this.dispatchEvent(new CustomEvent('unlink', { detail: link }));
  }

  /** Starts over with a peer (it reloaded its page: new DTLS identity). */
  recreate(peerId) {
    this.remove(peerId);
    return this.ensure(peerId, { initiator: false });
  }

  /**
   * offer / answer / ice from the signaling server. Handled strictly one after another per peer: an offer that
   * arrives while the previous answer is still being applied must see the state that answer leaves behind, or
   * perfect negotiation would take it for glare and drop it.
   */
  handle(msg) {
    const from = msg.from;
    if (!from || from === this.selfId) return Promise.resolve();
    const previous = this.chains.get(from) || Promise.resolve();
    const next = previous.then(() => this.handleNow(msg)).catch((e) => console.warn('signal from', from, 'failed', e));
    this.chains.set(from, next);
    next.then(() => {
      if (this.chains.get(from) === next) this.chains.delete(from);
    });
    return next;
  }

  async handleNow(msg) {
    const from = msg.from;
    if (msg.type === 'offer' || msg.type === 'answer') {
      let link = this.links.get(from);
      if (!link) {
        if (msg.type !== 'offer') return;
        link = this.ensure(from, { initiator: false });
      } else if (msg.type === 'offer' && link.isForeignRestart(msg.sdp)) {
        link = this.recreate(from);
      }
      await link.onDescription({ type: msg.type, sdp: msg.sdp });
    } else if (msg.type === 'ice') {
      await this.links.get(from)?.onCandidate(msg.candidate);
    }
  }

  /** My outgoing tracks changed (mic/camera toggled, screen shared): swap them on every connection. */
  updateTracks() {
    for (const link of this.links.values()) link.attachLocalTracks();
  }

  closeAll() {
    for (const id of [...this.links.keys()]) this.remove(id);
  }
}

class PeerLink extends EventTarget {
  constructor(mesh, peerId, initiator) {
    super();
    this.mesh = mesh;
    this.peerId = peerId;
    this.polite = mesh.selfId < peerId;
    this.makingOffer = false;
    this.ignoreOffer = false;
    this.pendingCandidates = [];
    this.stream = new MediaStream();
    this.closed = false;
    this.disconnectTimer = null;
    this.stats = { offersSent: 0, answersSent: 0, glareIgnored: 0, iceRestarts: 0 };
    const pc = new RTCPeerConnection({ iceServers: mesh.iceServers, bundlePolicy: 'max-bundle' });
    this.pc = pc;

    if (initiator) {
      // addTrack (not addTransceiver): if our offers cross and this side is the polite one, the offer it accepts
      // re-uses these transceivers instead of adding a second pair (JSEP transceiver re-use). With no track yet
      // (microphone or camera off), a placeholder creates the sender, which is then emptied.
      const tracks = mesh.tracks();
      for (const kind of ['audio', 'video']) {
        const sender = pc.addTrack(tracks[kind] || placeholderTrack(kind));
        if (!tracks[kind]) sender.replaceTrack(null).catch(() => {});
      }
    }

    pc.onnegotiationneeded = async () => {
      try {
        this.makingOffer = true;
        await pc.setLocalDescription();
        this.mesh.send({ type: 'offer', to: peerId, sdp: pc.localDescription.sdp });
        this.stats.offersSent += 1;
      } catch (e) {
        console.warn('offer to', peerId, 'failed', e);
      } finally {
        this.makingOffer = false;
      }
    };
    pc.onicecandidate = ({ candidate }) => {
      if (candidate && candidate.candidate) this.mesh.send({ type: 'ice', to: peerId, candidate: candidate.toJSON() });
    };
    pc.ontrack = ({ track }) => {
      if (!this.stream.getTracks().includes(track)) {
        for (const old of this.stream.getTracks().filter((t) => t.kind === track.kind)) this.stream.removeTrack(old);
        this.stream.addTrack(track);
      }
      this.dispatchEvent(new CustomEvent('track', { detail: track }));
    };
    pc.onconnectionstatechange = () => this.onConnectionState();
  }

  get connectionState() {
    return this.pc.connectionState;
  }

  isDead() {
    return this.closed || ['failed', 'closed'].includes(this.pc.connectionState);
  }

  /** A new offer whose DTLS fingerprint differs from the current remote one: the peer restarted its page. */
  isForeignRestart(sdp) {
    const current = this.pc.remoteDescription?.sdp;
    if (!current) return false;
    const a = fingerprint(current);
    const b = fingerprint(sdp);
    return !!a && !!b && a !== b;
  }

  async onDescription(description) {
    const pc = this.pc;
    const collision = description.type === 'offer' && (this.makingOffer || pc.signalingState !== 'stable');
    this.ignoreOffer = !this.polite && collision;
    if (this.ignoreOffer) {
      this.stats.glareIgnored += 1;
      return;
    }
    try {
      await pc.setRemoteDescription(description); // rolls back my own offer when polite and colliding
      if (description.type === 'offer') {
        this.attachLocalTracks();
        await pc.setLocalDescription();
        this.mesh.send({ type: 'answer', to: this.peerId, sdp: pc.localDescription.sdp });
        this.stats.answersSent += 1;
      }
      for (const c of this.pendingCandidates.splice(0)) await this.addCandidate(c);
      this.capVideoBitrate();
    } catch (e) {
      console.warn('negotiation with', this.peerId, 'failed', e);
    }
  }

  /** At most MAX_VIDEO_BITRATE per video sender: the same video goes to every peer of the mesh. */
  capVideoBitrate() {
    for (const sender of this.pc.getSenders()) {
      if (
        sender.track?.kind !== 'video' &&
        !this.pc.getTransceivers().some((t) => t.sender === sender && t.receiver.track.kind === 'video')
      )
        continue;
      const params = sender.getParameters();
      if (!params.encodings?.length || params.encodings[0].maxBitrate === MAX_VIDEO_BITRATE) continue;
      params.encodings[0].maxBitrate = MAX_VIDEO_BITRATE;
      sender.setParameters(params).catch(() => {
        /* not negotiated yet: next time */
      });
    }
  }

  async onCandidate(candidate) {
    if (!candidate || !candidate.candidate) return;
    if (!this.pc.remoteDescription) {
      this.pendingCandidates.push(candidate);
      return;
    }
    await this.addCandidate(candidate);
  }

  async addCandidate(candidate) {
    try {
      await this.pc.addIceCandidate(candidate);
    } catch (e) {
      if (!this.ignoreOffer) console.warn('ICE candidate from', this.peerId, 'refused', e);
    }
  }

  /** Puts my current mic and camera/screen tracks on this connection's senders (one per kind). */
  attachLocalTracks() {
    if (this.closed) return;
    const tracks = this.mesh.tracks();
    const used = new Set();
    // Negotiated transceivers first, so the ones the remote offer created win over unnegotiated ones of mine.
    const transceivers = this.pc.getTransceivers().sort((a, b) => (a.mid === null) - (b.mid === null));
    for (const t of transceivers) {
      if (t.stopped || t.currentDirection === 'stopped') continue;
      const kind = t.receiver.track.kind;
      if (used.has(kind)) continue; // never expected (see the constructor); left alone rather than renegotiated
      used.add(kind);
      if (t.direction === 'recvonly' || t.direction === 'inactive') t.direction = 'sendrecv';
      const track = tracks[kind] || null;
      if (t.sender.track !== track) t.sender.replaceTrack(track).catch((e) => console.warn('replaceTrack', e));
    }
  }

  onConnectionState() {
    const state = this.pc.connectionState;
    clearTimeout(this.disconnectTimer);
    if (state === 'failed') this.restartIce();
    if (state === 'disconnected') this.disconnectTimer = setTimeout(() => this.restartIce(), DISCONNECTED_GRACE_MS);
    this.dispatchEvent(new CustomEvent('state', { detail: state }));
    this.mesh.dispatchEvent(new CustomEvent('state', { detail: { peerId: this.peerId, state } }));
  }

  async restartIce() {
    if (this.closed) return;
    this.stats.iceRestarts += 1;
    try {
      const fresh = await this.mesh.refreshIceServers?.();
      if (fresh && !this.closed) {
        this.mesh.iceServers = sanitiseIceServers(fresh);
        this.pc.setConfiguration({ ...this.pc.getConfiguration(), iceServers: this.mesh.iceServers });
      }
    } catch {
      /* keep the old servers */
    }
    if (!this.closed) this.pc.restartIce();
  }

  close() {
    this.closed = true;
    clearTimeout(this.disconnectTimer);
    this.pc.onnegotiationneeded = this.pc.onicecandidate = this.pc.ontrack = this.pc.onconnectionstatechange = null;
    try {
      this.pc.close();
    } catch {
      /* ignore */
    }
    for (const t of this.stream.getTracks()) this.stream.removeTrack(t);
  }
}

let placeholders;
/** A silent audio or blank video track, only to create a sender with addTrack; never sent. */
function placeholderTrack(kind) {
  placeholders ??= {};
  if (!placeholders[kind]) {
    if (kind === 'audio') {
      const ctx = new AudioContext();
      placeholders.audio = ctx.createMediaStreamDestination().stream.getAudioTracks()[0];
      ctx.suspend().catch(() => {});
    } else {
      const canvas = Object.assign(document.createElement('canvas'), { width: 16, height: 9 });
      canvas.getContext('2d').fillRect(0, 0, 16, 9);
      placeholders.video = canvas.captureStream(0).getVideoTracks()[0];
    }
  }
  return placeholders[kind];
}

function fingerprint(sdp) {
  const m = /a=fingerprint:\S+ (\S+)/.exec(sdp || '');
  return m ? m[1] : null;
}

/** Keeps only well-formed entries ({urls, username?, credential?}) so one bad entry cannot break every call. */
export function sanitiseIceServers(config) {
  // The api answers an RTCConfiguration-like object {iceServers: [...], ttlSeconds}; a bare list is accepted too.
  const list = Array.isArray(config) ? config : config?.iceServers;
  if (!Array.isArray(list)) return [];
  return list
    .map((s) => {
      const urls = s?.urls || s?.url;
      if (!urls || (Array.isArray(urls) && urls.length === 0)) return null;
      const out = { urls };
      if (s.username) out.username = s.username;
      if (s.credential) out.credential = s.credential;
      return out;
    })
    .filter(Boolean);
}
