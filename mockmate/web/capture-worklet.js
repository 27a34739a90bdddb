// AudioWorklet: the microphone at the context's rate in, 16 kHz mono 16-bit PCM out, posted to
// the page every 100 ms with its loudness (RMS, 0..1) for the level meter and barge-in.
const OUT_RATE = 16000;
const CHUNK = 1600; // 100 ms at 16 kHz

class MockMateCapture extends AudioWorkletProcessor {
  constructor() {
    super();
    this.step = sampleRate / OUT_RATE; // input samples per output sample
    this.phase = 0;
    this.sum = 0;
    this.count = 0;
    this.out = new Int16Array(CHUNK);
    this.filled = 0;
    this.energy = 0;
  }

  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (!channel) return true;
    for (let i = 0; i < channel.length; i += 1) {
      // Average the input samples that fall into one output sample: a simple low-pass
      // that keeps speech clean when going down from 44.1 or 48 kHz.
      this.sum += channel[i];
      this.count += 1;
      this.phase += 1;
      if (this.phase >= this.step) {
        this.phase -= this.step;
        const value = Math.max(-1, Math.min(1, this.sum / this.count));
        this.sum = 0;
        this.count = 0;
        this.energy += value * value;
        this.out[this.filled] = value < 0 ? value * 0x8000 : value * 0x7fff;
        this.filled += 1;
        if (this.filled === CHUNK) {
          const pcm = this.out.buffer.slice(0);
          this.port.postMessage({ pcm, level: Math.sqrt(this.energy / CHUNK) }, [pcm]);
          this.filled = 0;
          this.energy = 0;
        }
      }
    }
    return true;
  }
}

registerProcessor("mockmate-capture", MockMateCapture);
