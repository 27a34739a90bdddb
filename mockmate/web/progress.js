// Progress: level and XP, streak, badges (earned and locked), today's challenges, goals, and
// statistics with the score trend.
import { html, useEffect, useState } from "./vendor/preact-htm.module.js";
import { describe, fmtScore, get, post } from "./api.js";
import { ChartCanvas } from "./results.js";

const GOAL_KINDS = [
  ["practice_frequency", "Practice sessions"], ["score_improvement", "Improve my score"],
  ["category_mastery", "Master a category"], ["streak_maintenance", "Keep a streak"],
];

// The browser's local date `days` from today, as a date input's value (YYYY-MM-DD).
function localDate(days) {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

function Goals({ goals, onChange }) {
  const [error, setError] = useState("");
  async function add(event) {
    event.preventDefault();
    const f = new FormData(event.target);
    const body = { kind: f.get("kind"), target: Number(f.get("target")), deadline: f.get("deadline") };
    if (f.get("category")) body.category = f.get("category");
    try {
      await post("/api/me/goals", body);
      setError("");
      event.target.reset();
      onChange();
    } catch (err) { setError(describe(err)); }
  }
  return html`<section aria-label="Goals" class="card">
    <h2>Goals</h2>
    ${goals.length === 0 && html`<p class="muted">No goals yet.</p>`}
    <ul class="goals">${goals.map((g) => html`<li>
      <span>${g.title}</span>
      <progress max="1" value=${g.fraction || 0} aria-label=${`${g.title} progress`}></progress>
      <span class="muted small">${g.progress}/${g.target} · ${g.status}${g.deadline ? ` · by ${g.deadline}` : ""}</span></li>`)}</ul>
    <form class="inline-form" onSubmit=${add}>
      <label>Goal<select name="kind">${GOAL_KINDS.map(([v, n]) => html`<option value=${v}>${n}</option>`)}</select></label>
      <label>Target<input name="target" type="number" min="1" defaultValue="5" required /></label>
      <label>Deadline<input name="deadline" type="date" required min=${localDate(0)} defaultValue=${localDate(14)} /></label>
      <label>Category<input name="category" placeholder="optional" /></label>
      <button type="submit">Add goal</button>
    </form>
    ${error && html`<p class="error" role="alert">${error}</p>`}
  </section>`;
}

export function ProgressPage({ connection }) {
  const [g, setG] = useState(null);
  const [stats, setStats] = useState(null);
  const [goals, setGoals] = useState([]);
  const [error, setError] = useState("");
  const [message, setMessage] = useState("");
  const load = () => Promise.all([get("/api/me/gamification"), get("/api/me/statistics"), get("/api/me/goals")])
    .then(([gam, st, gl]) => { setG(gam); setStats(st.statistics); setGoals(gl.goals); })
    .catch((e) => setError(describe(e)));
  useEffect(() => {
    load();
    // XP, badges and challenges move as answers are scored: follow them live.
    const onUpdate = () => load();
    connection?.socket.on("gamification:update", onUpdate);
    return () => connection?.socket.off("gamification:update", onUpdate);
  }, []);
  async function claim(id) {
    try {
      const r = await post(`/api/me/challenges/${id}/claim`);
      setMessage(`Claimed: +${r.challenge.reward_xp} XP`);
      load();
    } catch (err) { setError(describe(err)); }
  }
  if (error && !g) return html`<p class="error" role="alert">${error}</p>`;
  if (!g) return html`<p class="muted">Loading…</p>`;
  const catalog = g.badge_catalog || g.badges || [];
  const trend = (stats?.weekly_scores || []).filter((w) => w.average_score !== null);
  return html`
    <h1>Progress</h1>
    ${message && html`<p class="toast" role="status">${message}</p>`}
    ${error && html`<p class="error" role="alert">${error}</p>`}
    <section class="card stats-head" aria-label="Level and XP">
      <div><p class="muted">Level</p><p class="big-num">${g.level}</p><p>${g.level_title}</p></div>
      <div class="xp"><p class="muted">XP</p><p class="big-num">${g.xp}</p>
        <progress max="1" value=${g.level_progress || 0} aria-label="XP towards the next level"></progress>
        <p class="muted small">${g.next_level_xp ? `${g.next_level_xp} XP for the next level` : "Top level"}</p></div>
      <div><p class="muted">Streak</p><p class="big-num">${g.streak?.current ?? 0}</p>
        <p class="muted small">days · longest ${g.streak?.longest ?? 0} · ${g.streak?.freezes ?? 0} freezes</p></div>
    </section>
    <div class="two-col">
      <section aria-label="Challenges" class="card">
        <h2>Challenges</h2>
        ${(g.challenges || []).length === 0 && html`<p class="muted">No challenges today.</p>`}
        <ul class="challenges">${(g.challenges || []).map((c) => html`<li>
          <div><strong>${c.title}</strong><p class="muted small">${c.description}</p>
            <progress max=${c.target} value=${Math.min(c.progress, c.target)} aria-label=${`${c.title} progress`}></progress>
            <span class="small">${c.progress}/${c.target} · ${c.reward_xp} XP</span></div>
          ${c.claimed ? html`<span class="pill completed">claimed</span>`
            : html`<button type="button" disabled=${!c.completed || c.expired} onClick=${() => claim(c.id)} aria-label=${`Claim ${c.title}`}>Claim</button>`}
        </li>`)}</ul>
      </section>
      <section aria-label="Statistics" class="card">
        <h2>Statistics</h2>
        <dl class="facts">
          <div><dt>Interviews</dt><dd>${stats?.completed_interviews ?? 0} completed of ${stats?.total_interviews ?? 0}</dd></div>
          <div><dt>Questions answered</dt><dd>${stats?.questions_answered ?? 0}</dd></div>
          <div><dt>Average score</dt><dd>${fmtScore(stats?.average_score)}</dd></div>
          <div><dt>Strongest category</dt><dd>${stats?.strongest_category || "–"}</dd></div>
          <div><dt>Weakest category</dt><dd>${stats?.weakest_category || "–"}</dd></div>
        </dl>
        <${ChartCanvas} label="Score trend" config=${{
          type: "line",
          data: { labels: trend.map((w) => w.week), datasets: [{ label: "Average score", data: trend.map((w) => w.average_score), borderColor: "#4f46e5", backgroundColor: "#c7d2fe", tension: 0.3, fill: true }] },
          options: { scales: { y: { min: 0, max: 10 } }, plugins: { legend: { display: false } } },
        }} />
      </section>
    </div>
    <section aria-label="Badges" class="card">
      <h2>Badges</h2>
      <ul class="badges">${catalog.map((b) => {
        const earned = b.earned ?? Boolean(b.earned_at);
        return html`<li class=${earned ? "earned" : "locked"}>
          <span class="badge-icon" aria-hidden="true">${earned ? "★" : "☆"}</span>
          <strong>${b.title}</strong>
          <span class="small">${earned ? "Earned" : "Locked"}${!earned && typeof b.progress === "number" ? ` · ${Math.round(b.progress * 100)}%` : ""}</span>
          <span class="muted small">${b.description}</span></li>`;
      })}</ul>
    </section>
    <${Goals} goals=${goals} onChange=${load} />`;
}
