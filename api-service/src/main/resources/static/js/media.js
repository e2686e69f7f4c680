// Local camera, microphone and screen. Turning the microphone or camera off stops the track (the device light goes
// off and nothing is captured); turning it on acquires a new one. Peers get the change through replaceTrack, so no
// renegotiation is needed.

const MESH_CAMERA = { width: 640, height: 360 };
const SFU_CAMERA = { width: 960, height: 540 };

export class LocalMedia extends EventTarget {
  constructor({ voiceProcessing = true } = {}) {
    super();
    this.voiceProcessing = voiceProcessing;
    this.micTrack = null;
    this.camTrack = null;
    this.screenTrack = null;
    this.previewStream = new MediaStream();
    this.cameraSize = MESH_CAMERA;
  }

  /**
   * The camera's capture size: 640x360 in a mesh (every participant encodes and sends its video once per peer, up to
   * 5); 960x540 through the SFU, where it is sent once, as three simulcast layers (Chromium sends only two below
   * 960x540). A live camera is switched at once.
   */
  setCameraSize(sfu) {
    this.cameraSize = sfu ? SFU_CAMERA : MESH_CAMERA;
    const { width, height } = this.cameraSize;
    this.camTrack?.applyConstraints({ width: { ideal: width }, height: { ideal: height } }).catch(() => {});
  }

  get micOn() {
    return !!this.micTrack && this.micTrack.readyState === 'live';
  }
  get camOn() {
    return !!this.camTrack && this.camTrack.readyState === 'live';
  }
  get sharing() {
    return !!this.screenTrack && this.screenTrack.readyState === 'live';
  }

  /** The video track peers should receive: the shared screen while sharing, else the camera (or none). */
  get outgoingVideo() {
    return this.sharing ? this.screenTrack : this.camTrack;
  }
  get outgoingAudio() {
    return this.micTrack;
  }

  audioConstraints() {
    const vp = this.voiceProcessing;
    return { echoCancellation: vp, noiseSuppression: vp, autoGainControl: vp, channelCount: 1 };
  }

  async startMic() {
    if (this.micOn) return this.micTrack;
    ensureMediaDevices();
    const stream = await navigator.mediaDevices.getUserMedia({ audio: this.audioConstraints() });
    this.micTrack = stream.getAudioTracks()[0];
    this.micTrack.addEventListener('ended', () => this.endedByDevice('audio'));
    this.changed('audio');
    return this.micTrack;
  }

  stopMic() {
    if (!this.micTrack) return;
    this.micTrack.stop();
    this.micTrack = null;
    this.changed('audio');
  }

  async startCam() {
    if (this.camOn) return this.camTrack;
    ensureMediaDevices();
    const { width, height } = this.cameraSize;
    const stream = await navigator.mediaDevices.getUserMedia({
      video: { width: { ideal: width }, height: { ideal: height }, frameRate: { ideal: 24, max: 30 } },
    });
    this.camTrack = stream.getVideoTracks()[0];
    this.camTrack.addEventListener('ended', () => this.endedByDevice('video'));
    this.changed('video');
    return this.camTrack;
  }

  stopCam() {
    if (!this.camTrack) return;
    this.camTrack.stop();
    this.camTrack = null;
    this.changed('video');
  }

  async startScreen() {
    if (!navigator.mediaDevices?.getDisplayMedia) throw new Error('Screen sharing is not supported by this browser');
    const stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 15 } }, audio: false });
    this.stopScreen();
    this.screenTrack = stream.getVideoTracks()[0];
    this.screenTrack.contentHint = 'detail';
    // The browser's own "Stop sharing" button ends the track.
    this.screenTrack.addEventListener('ended', () => {
      this.screenTrack = null;
      this.changed('video');
    });
    this.changed('video');
  }

  stopScreen() {
    if (!this.screenTrack) return;
    const t = this.screenTrack;
    this.screenTrack = null;
    t.stop();
    this.changed('video');
  }

  stopAll() {
    this.stopScreen();
    this.stopMic();
    this.stopCam();
  }

  /**
   * The browser ended a track we did not stop: the device was unplugged or taken, its permission revoked, or the
   * capture failed. `ended` ({ kind }) tells the call, which must tell the others and the server as a mute would.
   */
  endedByDevice(kind) {
    if (kind === 'audio') this.micTrack = null;
    else this.camTrack = null;
    this.dispatchEvent(new CustomEvent('ended', { detail: { kind } }));
    this.changed(kind);
  }

  changed(kind) {
    for (const t of this.previewStream.getTracks()) this.previewStream.removeTrack(t);
    if (this.outgoingVideo) this.previewStream.addTrack(this.outgoingVideo);
    this.dispatchEvent(new CustomEvent('change', { detail: { kind } }));
  }
}

function ensureMediaDevices() {
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new Error(
      window.isSecureContext
        ? 'This browser cannot use a camera or microphone'
        : 'Camera and microphone need a secure page (https:// or localhost)',
    );
  }
}

/** A readable sentence for a getUserMedia failure. */
export function describeMediaError(error, what) {
  switch (error?.name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return `Access to the ${what} was blocked. Allow it in the browser's site settings.`;
    case 'NotFoundError':
    case 'OverconstrainedError':
      return `No ${what} was found.`;
    case 'NotReadableError':
      return `The ${what} is in use by another application.`;
    case 'AbortError':
      return `The ${what} could not be started.`;
    default:
      return error?.message || `The ${what} could not be started.`;
  }
}
