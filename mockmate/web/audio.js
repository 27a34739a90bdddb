// Question audio played while it streams (scheduled Web Audio buffers, back to back, so there
// is no gap between chunks), and the microphone captured as 16 kHz PCM by an AudioWorklet.
const LEAD_S = 0.12; // head start for the first chunk, so the next one is there in time

export class Player {
  constructor(context) {
    this.context = context;
    this.sources = new Set();
    this.reset();
  }

  reset() {
    this.stop();
    this.nextTime = 0;
    this.finalSeen = false;
    this.onDone = null;
  }

  push({ data, sample_rate: rate, final }) {
    const bytes = data instanceof ArrayBuffer ? data : (data && data.buffer ? data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) : null);
    if (bytes && bytes.byteLength >= 2) {
      const pcm = new Int16Array(bytes.slice(0, bytes.byteLength - (bytes.byteLength % 2)));
      const buffer = this.context.createBuffer(1, pcm.length, rate || 16000);
      const samples = buffer.getChannelData(0);
      for (let i = 0; i < pcm.length; i += 1) samples[i] = pcm[i] / 0x8000;
      const source = this.context.createBufferSource();
      source.buffer = buffer;
      source.connect(this.context.destination);
      const start = Math.max(this.nextTime, this.context.currentTime + LEAD_S);
      source.start(start);
      this.nextTime = start + buffer.duration;
      this.sources.add(source);
      source.onended = () => { this.sources.delete(source); this.check(); };
    }
    if (final) { this.finalSeen = true; this.check(); }
  }

  get playing() { return this.sources.size > 0; }

  check() {
    if (this.finalSeen && this.sources.size === 0 && this.onDone) {
      const done = this.onDone;
      this.onDone = null;
      done();
    }
  }

  stop() {
    for (const source of this.sources ?? []) {
      source.onended = null;
      try { source.stop(); } catch { /* not started yet */ }
    }
    this.sources?.clear();
  }
}

export class Microphone {
  constructor(context, onChunk) {
    this.context = context;
    this.onChunk = onChunk;
    this.stream = null;
  }

  get open() { return this.stream !== null; }

  async start() {
    if (this.stream) return;
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true },
    });
    if (!this.context.__mockmateWorklet) {
      await this.context.audioWorklet.addModule(new URL("./capture-worklet.js", import.meta.url));
      this.context.__mockmateWorklet = true;
    }
    this.stream = stream;
    this.source = this.context.createMediaStreamSource(stream);
    this.node = new AudioWorkletNode(this.context, "mockmate-capture");
    this.node.port.onmessage = (event) => this.onChunk(event.data.pcm, event.data.level);
    // A silent sink keeps the worklet pulled by the audio graph.
    this.sink = this.context.createGain();
    this.sink.gain.value = 0;
    this.source.connect(this.node).connect(this.sink).connect(this.context.destination);
  }

  stop() {
    if (!this.stream) return;
    for (const track of this.stream.getTracks()) track.stop();
    this.source.disconnect();
    this.node.disconnect();
    this.sink.disconnect();
    this.stream = null;
  }
}
