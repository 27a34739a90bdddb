// Evaluations, transcripts with evidence highlighted, an interview's results, and History.
/* global Chart */
import { html, useEffect, useRef, useState } from "./vendor/preact-htm.module.js";
import { describe, fmtScore, fmtWhen, get } from "./api.js";

export const RUBRIC = [
  ["relevance", "Relevance"], ["examples", "Examples"], ["clarity", "Clarity"],
  ["technical_accuracy", "Technical accuracy"], ["job_alignment", "Job alignment"],
];
const STAR = [["situation", "Situation"], ["task", "Task"], ["action", "Action"], ["result", "Result"]];

// The transcript with each evidence quote found in it wrapped in <mark>.
export function Transcript({ text, evidence }) {
  if (!text) return html`<p class="muted">(no words were recognised)</p>`;
  const quotes = (evidence || []).map((q) => String(q).trim()).filter((q) => q.length > 3);
  const lower = text.toLowerCase();
  const ranges = [];
  for (const quote of quotes) {
    const at = lower.indexOf(quote.toLowerCase());
    if (at >= 0 && !ranges.some(([s, e]) => at < e && at + quote.length > s)) ranges.push([at, at + quote.length]);
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const parts = [];
  let cursor = 0;
  for (const [s, e] of ranges) {
    parts.push(text.slice(cursor, s), html`<mark>${text.slice(s, e)}</mark>`);
    cursor = e;
  }
  parts.push(text.slice(cursor));
  return html`<p class="transcript">${parts}</p>`;
}

function List({ title, items }) {
  if (!items || !items.length) return null;
  return html`<div><h4>${title}</h4><ul>${items.map((t) => html`<li>${t}</li>`)}</ul></div>`;
}

export function Delivery({ delivery }) {
  if (!delivery) return null;
  const fillers = Object.entries(delivery.filler_words || {});
  const fillerCount = fillers.reduce((n, [, c]) => n + c, 0);
  return html`<dl class="delivery">
    <div><dt>Pace</dt><dd>${Math.round(delivery.words_per_minute || 0)} wpm${delivery.pace ? ` (${delivery.pace})` : ""}</dd></div>
    <div><dt>Fillers</dt><dd>${fillerCount}${fillers.length ? ` (${fillers.map(([w, c]) => `${w} ×${c}`).join(", ")})` : ""}</dd></div>
    <div><dt>Pauses</dt><dd>${delivery.pause_count || 0}${delivery.longest_pause_s ? `, longest ${delivery.longest_pause_s.toFixed(1)} s` : ""}</dd></div>
  </dl>`;
}

export function Evaluation({ evaluation, delivery }) {
  const e = evaluation;
  const star = e.star || {};
  return html`<div class="evaluation">
    <p class="score"><span class="score-num">${fmtScore(e.score)}</span><span class="muted small">${e.source === "llm" ? "AI evaluation" : "Offline evaluation"}</span></p>
    <div class="bars">${RUBRIC.map(([key, name]) => html`
      <div class="bar-row"><span>${name}</span>
        <div class="bar" role="meter" aria-label=${name} aria-valuemin="0" aria-valuemax="10" aria-valuenow=${e.rubric?.[key] ?? 0}>
          <span style=${`width:${((e.rubric?.[key] ?? 0) / 10) * 100}%`}></span></div>
        <span class="mono">${e.rubric?.[key] ?? "–"}</span></div>`)}
    </div>
    <p class="star">STAR: ${STAR.map(([k, n]) => html`<span class=${star[k] ? "found" : "missing"}>${n} ${star[k] ? "found" : "missing"}</span>`)}</p>
    <div class="lists">
      <${List} title="Strengths" items=${e.strengths} />
      <${List} title="Weaknesses" items=${e.weaknesses} />
      <${List} title="Tips" items=${e.tips} />
    </div>
    ${e.evidence?.length ? html`<p class="muted small">Highlighted: what the evaluation quoted from your answer.</p>` : null}
    <${Delivery} delivery=${delivery} />
  </div>`;
}

export function ChartCanvas({ label, config }) {
  const ref = useRef(null);
  useEffect(() => {
    if (!ref.current || typeof Chart === "undefined") return undefined;
    const chart = new Chart(ref.current, { ...config, options: { responsive: true, maintainAspectRatio: false, animation: false, ...config.options } });
    return () => chart.destroy();
  }, [JSON.stringify(config.data)]);
  return html`<div class="chart"><canvas ref=${ref} role="img" aria-label=${label}></canvas></div>`;
}

export function Results({ interview }) {
  const answers = [...(interview.answers || [])].sort((a, b) => a.index - b.index);
  const evaluated = answers.filter((a) => a.evaluation);
  const averages = RUBRIC.map(([key]) => {
    const values = evaluated.map((a) => a.evaluation.rubric?.[key]).filter((v) => typeof v === "number");
    return values.length ? values.reduce((s, v) => s + v, 0) / values.length : 0;
  });
  const categories = Object.entries(interview.category_scores || {});
  return html`
    <section aria-label="Results" class="card results">
      <h2>Results${interview.role ? `: ${interview.role}` : ""}</h2>
      <div class="overall">
        <p><span class="muted">Overall score</span><span class="score-num big">${fmtScore(interview.overall_score)}</span></p>
        <p class="muted small">${interview.interview_type || ""} · ${interview.difficulty || ""} · ${interview.answered ?? answers.length} answered${interview.skipped?.length ? ` · ${interview.skipped.length} skipped` : ""} · ${fmtWhen(interview.created_at)}</p>
      </div>
      ${categories.length > 0 && html`<ul class="chips">${categories.map(([c, s]) => html`<li>${c}: <strong>${fmtScore(s)}</strong></li>`)}</ul>`}
      ${evaluated.length > 0 && html`<${ChartCanvas} label="Rubric chart" config=${{
        type: "bar",
        data: { labels: RUBRIC.map(([, n]) => n), datasets: [{ label: "Average (out of 10)", data: averages, backgroundColor: "#6366f1" }] },
        options: { indexAxis: "y", scales: { x: { min: 0, max: 10 } }, plugins: { legend: { display: false } } },
      }} />`}
      ${answers.map((a) => html`
        <article class="qa">
          <h3>Q${a.index + 1}. ${a.question || interview.questions?.[a.index]?.text}</h3>
          <${Transcript} text=${a.transcript?.text ?? a.transcript} evidence=${a.evaluation?.evidence} />
          ${a.evaluation ? html`<${Evaluation} evaluation=${a.evaluation} delivery=${a.delivery} />` : html`<${Delivery} delivery=${a.delivery} />`}
        </article>`)}
    </section>`;
}

export function InterviewResultsPage({ id }) {
  const [interview, setInterview] = useState(null);
  const [error, setError] = useState("");
  useEffect(() => {
    get(`/api/interviews/${encodeURIComponent(id)}`).then((d) => setInterview(d.interview)).catch((e) => setError(describe(e)));
  }, [id]);
  return html`<p><a href="#/history">← All interviews</a></p>
    ${error && html`<p class="error" role="alert">${error}</p>`}
    ${interview ? html`<${Results} interview=${interview} />` : !error && html`<p class="muted">Loading…</p>`}`;
}

export function HistoryPage() {
  const [page, setPage] = useState(1);
  const [data, setData] = useState(null);
  const [error, setError] = useState("");
  useEffect(() => {
    get(`/api/interviews?page=${page}`).then(setData).catch((e) => setError(describe(e)));
  }, [page]);
  const pages = data ? Math.max(1, Math.ceil(data.total / data.per_page)) : 1;
  return html`
    <section class="card" aria-labelledby="history-title">
      <h1 id="history-title">History</h1>
      ${error && html`<p class="error" role="alert">${error}</p>`}
      ${data && data.interviews.length === 0 && html`<p class="muted">No interviews yet. <a href="#/interview">Start one</a>.</p>`}
      ${data && html`<ul class="history" aria-label="Past interviews">${data.interviews.map((i) => html`
        <li><a href=${`#/history/${i.id}`}>
          <strong>${i.role || "Interview"}</strong>
          <span class="muted">${fmtWhen(i.created_at)} · ${i.interview_type} · ${i.difficulty}</span>
          <span class=${`pill ${i.status}`}>${i.status.replace("_", " ")}</span>
          <span class="score-num">${fmtScore(i.overall_score)}</span></a></li>`)}</ul>
        <div class="pager">
          <button type="button" disabled=${page <= 1} onClick=${() => setPage(page - 1)}>Previous page</button>
          <span>Page ${page} of ${pages}</span>
          <button type="button" disabled=${page >= pages} onClick=${() => setPage(page + 1)}>Next page</button>
        </div>`}
    </section>`;
}
