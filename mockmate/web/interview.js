// The Interview page: the start form, then the live interview (question, microphone or text
// area, controls, transcript and feedback), then its results.
import { html, useEffect, useReducer, useRef, useState } from "./vendor/preact-htm.module.js";
import { describe, fmtClock } from "./api.js";
import { LiveInterview } from "./live.js";
import { Evaluation, Results, Transcript } from "./results.js";

const TEMPLATES = [
  ["", "None (use the fields above)"], ["faang_behavioral", "FAANG behavioral"],
  ["swe_technical", "Software engineer, technical"], ["product_manager", "Product manager"],
  ["data_science", "Data science"], ["engineering_manager", "Engineering manager"],
];

const STATUS = {
  starting: "Starting the interview", waiting: "Preparing the next question",
  asking: "Asking the question", listening: "Listening", typing: "Waiting for your answer",
  transcribing: "Transcribing", reviewing: "Answer received", paused: "Paused",
  finishing: "Scoring your answers", completed: "Interview complete", ended: "Interview ended",
};

function StartForm({ onStart, busy, error, active }) {
  function submit(event) {
    event.preventDefault();
    const f = new FormData(event.target);
    const own = String(f.get("own") || "").split("\n").map((s) => s.trim()).filter(Boolean);
    const options = {
      role: String(f.get("role")).trim(),
      job_description: String(f.get("job_description") || ""),
      resume_text: String(f.get("resume_text") || ""),
      interview_type: f.get("interview_type"),
      difficulty: f.get("difficulty"),
      question_count: Number(f.get("question_count")),
      mode: f.get("mode"),
      speak: f.get("speak") === "on",
      auto_advance: f.get("auto_advance") === "on",
      adaptive: f.get("adaptive") === "on",
    };
    if (f.get("template")) options.template = f.get("template");
    if (f.get("voice")) options.voice = f.get("voice");
    if (own.length) options.questions = own.map((text) => ({ text }));
    onStart(options);
  }
  return html`
    <section class="card" aria-labelledby="start-title">
      <h1 id="start-title">Practice interview</h1>
      <p class="muted">Tell us about the job. Questions are spoken aloud; answer by voice or in writing.</p>
      <form class="grid-form" onSubmit=${submit}>
        <label class="wide">Role<input name="role" required maxlength="200" placeholder="e.g. Backend engineer" /></label>
        <label class="wide">Job description<textarea name="job_description" rows="3" placeholder="Paste the job ad (optional)"></textarea></label>
        <label class="wide">Resume<textarea name="resume_text" rows="3" placeholder="Paste your resume as text (optional)"></textarea></label>
        <label>Interview type<select name="interview_type">
          <option value="behavioral">behavioral</option><option value="technical">technical</option><option value="mixed">mixed</option></select></label>
        <label>Difficulty<select name="difficulty">
          <option value="junior">junior</option><option value="mid" selected>mid</option><option value="senior">senior</option></select></label>
        <label>Number of questions<input name="question_count" type="number" min="1" max="20" value="3" required /></label>
        <label>Answer mode<select name="mode"><option value="voice">Voice</option><option value="text">Text</option></select></label>
        <label>Template<select name="template">${TEMPLATES.map(([v, n]) => html`<option value=${v}>${n}</option>`)}</select></label>
        <label>Voice<select name="voice"><option value="">Default voice</option><option value="professional_male">Professional, male</option><option value="professional_female">Professional, female</option><option value="stern">Stern</option></select></label>
        <label class="wide">Your own questions<textarea name="own" rows="2" placeholder="One per line (optional): asked first, in order"></textarea></label>
        <fieldset class="wide checks"><legend>Options</legend>
          <label class="check"><input type="checkbox" name="speak" defaultChecked /> Read questions aloud</label>
          <label class="check"><input type="checkbox" name="auto_advance" defaultChecked /> Move on automatically</label>
          <label class="check"><input type="checkbox" name="adaptive" defaultChecked /> Follow-up questions</label>
        </fieldset>
        ${error && html`<p class="error wide" role="alert">${error}</p>`}
        ${active && html`<p class="wide"><button type="button" onClick=${active}>Continue the active interview</button></p>`}
        <div class="wide"><button class="primary" type="submit" disabled=${busy}>Start interview</button></div>
      </form>
    </section>`;
}

function Meter({ level }) {
  const pct = Math.min(100, Math.round(Math.sqrt(level) * 220));
  return html`<div class="meter" role="meter" aria-label="Microphone level" aria-valuemin="0" aria-valuemax="100" aria-valuenow=${pct}>
    <span style=${`width:${pct}%`}></span></div>`;
}

function Clock({ since }) {
  const [, tick] = useReducer((n) => n + 1, 0);
  useEffect(() => { const t = setInterval(tick, 250); return () => clearInterval(t); }, []);
  return html`<p class="clock">Answer time <span class="mono">${fmtClock((Date.now() - since) / 1000)}</span></p>`;
}

function Controls({ live, onError }) {
  const [confirming, setConfirming] = useState(false);
  const run = (event) => live.command(event).catch((err) => onError(describe(err)));
  const paused = live.phase === "paused";
  return html`
    <div class="controls">
      <button type="button" onClick=${() => run("interview:skip")} disabled=${paused}>Skip question</button>
      <button type="button" onClick=${() => run("interview:repeat")} disabled=${paused}>Repeat question</button>
      ${paused
        ? html`<button type="button" onClick=${() => live.resume()}>Resume</button>`
        : html`<button type="button" onClick=${() => run("interview:pause")}>Pause</button>`}
      ${live.options?.auto_advance === false && live.phase === "reviewing" &&
        html`<button type="button" class="primary" onClick=${() => run("interview:next")}>Next question</button>`}
      <button type="button" class="danger" onClick=${() => setConfirming(true)}>End interview</button>
    </div>
    ${confirming && html`
      <div class="confirm" role="dialog" aria-modal="false" aria-labelledby="end-title">
        <p id="end-title">End the interview now? Answers so far are kept and scored.</p>
        <button type="button" class="danger" onClick=${() => { setConfirming(false); run("interview:end"); }}>Yes, end it</button>
        <button type="button" onClick=${() => setConfirming(false)}>No, keep going</button>
      </div>`}`;
}

