// Dubbing: plays the synthesised speech (`dub` events) of the others in my caption language, one clip after another,
// and ducks the original voice of that speaker while its dub plays. Clips are fetched and decoded into the page's
// AudioContext (volume control and a level meter); if the fetch is refused (e.g. no CORS), an <audio> element plays
// the clip instead.

const MAX_QUEUE = 3; // more than this waiting: drop the oldest, a late dub is worse than none
const STALE_MS = 20_000;

export function joinUrl(base, path) {
  if (/^https?:\/\//i.test(path)) return path;
  return String(base).replace(/\/+$/, '') + (path.startsWith('/') ? path : `/${path}`);
}

export class DubPlayer extends EventTarget {
  /**
   * @param {{ctx: () => AudioContext, baseUrl: string, token: () => string,
   *          duck: (speakerId: string, on: boolean) => void}} options
   */
  constructor({ ctx, baseUrl, token, duck }) {
    super();
    this.ctx = ctx;
    this.baseUrl = baseUrl;
    this.token = token;
    this.duck = duck;
    this.enabled = false;
    this.language = null;
    this.volume = 1;
    this.queue = [];
    this.current = null;
    this.gain = null;
    this.analyser = null;
    this.stats = {
      received: 0,
      played: 0,
      failed: 0,
      dropped: 0,
      maxPeak: 0,
      playing: false,
      mode: null,
      lastUtteranceId: null,
      lastStartedAt: null,
      lastEndedAt: null,
      lastError: null,
    };
  }

  setEnabled(on) {
    this.enabled = !!on;
    if (!this.enabled) this.stopAll();
  }

  setLanguage(code) {
    this.language = code;
  }

  setVolume(v) {
    this.volume = Math.max(0, Math.min(1, v));
    if (this.gain) this.gain.gain.value = this.volume;
    if (this.current?.element) this.current.element.volume = this.volume;
  }

  onDub(msg) {
    if (!this.enabled || !msg.url) return;
    const primary = (c) =>
      String(c || '')
        .split('-')[0]
        .toLowerCase();
    if (this.language && msg.language && primary(msg.language) !== primary(this.language)) return;
    this.stats.received += 1;
    this.queue.push({ ...msg, receivedAt: Date.now() });
    while (this.queue.length > MAX_QUEUE) {
      this.queue.shift();
      this.stats.dropped += 1;
    }
    this.next();
  }

  async next() {
    if (this.current) return;
    let item;
    while ((item = this.queue.shift())) {
      if (Date.now() - item.receivedAt < STALE_MS) break;
      this.stats.dropped += 1;
    }
    if (!item) return;
    this.current = item;
    try {
      await this.playDecoded(item);
    } catch (e) {
      try {
        await this.playElement(item);
      } catch (e2) {
        this.stats.failed += 1;
        this.stats.lastError = String(e2?.message || e2 || e?.message);
      }
    } finally {
      this.duck(item.speaker, false);
      this.stats.playing = false;
      this.stats.lastEndedAt = Date.now();
      this.current = null;
      this.dispatchEvent(new CustomEvent('ended', { detail: item }));
      this.next();
    }
  }

  clipUrl(item) {
    const url = new URL(joinUrl(this.baseUrl, item.url));
    url.searchParams.set('access_token', this.token());
    return url.toString();
  }

  ensureGraph(ctx) {
    if (this.gain && this.gain.context === ctx) return;
    this.gain = ctx.createGain();
    this.gain.gain.value = this.volume;
    this.analyser = ctx.createAnalyser();
    this.analyser.fftSize = 1024;
    this.gain.connect(this.analyser);
    this.analyser.connect(ctx.destination);
  }

  async playDecoded(item) {
    const response = await fetch(this.clipUrl(item), { credentials: 'omit', cache: 'no-store' });
    if (!response.ok) throw new Error(`dub ${response.status}`);
    const bytes = await response.arrayBuffer();
    const ctx = this.ctx();
    if (ctx.state !== 'running') await ctx.resume().catch(() => {});
    if (ctx.state !== 'running') {
      // The browser wants a click first: say so, and let the <audio> fallback try (it may be allowed).
      this.dispatchEvent(new CustomEvent('blocked'));
      throw new Error('audio output is suspended until the page is clicked');
    }
    const buffer = await ctx.decodeAudioData(bytes);
    if (!this.enabled || this.current !== item) return;
    this.ensureGraph(ctx);
    const source = ctx.createBufferSource();
    source.buffer = buffer;
    source.connect(this.gain);
    item.source = source;
    this.started(item, 'webaudio');
    const meter = this.meter(() => {
      const data = new Float32Array(this.analyser.fftSize);
      this.analyser.getFloatTimeDomainData(data);
      let peak = 0;
      for (const v of data) peak = Math.max(peak, Math.abs(v));
      return peak;
    });
    await new Promise((resolve) => {
      source.onended = resolve;
      source.start();
    });
    clearInterval(meter);
  }

  async playElement(item) {
    const audio = new Audio();
    audio.preload = 'auto';
    audio.volume = this.volume;
    audio.src = this.clipUrl(item);
    item.element = audio;
    await new Promise((resolve, reject) => {
      audio.onended = resolve;
      audio.onerror = () => reject(new Error('dub audio could not be played'));
      audio.onplaying = () => this.started(item, 'element');
      audio.play().catch(reject);
    });
    // Without CORS the samples cannot be read; how far the element played is what can be told.
    this.stats.elementPlayedSeconds = (this.stats.elementPlayedSeconds || 0) + (audio.currentTime || 0);
  }

  started(item, mode) {
    this.stats.played += 1;
    this.stats.playing = true;
    this.stats.mode = mode;
    this.stats.lastUtteranceId = item.utteranceId;
    this.stats.lastStartedAt = Date.now();
    this.duck(item.speaker, true);
    this.dispatchEvent(new CustomEvent('started', { detail: item }));
  }

  meter(read) {
    return setInterval(() => {
      const peak = read();
      if (peak > this.stats.maxPeak) this.stats.maxPeak = peak;
      this.dispatchEvent(new CustomEvent('level', { detail: peak }));
    }, 50);
  }

  stopAll() {
    this.queue = [];
    const item = this.current;
    if (!item) return;
    try {
      item.source?.stop();
    } catch {
      /* not started */
    }
    if (item.element) {
      item.element.pause();
      item.element.dispatchEvent(new Event('ended'));
    }
  }
}
