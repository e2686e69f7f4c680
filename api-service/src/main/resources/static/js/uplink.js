// My microphone -> the orchestrator's audio WebSocket: after the server's {"type":"ready"},
// {"type":"start","sampleRate":16000,"encoding":"pcm16"}, then binary PCM16LE mono 16 kHz frames of 20 ms.
// Reconnects by itself; frames captured while the socket is (re)connecting are kept for up to a second so the start
// of a sentence is not lost.

const WORKLET_URL = new URL('./worklets/pcm16-worklet.js', import.meta.url);
const MAX_QUEUED_FRAMES = 50; // 1 s
const MAX_BUFFERED_BYTES = 64 * 1024; // ~2 s of audio stuck in the socket: drop rather than grow
const VOICE_THRESHOLD = 0.02;

export class AudioUplink extends EventTarget {
  /** @param {{audioUrl: string, token: () => string}} options */
  constructor({ audioUrl, token }) {
    super();
    this.audioUrl = audioUrl;
    this.token = token;
    this.ws = null;
    this.ctx = null;
    this.node = null;
    this.source = null;
    this.queue = [];
    this.running = false;
    this.attempt = 0;
    this.retryTimer = null;
    this.stats = {
      state: 'idle',
      framesSent: 0,
      framesDropped: 0,
      reconnects: 0,
      voiceStartedAt: null,
      startedAt: null,
      lastError: null,
      sampleRate: null,
    };
  }

  /** Starts sending `track` (a live microphone track). */
  async start(track) {
    this.stop();
    this.running = true;
    this.stats.voiceStartedAt = null;
    this.stats.startedAt = Date.now();
    const { ctx, source } = openContext(track);
    this.ctx = ctx;
    this.source = source;
    this.stats.sampleRate = ctx.sampleRate;
    await ctx.audioWorklet.addModule(WORKLET_URL);
    if (!this.running || this.ctx !== ctx) return;
    this.node = new AudioWorkletNode(ctx, 'pcm16-uplink', { numberOfInputs: 1, numberOfOutputs: 0 });
    this.node.port.postMessage({ type: 'threshold', value: VOICE_THRESHOLD });
    this.node.port.onmessage = (e) => this.onFrame(e.data);
    source.connect(this.node);
    await resumeWhenAllowed(this.ctx);
    this.connect();
  }