function Live({ live, connectionStatus }) {
  const [error, setError] = useState("");
  const answerRef = useRef(null);
  useEffect(() => {
    const onKey = (event) => {
      const tag = (event.target && event.target.tagName) || "";
      if (event.code === "Space" && live.phase === "listening" && !["INPUT", "TEXTAREA", "SELECT", "BUTTON"].includes(tag)) {
        event.preventDefault();
        live.done();
      }
    };
    addEventListener("keydown", onKey);
    return () => removeEventListener("keydown", onKey);
  }, [live]);
  const status = connectionStatus !== "connected" ? "Reconnecting" : STATUS[live.phase] || "";
  const items = Object.values(live.items).sort((a, b) => a.index - b.index);
  const done = live.phase === "completed";
  return html`
    <section class="live">
      <p class=${`status ${connectionStatus !== "connected" ? "warn" : ""}`} role="status" aria-live="polite">${status}</p>
      ${live.toast && html`<p class="toast">${live.toast}</p>`}
      ${live.notice && html`<p class="notice" role="alert">${live.notice}</p>`}
      ${error && html`<p class="error" role="alert">${error}</p>`}
      ${!done && live.question && html`
        <div class="card question-card">
          <h2>Question ${live.index + 1} of ${live.total}</h2>
          <section aria-label="Question" class="question"><p>${live.question.text}</p>
            <p class="muted small">${live.question.category}${live.question.skills?.length ? ` · ${live.question.skills.join(", ")}` : ""}</p></section>
          ${live.mode === "voice" && ["listening", "asking"].includes(live.phase) && html`
            <div class="voice">
              <${Meter} level=${live.level} />
              ${live.phase === "listening" && html`<${Clock} since=${live.answerStartedAt} />`}
              <button type="button" class="primary big" disabled=${live.phase !== "listening"} onClick=${() => live.done()}>Done answering</button>
              ${live.interrupted && live.phase === "listening" && html`<p class="small">You spoke over the question, so it stopped. Listening to your answer.</p>`}
              <p class="muted small">Press Space to finish. Speaking while the question plays interrupts it.</p>
            </div>`}
          ${live.mode !== "voice" && html`
            <form class="text-answer" onSubmit=${(e) => { e.preventDefault(); live.submitText(live.draft); }}>
              <label>Your answer<textarea ref=${answerRef} rows="6" value=${live.draft}
                onInput=${(e) => { live.draft = e.target.value; }} disabled=${live.phase !== "typing"}></textarea></label>
              ${live.phase === "typing" && live.answerStartedAt && html`<${Clock} since=${live.answerStartedAt} />`}
              <button class="primary" type="submit" disabled=${live.phase !== "typing"}>Submit answer</button>
            </form>`}
          <${Controls} live=${live} onError=${setError} />
        </div>`}
      ${done && live.result && html`<${Results} interview=${live.result} />`}
      ${!done && html`
        <div class="two-col">
          <section aria-label="Transcript" class="card">
            <h2>Transcript</h2>
            ${items.filter((i) => i.transcript !== undefined).length === 0 && html`<p class="muted">Your answers appear here.</p>`}
            ${items.filter((i) => i.transcript !== undefined).map((i) => html`
              <article class="qa"><h3>Q${i.index + 1}. ${i.question}</h3>
                <${Transcript} text=${i.transcript} evidence=${i.evaluation?.evidence} /></article>`)}
          </section>
          <section aria-label="Feedback" class="card">
            <h2>Feedback</h2>
            ${items.filter((i) => i.evaluation).length === 0 && html`<p class="muted">Scores and tips appear here as each answer is evaluated.</p>`}
            ${items.filter((i) => i.evaluation).map((i) => html`
              <article class="qa"><h3>Q${i.index + 1}</h3><${Evaluation} evaluation=${i.evaluation} delivery=${i.delivery} /></article>`)}
          </section>
        </div>`}
    </section>`;
}

export function InterviewPage({ connection }) {
  const [, rerender] = useReducer((n) => n + 1, 0);
  const [status, setStatus] = useState(connection.status === "connecting" ? "connected" : connection.status);
  const [live] = useState(() => new LiveInterview(connection, rerender));
  const [error, setError] = useState("");
  const [active, setActive] = useState(null);
  useEffect(() => {
    live.restore();
    const off = connection.subscribe((s) => setStatus(s));
    return () => { off(); live.dispose(); };
  }, []);

  async function start(options) {
    setError("");
    setActive(null);
    try {
      await live.start(options);
    } catch (err) {
      setError(describe(err, { limit_reached: "You already have an interview in progress." }));
      if (err.code === "limit_reached" && err.body.session_id) {
        setActive(() => () => { setActive(null); live.adopt(err.body.session_id, options.mode); });
      }
    }
  }
  if (live.phase === "idle" || (live.phase === "ended" && !live.result)) {
    return html`<${StartForm} onStart=${start} busy=${false} error=${error} active=${active} />`;
  }
  return html`
    <${Live} live=${live} connectionStatus=${status} />
    ${["completed", "ended"].includes(live.phase) && html`
      <p class="again"><button type="button" class="primary" onClick=${() => { live.phase = "idle"; live.question = null; rerender(); }}>Practice again</button></p>`}`;
}
