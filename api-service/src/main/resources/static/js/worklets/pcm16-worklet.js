// AudioWorklet: microphone -> PCM16LE mono 16 kHz frames of 20 ms (320 samples, 640 bytes), posted to the page.
// When the AudioContext does not run at 16 kHz, the signal is low-pass filtered (windowed-sinc FIR, cut-off 7 kHz,
// Blackman window) and resampled to 16 kHz here, so nothing above 8 kHz folds back into the speech band.

const OUT_RATE = 16000;
const FRAME = 320; // 20 ms at 16 kHz
const CUTOFF_HZ = 7000;
const TABLE_STEPS = 64; // kernel samples per input sample

class Pcm16Uplink extends AudioWorkletProcessor {
  constructor() {
    super();
    // `sampleRate` is the global of the AudioWorkletGlobalScope: the context's rate.
    this.ratio = sampleRate / OUT_RATE;
    this.frame = new Int16Array(FRAME);
    this.filled = 0;
    this.peak = 0;
    this.sumSquares = 0;
    this.firstLoud = -1;
    this.threshold = 0.02;
    this.passthrough = Math.abs(this.ratio - 1) < 1e-6;
    if (!this.passthrough) this.buildKernel();
    this.port.onmessage = (e) => {
      if (e.data?.type === 'threshold') this.threshold = e.data.value;
    };
  }

  buildKernel() {
    // Half-width in input samples: wide enough for a ~2 kHz transition band at 48 kHz.
    this.half = Math.ceil(21 * this.ratio);
    const fc = CUTOFF_HZ / sampleRate; // cycles per input sample
    const n = this.half * TABLE_STEPS;
    this.kernel = new Float32Array(n + 2);
    for (let i = 0; i <= n + 1; i++) {
      const d = i / TABLE_STEPS; // distance in input samples
      if (d >= this.half) {
        this.kernel[i] = 0;
        continue;
      }
      const x = 2 * fc * d;
      const sinc = d === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
      const w = 0.42 + 0.5 * Math.cos((Math.PI * d) / this.half) + 0.08 * Math.cos((2 * Math.PI * d) / this.half);
      this.kernel[i] = 2 * fc * sinc * w;
    }
    // Unity gain at DC.
    let sum = 0;
    for (let k = -this.half + 1; k < this.half; k++) sum += this.tap(Math.abs(k));
    for (let i = 0; i < this.kernel.length; i++) this.kernel[i] /= sum;
    this.buf = new Float32Array(8192);
    this.len = 0;
    this.pos = 0;
  }

  tap(distance) {
    const f = distance * TABLE_STEPS;
    const i = f | 0;
    const a = this.kernel[i];
    return a + (this.kernel[i + 1] - a) * (f - i);
  }

  process(inputs) {
    const input = inputs[0];
    const channel = input && input[0];
    if (!channel) return true; // no track connected right now; keep the node alive
    if (this.passthrough) {
      for (let i = 0; i < channel.length; i++) this.push(channel[i]);
      return true;
    }
    if (this.len + channel.length > this.buf.length) {
      const bigger = new Float32Array(this.buf.length * 2);
      bigger.set(this.buf.subarray(0, this.len));
      this.buf = bigger;
    }
    this.buf.set(channel, this.len);
    this.len += channel.length;
    const half = this.half;
    while (this.pos + half < this.len) {
      const center = Math.floor(this.pos);
      let acc = 0;
      const from = Math.max(0, center - half + 1);
      const to = center + half;
      for (let k = from; k <= to; k++) acc += this.buf[k] * this.tap(Math.abs(this.pos - k));
      this.push(acc);
      this.pos += this.ratio;
    }
    const drop = Math.floor(this.pos) - half;
    if (drop > 0) {
      this.buf.copyWithin(0, drop, this.len);
      this.len -= drop;
      this.pos -= drop;
    }
    return true;
  }

  push(sample) {
    const s = sample > 1 ? 1 : sample < -1 ? -1 : sample;
    const abs = s < 0 ? -s : s;
    if (abs > this.peak) this.peak = abs;
    if (this.firstLoud < 0 && abs >= this.threshold) this.firstLoud = this.filled;
    this.sumSquares += s * s;
    this.frame[this.filled++] = s < 0 ? s * 0x8000 : s * 0x7fff;
    if (this.filled === FRAME) {
      const pcm = this.frame.buffer;
      this.port.postMessage(
        {
          pcm,
          peak: this.peak,
          rms: Math.sqrt(this.sumSquares / FRAME),
          firstLoud: this.firstLoud,
        },
        [pcm],
      );
      this.frame = new Int16Array(FRAME);
      this.filled = 0;
      this.peak = 0;
      this.sumSquares = 0;
      this.firstLoud = -1;
    }
  }
}

registerProcessor('pcm16-uplink', Pcm16Uplink);