  /** Stops sending: a `stop` frame ends the stream cleanly (the orchestrator finalises the utterance). */
  stop() {
    this.running = false;
    clearTimeout(this.retryTimer);
    this.queue = [];
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      ws.onclose = ws.onerror = ws.onmessage = null;
      if (ws.readyState === WebSocket.OPEN) {
        try {
          ws.send(JSON.stringify({ type: 'stop' }));
        } catch {
          /* closing anyway */
        }
      }
      try {
        ws.close(1000, 'microphone off');
      } catch {
        /* already closed */
      }
    }
    if (this.source) {
      try {
        this.source.disconnect();
      } catch {
        /* ignore */
      }
      this.source = null;
    }
    if (this.node) {
      this.node.port.onmessage = null;
      this.node = null;
    }
    if (this.ctx) {
      this.ctx.close().catch(() => {});
      this.ctx = null;
    }
    this.setState('idle');
  }

  connect() {
    if (!this.running) return;
    // Token as the subprotocol pair "bearer, <token>", kept out of URLs (see signaling.js).
    const ws = new WebSocket(this.audioUrl, ['bearer', this.token()]);
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    // Audio goes out only after the start frame, and the start frame only after the server's {"type":"ready"} (what
    // is sent before the server listens can be lost, see docs/pipeline.md): frames wait in the queue until then.
    this.startSent = false;
    this.setState(this.attempt ? 'reconnecting' : 'connecting');
    ws.onmessage = (e) => {
      if (typeof e.data !== 'string') return;
      let msg;
      try {
        msg = JSON.parse(e.data);
      } catch {
        return;
      }
      if (msg.type === 'ready' && !this.startSent) {
        ws.send(JSON.stringify({ type: 'start', sampleRate: 16000, encoding: 'pcm16' }));
        this.startSent = true;
        this.attempt = 0;
        this.setState('open');
        for (const frame of this.queue.splice(0)) this.sendFrame(frame);
      } else if (msg.type === 'error') {
        this.stats.lastError = msg;
        // 'shutdown' (close 1012): the server restarts, the reconnect below is immediate; nothing to tell the user.
        if (msg.code !== 'shutdown') this.dispatchEvent(new CustomEvent('server-error', { detail: msg }));
      }
    };
    ws.onclose = (e) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (!this.running) return;
      this.stats.lastClose = { code: e.code, reason: e.reason };
      if (e.code === 4000) {
        // A newer stream of mine (another tab) replaced this one: do not fight over it.
        this.running = false;
        this.setState('replaced');
        this.dispatchEvent(new CustomEvent('replaced'));
        return;
      }
      // Retry with backoff; after a refusal (policy/bad data) wait longer so a broken setup does not hammer.
      const base = e.code === 1008 || e.code === 1003 || e.code === 1007 ? 5000 : 500;
      // 1012: the orchestrator is restarting (rolling update); reconnect at once, another replica takes the stream.
      const delay =
        e.code === 1012 && this.attempt === 0
          ? 0
          : Math.min(15000, base * 2 ** Math.min(this.attempt, 5)) * (0.8 + Math.random() * 0.4);
      this.attempt += 1;
      this.stats.reconnects += 1;
      this.setState('reconnecting');
      this.retryTimer = setTimeout(() => this.connect(), delay);
    };
    ws.onerror = () => {
      /* onclose follows and schedules the retry */
    };
  }

  onFrame({ pcm, peak, rms, firstLoud }) {
    if (!this.running) return;
    if (this.stats.voiceStartedAt === null && firstLoud >= 0) {
      // Wall-clock time of the first loud sample: the frame's last sample was captured about now.
      this.stats.voiceStartedAt = Date.now() - ((320 - firstLoud) / 16000) * 1000;
    }
    this.dispatchEvent(new CustomEvent('level', { detail: { peak, rms } }));
    if (this.ws && this.startSent && this.ws.readyState === WebSocket.OPEN) {
      this.sendFrame(pcm);
    } else {
      this.queue.push(pcm);
      if (this.queue.length > MAX_QUEUED_FRAMES) {
        this.queue.shift();
        this.stats.framesDropped += 1;
      }
    }
  }

  sendFrame(pcm) {
    if (this.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.stats.framesDropped += 1;
      return;
    }
    this.ws.send(pcm);
    this.stats.framesSent += 1;
  }

  setState(state) {
    if (this.stats.state === state) return;
    this.stats.state = state;
    this.dispatchEvent(new CustomEvent('state', { detail: state }));
  }
}

/**
 * A 16 kHz context when the browser allows it (no resampling in the worklet), else one at the default rate.
 * Firefox refuses to connect a microphone of another rate into a 16 kHz context, hence the fallback.
 */
function openContext(track) {
  const stream = new MediaStream([track]);
  let ctx;
  try {
    ctx = new AudioContext({ sampleRate: 16000, latencyHint: 'interactive' });
    return { ctx, source: ctx.createMediaStreamSource(stream) };
  } catch {
    if (ctx) ctx.close().catch(() => {});
    ctx = new AudioContext({ latencyHint: 'interactive' });
    return { ctx, source: ctx.createMediaStreamSource(stream) };
  }
}

/** Resumes a context; if the browser wants a user gesture first, resumes on the next click or key press. */
export async function resumeWhenAllowed(ctx) {
  if (ctx.state === 'running') return;
  try {
    await Promise.race([ctx.resume(), new Promise((r) => setTimeout(r, 300))]);
  } catch {
    /* wait for gesture */
  }
  if (ctx.state === 'running') return;
  const resume = () => {
    ctx.resume().catch(() => {});
  };
  document.addEventListener('pointerdown', resume, { once: true });
  document.addEventListener('keydown', resume, { once: true });
  document.dispatchEvent(new CustomEvent('babelcall:needs-gesture'));
}
