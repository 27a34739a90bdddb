// Entry point: account screens, navigation and the hash router. Pages live in their modules.
import { html, render, useEffect, useState } from "./vendor/preact-htm.module.js";
import { describe, post, session } from "./api.js";
import { InterviewPage } from "./interview.js";
import { HistoryPage, InterviewResultsPage } from "./results.js";
import { ProgressPage } from "./progress.js";
import { BookingsPage, ExpertPage, ExpertsPage } from "./experts.js";
import { Connection } from "./connection.js";
import { Notifications } from "./notifications.js";

const NAV = [
  ["interview", "Interview"], ["history", "History"], ["progress", "Progress"],
  ["experts", "Experts"], ["bookings", "Bookings"],
];

function useRoute() {
  const read = () => (location.hash.replace(/^#\/?/, "") || "interview").split("/");
  const [route, setRoute] = useState(read());
  useEffect(() => {
    const onChange = () => setRoute(read());
    addEventListener("hashchange", onChange);
    return () => removeEventListener("hashchange", onChange);
  }, []);
  return route;
}

function AccountForms({ onSignedIn }) {
  const [mode, setMode] = useState("signin");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const signup = mode === "signup";

  async function submit(event) {
    event.preventDefault();
    const form = new FormData(event.target);
    setBusy(true);
    setError("");
    try {
      const body = { email: form.get("email"), password: form.get("password") };
      const data = signup
        ? await post("/api/auth/register", { ...body, display_name: form.get("name") })
        : await post("/api/auth/login", body);
      session.save(data.token, data.user);
      onSignedIn(data.user);
    } catch (err) {
      setError(describe(err, signup
        ? { conflict: "An account with this email already exists. Sign in instead." }
        : { unauthorized: "The email or password is wrong. Please try again." }));
    } finally {
      setBusy(false);
    }
  }

  return html`
    <main class="auth" id="main">
      <section class="card auth-card" aria-labelledby="auth-title">
        <p class="brand-big"><span class="logo" aria-hidden="true">M</span> MockMate</p>
        <p class="muted">Practice interviews out loud. Get a transcript, a score and tips in seconds.</p>
        <h1 id="auth-title">${signup ? "Create your account" : "Sign in"}</h1>
        <form onSubmit=${submit} key=${mode}>
          <label>Email<input name="email" type="email" autocomplete="email" required /></label>
          <label>Password<input name="password" type="password" required minlength=${signup ? 8 : undefined}
            autocomplete=${signup ? "new-password" : "current-password"} /></label>
          ${signup && html`<label>Name<input name="name" autocomplete="name" required /></label>`}
          ${error && html`<p class="error" role="alert">${error}</p>`}
          <button class="primary" type="submit" disabled=${busy}>${signup ? "Create account" : "Sign in"}</button>
        </form>
        <p class="switch">
          ${signup ? "Already have an account?" : "New here?"}
          <button type="button" class="link" onClick=${() => { setMode(signup ? "signin" : "signup"); setError(""); }}>
            ${signup ? "Sign in instead" : "Create an account"}</button>
        </p>
      </section>
    </main>`;
}

function Shell({ user, onSignOut }) {
  const route = useRoute();
  const [connection] = useState(() => new Connection(session.token, onSignOut));
  useEffect(() => () => connection.close(), []);
  const [page, id] = route;
  let body;
  if (page === "history" && id) body = html`<${InterviewResultsPage} id=${id} />`;
  else if (page === "history") body = html`<${HistoryPage} />`;
  else if (page === "progress") body = html`<${ProgressPage} connection=${connection} />`;
  else if (page === "experts" && id) body = html`<${ExpertPage} id=${id} />`;
  else if (page === "experts") body = html`<${ExpertsPage} />`;
  else if (page === "bookings") body = html`<${BookingsPage} />`;
  else body = html`<${InterviewPage} connection=${connection} />`;
  return html`
    <a class="skip" href="#main" onClick=${(e) => { e.preventDefault(); document.getElementById("main")?.focus(); }}>Skip to content</a>
    <header class="topbar">
      <a class="brand" href="#/interview" aria-label="MockMate home"><span class="logo" aria-hidden="true">M</span><span>MockMate</span></a>
      <nav aria-label="Main">
        ${NAV.map(([slug, name]) => html`
          <a href=${`#/${slug}`} aria-current=${page === slug ? "page" : undefined}>${name}</a>`)}
      </nav>
      <div class="who">
        <span class="muted user-name">${user.display_name || user.email}</span>
        <${Notifications} connection=${connection} />
        <button type="button" class="ghost" onClick=${onSignOut}>Sign out</button>
      </div>
    </header>
    <main id="main" tabindex="-1">${body}</main>`;
}

function App() {
  const [user, setUser] = useState(session.token ? session.user : null);
  const signOut = () => { session.clear(); setUser(null); location.hash = ""; };
  return user
    ? html`<${Shell} user=${user} onSignOut=${signOut} />`
    : html`<${AccountForms} onSignedIn=${setUser} />`;
}

const root = document.getElementById("app");
root.textContent = ""; // the "Loading" note: Preact renders beside existing nodes
render(html`<${App} />`, root);
