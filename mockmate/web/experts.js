// Experts (search, an expert's page with slots in the browser's time zone, booking and test
// payment) and Bookings (status, cancellation with its refund, feedback).
import { html, useEffect, useState } from "./vendor/preact-htm.module.js";
import { describe, fmtMoney, fmtWhen, get, post } from "./api.js";

const SPECIALTIES = ["behavioral", "technical", "case_study", "system_design", "product", "leadership"];
const SESSION_TYPES = ["mock_interview", "resume_review", "career_coaching", "salary_negotiation"];
const label = (s) => s.replace(/_/g, " ");
const TIME_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
const name = (e) => `${e.first_name || ""} ${e.last_name || ""}`.trim() || "Expert";
const isoDay = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;

export function ExpertsPage() {
  const [filters, setFilters] = useState({ specialty: "", session_type: "", max_price: "" });
  const [text, setText] = useState("");
  const [data, setData] = useState(null);
  const [error, setError] = useState("");
  useEffect(() => {
    const q = new URLSearchParams();
    if (filters.specialty) q.set("specialty", filters.specialty);
    if (filters.session_type) q.set("session_type", filters.session_type);
    if (filters.max_price) q.set("max_price_cents", String(Math.round(Number(filters.max_price) * 100)));
    if (text.trim()) q.set("q", text.trim());
    // The server searches every expert (not just this page); wait for a pause in typing.
    const timer = setTimeout(() => {
      get(`/api/experts?${q}`).then((d) => { setError(""); setData(d); }).catch((e) => setError(describe(e)));
    }, text.trim() ? 250 : 0);
    return () => clearTimeout(timer);
  }, [JSON.stringify(filters), text.trim()]);
  const shown = data?.experts || [];
  const set = (key) => (event) => setFilters({ ...filters, [key]: event.target.value });
  return html`
    <section class="card" aria-labelledby="experts-title">
      <h1 id="experts-title">Experts</h1>
      <p class="muted">Book a session with an interviewer who has been there.</p>
      <div class="filters">
        <label class="grow">Search experts<input type="search" value=${text} onInput=${(e) => setText(e.target.value)} placeholder="Name, company, role…" /></label>
        <label>Specialty<select onChange=${set("specialty")}><option value="">Any</option>${SPECIALTIES.map((s) => html`<option value=${s}>${label(s)}</option>`)}</select></label>
        <label>Session type<select onChange=${set("session_type")}><option value="">Any</option>${SESSION_TYPES.map((s) => html`<option value=${s}>${label(s)}</option>`)}</select></label>
        <label>Max price per hour<input type="number" min="0" step="1" onChange=${set("max_price")} /></label>
      </div>
      ${error && html`<p class="error" role="alert">${error}</p>`}
      ${data && shown.length === 0 && html`<p class="muted">No experts match.</p>`}
      <ul class="experts">${shown.map(({ expert: e, reason }) => html`<li class="expert">
        <div class="avatar" aria-hidden="true">${name(e).slice(0, 1)}</div>
        <div><a href=${`#/experts/${e.id}`}><strong>${name(e)}</strong></a>
          <p class="small">${e.current_role} at ${e.current_company} · ${e.years_experience} years</p>
          <p class="muted small">${(e.specialties || []).map((s) => label(s.type)).join(", ")}${reason ? ` · ${reason}` : ""}</p></div>
        <p class="price">${Object.entries(e.pricing || {}).slice(0, 1).map(([, p]) => `${fmtMoney(p.hourly_cents, e.currency || "USD")}/h`)}</p>
      </li>`)}</ul>
    </section>`;
}

