// One live interview: follows the server's events, plays questions, streams the microphone,
// submits answers, and after a reconnect resumes from the server's snapshot without losing
// what was typed or spoken (audio chunks are kept until the server has them). Numbered events
// (`event_seq`, docs/protocol.md) are acknowledged, de-duplicated, and the highest one seen is
// sent on resume, so the server replays exactly what this tab missed.
import { emitAck, get } from "./api.js";
import { Microphone, Player } from "./audio.js";

const ACTIVE_KEY = "mockmate.activeInterview";
const BARGE_IN_LEVEL = 0.03; // RMS of speech, well above a quiet room
const BARGE_IN_CHUNKS = 3; // 300 ms of speech while the question plays interrupts it
const PREROLL_CHUNKS = 5; // and the 500 ms before it belong to the answer
const NO_AUDIO_FALLBACK_MS = 15000;

export class LiveInterview {
  constructor(connection, update) {
    this.connection = connection;
    this.socket = connection.socket;
    this.update = update;
    this.sessionId = null;
    this.items = {};
    this.phase = "idle";
    this.notice = "";
    this.level = 0;
    this.draft = "";
    this.lastSeq = 0; // highest event_seq of this.sessionId applied
    this.resetAnswer();
    const numbered = (handler) => (message, ack) => {
      if (typeof ack === "function") ack();
      if (message && typeof message.event_seq === "number" && this.mine(message)) {
        if (message.event_seq <= this.lastSeq) return; // already applied (a replay overlap)
        this.lastSeq = message.event_seq;
      }
      handler(message);
    };
    this.handlers = {
      "interview:question": numbered((m) => this.onQuestion(m)),
      "interview:audio": numbered((m) => this.onAudio(m)),
      "answer:transcript": numbered((m) => this.onTranscript(m)),
      "answer:evaluation": numbered((m) => this.onEvaluation(m)),
      "interview:state": numbered((m) => this.onState(m)),
      "interview:complete": numbered((m) => this.onComplete(m)),
      "gamification:update": numbered((m) => this.onGamification(m)),
      error: numbered((m) => this.onError(m)),
      connect: () => this.resume(),
    };
    for (const [event, handler] of Object.entries(this.handlers)) this.socket.on(event, handler);
  }

  dispose() {
    for (const [event, handler] of Object.entries(this.handlers)) this.socket.off(event, handler);
    this.microphone?.stop();
    this.player?.stop();
    clearTimeout(this.audioTimer);
  }

  resetAnswer() {
    this.chunks = []; // ArrayBuffers of the current spoken answer, index = seq
    this.sentUpTo = 0; // chunks before this were emitted on the current connection
    this.acked = 0; // next_seq of the latest chunk ack: the server holds chunks before it
    this.capturing = false;
    this.pending = null; // an answer to submit once connected: {text} or {audio: true}
    this.loudRun = 0;
    this.preroll = [];
    this.answerStartedAt = null;
    this.interrupted = false; // the answer began by speaking over the question (barge-in)
  }

  mine(message) {
    if (!message) return false;
    if (this.sessionId === null && this.phase === "starting" && message.session_id) {
      this.sessionId = message.session_id;
    }
    return message.session_id === this.sessionId;
  }

  ensureAudio() {
    if (!this.context) {
      this.context = new AudioContext();
      this.player = new Player(this.context);
      this.microphone = new Microphone(this.context, (pcm, level) => this.onMicrophone(pcm, level));
    }
    this.context.resume();
  }

  async start(options) {
    this.options = options;
    this.mode = options.mode;
    this.lastSeq = 0;
    this.items = {};
    this.result = null;
    this.notice = "";
    this.phase = "starting";
    this.ensureAudio(); // inside the click: browsers let audio start only after a gesture
    this.update();
    const { mode, ...payload } = options;
    try {
      const ack = await emitAck(this.socket, "interview:start", { ...payload, audio_format: "pcm_16000" });
      this.sessionId = ack.session_id;
      this.total = ack.total_questions;
      sessionStorage.setItem(ACTIVE_KEY, JSON.stringify({ id: ack.session_id, mode, options }));
      if (this.phase === "starting") this.phase = "waiting";
    } catch (err) {
      this.phase = "idle";
      throw err;
    } finally {
      this.update();
    }
  }

  // After a reload: carry on with the interview this tab was taking.
  restore() {
    const saved = JSON.parse(sessionStorage.getItem(ACTIVE_KEY) || "null");
    if (!saved) return false;
    this.sessionId = saved.id;
    this.lastSeq = 0;
    this.mode = saved.mode;
    this.options = saved.options;
    this.phase = "waiting";
    if (this.connection.connected) this.resume();
    return true;
  }

  adopt(sessionId, mode) {
    this.sessionId = sessionId;
    this.lastSeq = 0;
    this.mode = mode;
    this.options = { mode, speak: true, auto_advance: true };
    sessionStorage.setItem(ACTIVE_KEY, JSON.stringify({ id: sessionId, mode, options: this.options }));
    this.phase = "waiting";
    this.ensureAudio();
    this.resume();
  }

