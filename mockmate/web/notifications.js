// The in-app inbox (docs/notifications.md): a `Notifications` button in the top bar with the
// unread count, and an `Inbox` panel listing the newest notifications with mark one / all read.
// The count follows the `notification` Socket.IO event live; on every (re)connect the list is
// loaded again, so nothing sent while the tab was offline is missed.
import { html, useEffect, useRef, useState } from "./vendor/preact-htm.module.js";
import { describe, fmtWhen, get, post } from "./api.js";

const PAGE = 20;

export function Notifications({ connection }) {
  const [items, setItems] = useState([]);
  const [unread, setUnread] = useState(0);
  const [open, setOpen] = useState(false);
  const [error, setError] = useState("");

  // Entries that came as events while a load was under way: its answer may predate them.
  const arrived = useRef(new Map());

  const load = () => {
    arrived.current.clear();
    return get(`/api/me/notifications?limit=${PAGE}`)
      .then((r) => {
        const known = new Set(r.notifications.map((n) => n.id));
        const extra = [...arrived.current.values()].filter((n) => !known.has(n.id));
        setItems([...extra, ...r.notifications].slice(0, PAGE));
        setUnread(r.unread_count + extra.filter((n) => !n.read).length);
        setError("");
      })
      .catch((e) => setError(describe(e)));
  };

  useEffect(() => {
    load();
    const onNotification = (n) => {
      arrived.current.set(n.id, n);
      setItems((list) => {
        if (list.some((x) => x.id === n.id)) return list; // a repeat: counted already
        if (!n.read) setUnread((u) => u + 1);
        return [n, ...list].slice(0, PAGE);
      });
    };
    // Loaded again on every (re)connect: what was sent before this socket joined is not lost.
    const onConnect = () => load();
    connection.socket.on("notification", onNotification);
    connection.socket.on("connect", onConnect);
    return () => {
      connection.socket.off("notification", onNotification);
      connection.socket.off("connect", onConnect);
    };
  }, []);

  useEffect(() => {
    if (!open) return undefined;
    const onKey = (e) => { if (e.key === "Escape") setOpen(false); };
    addEventListener("keydown", onKey);
    return () => removeEventListener("keydown", onKey);
  }, [open]);

  async function markRead(id) {
    try {
      const { notification } = await post(`/api/me/notifications/${id}/read`);
      setItems((list) => list.map((x) => (x.id === id ? notification : x)));
      setUnread((u) => Math.max(0, u - 1));
    } catch (e) { setError(describe(e)); }
  }

  async function markAll() {
    try {
      await post("/api/me/notifications/read-all");
      setItems((list) => list.map((x) => ({ ...x, read: true })));
      setUnread(0);
    } catch (e) { setError(describe(e)); }
  }

  return html`
    <div class="inbox-anchor">
      <button type="button" class="ghost bell" aria-expanded=${open} aria-controls="inbox"
        onClick=${() => { setOpen(!open); if (!open) load(); }}>
        <svg class="bell-icon" aria-hidden="true" viewBox="0 0 24 24" width="22" height="22" fill="none"
          stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
          <path d="M18 8A6 6 0 0 0 6 8c0 7-3 9-3 9h18s-3-2-3-9" /><path d="M13.73 21a2 2 0 0 1-3.46 0" /></svg>
        <span class="bell-label">Notifications</span>${unread > 0 && html` <span class="count">${unread}</span><span class="sr-only"> unread</span>`}
      </button>
      ${open && html`
        <section id="inbox" class="card inbox" aria-label="Inbox">
          <div class="inbox-head">
            <h2>Notifications</h2>
            <button type="button" class="link" disabled=${unread === 0} onClick=${markAll}>Mark all as read</button>
          </div>
          ${error && html`<p class="error" role="alert">${error}</p>`}
          ${items.length === 0 && !error && html`<p class="muted">No notifications yet.</p>`}
          <ul class="inbox-list" aria-label="Notifications">${items.map((n) => html`
            <li class=${n.read ? "read" : "unread"}>
              <div>
                <strong>${n.title}</strong>
                <p class="small">${n.body}</p>
                <p class="muted small"><time datetime=${n.created_at}>${fmtWhen(n.created_at)}</time> · ${n.read ? "Read" : "Unread"}</p>
              </div>
              ${!n.read && html`<button type="button" class="small-button" onClick=${() => markRead(n.id)}
                aria-label=${`Mark as read: ${n.title}`}>Mark as read</button>`}
            </li>`)}</ul>
        </section>`}
    </div>`;
}