export function ExpertPage({ id }) {
  const [expert, setExpert] = useState(null);
  const [slots, setSlots] = useState(null);
  const [sessionType, setSessionType] = useState("");
  const [chosen, setChosen] = useState(null);
  const [booking, setBooking] = useState(null);
  const [error, setError] = useState("");
  useEffect(() => {
    get(`/api/experts/${encodeURIComponent(id)}`).then((d) => {
      setExpert(d.expert);
      setSessionType(d.expert.session_types?.[0] || "mock_interview");
    }).catch((e) => setError(describe(e)));
  }, [id]);
  useEffect(() => {
    if (!sessionType) return;
    const from = new Date();
    const to = new Date(Date.now() + 7 * 86400000);
    const q = new URLSearchParams({ from: isoDay(from), to: isoDay(to), tz: TIME_ZONE, session_type: sessionType, duration_min: "60" });
    get(`/api/experts/${encodeURIComponent(id)}/slots?${q}`)
      .then((d) => setSlots(d.slots.filter((s) => new Date(s.start) > new Date()).slice(0, 24)))
      .catch((e) => setError(describe(e)));
  }, [id, sessionType]);
  async function book() {
    setError("");
    try {
      const r = await post("/api/bookings", { expert_id: id, session_type: sessionType, start: chosen.start, duration_min: 60 });
      setBooking(r);
    } catch (err) { setError(describe(err, { conflict: "That time was just taken. Please choose another." })); }
  }
  async function pay() {
    try {
      const r = await post(`/api/bookings/${booking.booking.id}/test-payment`, { succeed: true });
      setBooking({ ...booking, booking: r.booking || { ...booking.booking, status: "confirmed" }, paid: true });
    } catch (err) { setError(describe(err)); }
  }
  if (!expert) return error ? html`<p class="error" role="alert">${error}</p>` : html`<p class="muted">Loading…</p>`;
  const slotText = (s) => new Date(s.start).toLocaleString(undefined, { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
  return html`
    <p><a href="#/experts">← All experts</a></p>
    <section class="card" aria-labelledby="expert-title">
      <div class="expert-head"><div class="avatar big" aria-hidden="true">${name(expert).slice(0, 1)}</div>
        <div><h1 id="expert-title">${name(expert)}</h1>
          <p>${expert.current_role} at ${expert.current_company} · ${expert.years_experience} years</p>
          <p class="muted small">${(expert.languages || []).join(", ")} · ${(expert.industries || []).join(", ")}</p></div></div>
      <p>${expert.bio}</p>
      <label>Session type<select value=${sessionType} onChange=${(e) => { setSessionType(e.target.value); setChosen(null); }}>
        ${(expert.session_types || []).map((s) => html`<option value=${s}>${label(s)} · ${fmtMoney(expert.pricing[s].hourly_cents, expert.currency || "USD")}/h</option>`)}</select></label>
    </section>
    <section class="card" aria-label="Available times">
      <h2>Available times</h2>
      <p class="muted small">Shown in your time zone (${TIME_ZONE}), one hour each.</p>
      ${slots && slots.length === 0 && html`<p class="muted">No free times in the next week.</p>`}
      <div class="slots">${(slots || []).map((s) => html`
        <button type="button" class="slot" aria-pressed=${chosen?.start === s.start} onClick=${() => setChosen(s)}>${slotText(s)}</button>`)}</div>
    </section>
    <section class="card" aria-label="Your booking">
      ${!chosen && !booking && html`<p class="muted">Choose a time above, then book it.</p>`}
      ${chosen && html`<p>Selected: <strong>${slotText(chosen)}</strong> · ${fmtMoney(chosen.price_cents, chosen.currency)}</p>`}
      ${!booking && html`<button type="button" class="primary" disabled=${!chosen} onClick=${book}>Book</button>`}
      ${error && html`<p class="error" role="alert">${error}</p>`}
      ${booking && html`<div class="booked" role="status">
        <p>Booking ${booking.booking.status === "confirmed" ? "confirmed" : "held"}: ${fmtWhen(booking.booking.start)} · ${fmtMoney(booking.booking.price_cents, booking.booking.currency)}</p>
        ${booking.booking.status === "pending_payment" && booking.payment?.provider === "test" &&
          html`<button type="button" class="primary" onClick=${pay}>Pay (test mode)</button>`}
        ${booking.booking.status === "pending_payment" && booking.payment?.provider === "stripe" &&
          html`<p class="muted">Payment is taken by Stripe; this client shows test mode only.</p>`}
        ${booking.booking.status === "confirmed" && html`<p><a href="#/bookings">See my bookings</a></p>`}
      </div>`}
    </section>`;
}

function Feedback({ booking, onDone }) {
  const [error, setError] = useState("");
  async function send(event) {
    event.preventDefault();
    const f = new FormData(event.target);
    const n = (k) => Number(f.get(k));
    try {
      await post(`/api/bookings/${booking.id}/feedback`, {
        rating: n("rating"), preparation: n("rating"), communication: n("rating"), expertise: n("rating"),
        helpfulness: n("rating"), would_recommend: f.get("recommend") === "on", comment: String(f.get("comment") || ""),
      });
      onDone();
    } catch (err) { setError(describe(err)); }
  }
  return html`<form class="inline-form" onSubmit=${send}>
    <label>Rating<select name="rating">${[5, 4, 3, 2, 1].map((r) => html`<option value=${r}>${r} of 5</option>`)}</select></label>
    <label class="check"><input type="checkbox" name="recommend" defaultChecked /> I would recommend</label>
    <label class="grow">Comment<input name="comment" /></label>
    <button type="submit">Send feedback</button>
    ${error && html`<p class="error" role="alert">${error}</p>`}
  </form>`;
}

export function BookingsPage() {
  const [bookings, setBookings] = useState(null);
  const [error, setError] = useState("");
  const [note, setNote] = useState("");
  const load = () => get("/api/bookings").then((d) => setBookings(d.bookings)).catch((e) => setError(describe(e)));
  useEffect(() => { load(); }, []);
  async function cancel(b) {
    if (!confirm("Cancel this booking?")) return;
    try {
      const r = await post(`/api/bookings/${b.id}/cancel`, { reason: "Cancelled from the web client" });
      setNote(`Booking cancelled. Refund: ${fmtMoney(r.refund_cents, b.currency)}.`);
      load();
    } catch (err) { setError(describe(err)); }
  }
  return html`
    <section class="card" aria-labelledby="bookings-title">
      <h1 id="bookings-title">Bookings</h1>
      ${note && html`<p class="toast" role="status">${note}</p>`}
      ${error && html`<p class="error" role="alert">${error}</p>`}
      ${bookings && bookings.length === 0 && html`<p class="muted">No bookings yet. <a href="#/experts">Find an expert</a>.</p>`}
      <ul class="bookings">${(bookings || []).map((b) => html`<li>
        <div><strong>${label(b.session_type)}</strong> · ${fmtWhen(b.start)}
          <p class="small"><span class=${`pill ${b.status}`}>${b.status.replace("_", " ")}</span> ${fmtMoney(b.price_cents, b.currency)}${b.refund_cents ? ` · refund ${fmtMoney(b.refund_cents, b.currency)}` : ""}</p>
          ${b.meeting_url && b.status === "confirmed" && html`<p class="small"><a href=${b.meeting_url} rel="noopener">Meeting link</a></p>`}</div>
        ${["confirmed", "pending_payment"].includes(b.status) && b.role === "candidate" &&
          html`<button type="button" class="danger" onClick=${() => cancel(b)}>Cancel booking</button>`}
        ${b.status === "completed" && b.role === "candidate" && html`<${Feedback} booking=${b} onDone=${() => { setNote("Thank you for your feedback."); load(); }} />`}
      </li>`)}</ul>
    </section>`;
}