  async resume() {
    if (!this.sessionId || ["idle", "completed", "ended"].includes(this.phase)) return;
    this.sentUpTo = 0;
    this.resuming = true; // chunks wait for the snapshot, which says where to go on from
    this.update();
    let snapshot;
    try {
      const request = { session_id: this.sessionId };
      // Without a number (a reloaded tab), the server goes on from where the last tab got.
      if (this.lastSeq > 0) request.last_event_seq = this.lastSeq;
      const ack = await emitAck(this.socket, "interview:resume", request);
      ({ snapshot } = ack);
      // The log no longer reached back: the snapshot below is the truth from here on.
      if (ack.replayed === false) this.lastSeq = ack.last_event_seq;
    } catch (err) {
      if (err.code === "not_found" || err.code === "forbidden") this.finish("ended");
      return;
    } finally {
      this.resuming = false;
    }
    this.total = snapshot.total;
    for (const answer of snapshot.answers || []) {
      const item = this.item(answer.index);
      item.transcript = item.transcript ?? answer.text;
      if (answer.evaluation) item.evaluation = answer.evaluation;
    }
    if (["completed", "abandoned"].includes(snapshot.state)) {
      this.phase = "finishing";
      this.loadResults();
      return;
    }
    const answered = (snapshot.answers || []).some((a) => a.index === snapshot.index);
    if (snapshot.index !== this.index && snapshot.question) {
      this.onQuestion({ session_id: this.sessionId, index: snapshot.index, total: snapshot.total, question: snapshot.question, resumed: true });
    } else if (answered && this.pending) {
      this.pending = null; // the server has it: its transcript is on the way
    } else {
      // Chunks the server has are counted in bytes; send the rest, then any pending submit.
      let bytes = 0;
      let seq = 0;
      while (seq < this.chunks.length && bytes + this.chunks[seq].byteLength <= (snapshot.received_bytes || 0)) {
        bytes += this.chunks[seq].byteLength;
        seq += 1;
      }
      this.sentUpTo = seq;
      this.acked = seq;
      this.flush();
    }
    if (snapshot.state === "paused") this.phase = "paused";
    this.update();
  }

  item(index) {
    this.items[index] = this.items[index] || { index };
    return this.items[index];
  }

  onQuestion(message) {
    if (!this.mine(message)) return;
    this.index = message.index;
    this.total = message.total;
    this.question = message.question;
    this.item(message.index).question = message.question.text;
    this.resetAnswer();
    this.draft = "";
    this.notice = "";
    this.player.reset();
    clearTimeout(this.audioTimer);
    if (this.options.speak === false || message.resumed) {
      this.asked();
    } else {
      this.phase = "asking";
      this.player.onDone = () => this.asked();
      this.audioTimer = setTimeout(() => { if (!this.player.playing) this.asked(); }, NO_AUDIO_FALLBACK_MS);
    }
    this.update();
  }

  onAudio(message) {
    if (!this.mine(message) || message.index !== this.index || this.phase !== "asking") return;
    clearTimeout(this.audioTimer);
    this.player.push(message);
  }

  async asked() {
    clearTimeout(this.audioTimer);
    if (this.phase === "listening" || this.phase === "typing") return;
    this.answerStartedAt = Date.now();
    if (this.mode !== "voice") {
      this.phase = "typing";
      this.update();
      return;
    }
    try {
      await this.microphone.start();
      this.capturing = true;
      this.phase = "listening";
    } catch (err) {
      this.phase = "typing";
      this.mode = "text";
      this.notice = err && err.name === "NotAllowedError"
        ? "Microphone access was refused, so you can type your answers instead. To speak, allow the microphone for this site in your browser settings and start a new interview."
        : "No microphone could be opened, so you can type your answers instead.";
    }
    this.update();
  }

  onMicrophone(pcm, level) {
    this.level = level;
    if (this.phase === "asking") {
      // Barge-in: the candidate talks over the question, so stop it and start listening.
      this.preroll.push(pcm);
      if (this.preroll.length > PREROLL_CHUNKS) this.preroll.shift();
      this.loudRun = level > BARGE_IN_LEVEL ? this.loudRun + 1 : 0;
      if (this.loudRun >= BARGE_IN_CHUNKS) {
        this.player.reset();
        clearTimeout(this.audioTimer);
        this.phase = "listening";
        this.capturing = true;
        this.interrupted = true;
        this.answerStartedAt = Date.now();
        this.chunks.push(...this.preroll);
        this.preroll = [];
        this.flush();
      }
    } else if (this.capturing) {
      this.chunks.push(pcm);
      this.flush();
    }
    this.update();
  }

  // Sends every chunk not yet sent on this connection, then a pending submit once all are in.
  flush() {
    if (!this.connection.connected || !this.sessionId || this.resuming) return;
    const chunks = this.chunks; // acks for an earlier answer must not count for this one
    while (this.sentUpTo < chunks.length) {
      const seq = this.sentUpTo;
      this.sentUpTo += 1;
      emitAck(this.socket, "answer:chunk", { session_id: this.sessionId, index: this.index, seq, data: chunks[seq] })
        .then((ack) => {
          if (chunks !== this.chunks) return;
          this.acked = Math.max(this.acked, ack.next_seq);
          this.submitIfReady();
        })
        .catch((err) => {
          if (chunks !== this.chunks) return;
          if (err.body && Number.isInteger(err.body.expected_seq) && err.body.expected_seq < this.sentUpTo) {
            this.sentUpTo = err.body.expected_seq;
            this.flush();
          } else if (err.code === "unavailable" && this.connection.connected) {
            // No ack in time: send it (and what follows) again; a repeated seq is stored once.
            this.sentUpTo = Math.min(this.sentUpTo, seq);
            this.flush();
          }
        });
    }
    this.submitIfReady();
  }

  done() {
    if (this.phase !== "listening") return;
    this.capturing = false;
    this.pending = { audio: true, count: this.chunks.length };
    this.phase = "transcribing";
    this.flush();
    this.update();
  }

  submitText(text) {
    if (!text.trim() || this.phase !== "typing") return;
    this.pending = { text };
    this.phase = "transcribing";
    this.submitIfReady();
    this.update();
  }

  async submitIfReady() {
    const pending = this.pending;
    if (!pending || pending.sending || !this.connection.connected) return;
    if (pending.audio && this.acked < pending.count) return;
    pending.sending = true;
    const payload = { session_id: this.sessionId, index: this.index };
    if (pending.text !== undefined) payload.text = pending.text;
    else payload.format = "pcm_16000";
    try {
      await emitAck(this.socket, "answer:submit", payload, 60000);
      if (this.pending === pending) this.pending = null;
      this.draft = "";
    } catch (err) {
      pending.sending = false;
      if (err.code === "conflict") { this.pending = null; return; }
      if (!this.connection.connected) return; // sent again after the resume
      this.pending = null;
      this.notice = `Your answer was not accepted: ${err.message || err.code}. Please answer again.`;
      this.phase = pending.audio ? "listening" : "typing";
      if (pending.audio) { this.resetAnswer(); this.capturing = true; this.answerStartedAt = Date.now(); }
    } finally {
      this.update();
    }
  }

  onTranscript(message) {
    if (!this.mine(message)) return;
    const item = this.item(message.index);
    Object.assign(item, { transcript: message.text, delivery: message.delivery, answerId: message.answer_id });
    if (message.index === this.index && this.phase === "transcribing") {
      this.phase = this.options.auto_advance === false ? "reviewing" : "waiting";
    }
    this.update();
  }

  onEvaluation(message) {
    if (!this.mine(message)) return;
    this.item(message.index).evaluation = message;
    this.update();
  }

  onState(message) {
    if (!this.mine(message)) return;
    this.state = message.state;
    if (message.state === "paused") this.phase = "paused";
    if (message.state === "completed") this.phase = "finishing";
    if (message.state === "abandoned") this.finish("ended");
    this.update();
  }

  onComplete(message) {
    if (!this.mine(message)) return;
    this.phase = "finishing";
    this.loadResults();
  }

  onGamification(message) {
    const parts = [`+${message.xp_gained} XP`];
    if (message.level_up) parts.push(`Level ${message.level}: ${message.level_title}`);
    for (const badge of message.badges_unlocked || []) parts.push(`Badge earned: ${badge.title}`);
    this.toast = parts.join(" · ");
    this.update();
  }

  onError(message) {
    if (message.session_id && message.session_id !== this.sessionId) return;
    this.notice = message.message || "Something went wrong.";
    if (this.phase === "transcribing" && message.retryable) {
      this.notice = "Your answer could not be transcribed. Please answer again.";
      this.resetAnswer();
      this.phase = this.mode === "voice" ? "listening" : "typing";
      this.capturing = this.mode === "voice";
      this.answerStartedAt = Date.now();
    }
    if (this.phase === "asking" && message.index === this.index) this.asked();
    this.update();
  }

  async loadResults() {
    try {
      const { interview } = await get(`/api/interviews/${this.sessionId}`);
      this.result = interview;
      this.finish("completed");
    } catch {
      this.notice = "The results could not be loaded. Open them from History.";
      this.finish("completed");
    }
  }

  finish(phase) {
    this.phase = phase;
    this.capturing = false;
    this.microphone?.stop();
    this.player?.stop();
    sessionStorage.removeItem(ACTIVE_KEY);
    this.update();
  }

  async command(event) {
    if (event === "interview:repeat" || event === "interview:skip") this.resetAnswer();
    const ack = await emitAck(this.socket, event, { session_id: this.sessionId });
    if (ack.state === "paused") this.phase = "paused";
    this.update();
    return ack;
  }
}
