// The tab's one Socket.IO connection: authenticates with the session's token, reconnects by
// itself (also after the server closed it, e.g. a restart), and reports its status.
/* global io */
export class Connection {
  constructor(token, onUnauthorized) {
    this.status = "connecting";
    this.listeners = new Set();
    this.socket = io({
      auth: { token },
      // WebSocket first; long-polling if a proxy refuses WebSockets.
      transports: ["websocket", "polling"],
      tryAllTransports: true,
      reconnectionDelay: 300,
      reconnectionDelayMax: 3000,
    });
    this.socket.on("connect", () => this.set("connected"));
    this.socket.on("disconnect", (reason) => {
      this.set("reconnecting");
      // The server closed us (shutdown, restart): socket.io does not retry that by itself.
      if (reason === "io server disconnect") this.socket.connect();
    });
    this.retries = 0;
    this.socket.on("connect", () => { this.retries = 0; });
    this.socket.on("connect_error", (err) => {
      if (err && err.message === "unauthorized") return onUnauthorized();
      this.set("reconnecting");
      // Refused by the server as `unavailable` (it could not check the token just now):
      // socket.io gives such a socket up, so try again ourselves, backing off with jitter.
      if (!this.socket.active) {
        const delay = Math.min(5000, 300 * 2 ** this.retries++) * (0.5 + Math.random());
        this.retryTimer = setTimeout(() => this.socket.connect(), delay);
      }
    });
  }

  get connected() { return this.socket.connected; }

  set(status) {
    this.status = status;
    for (const listener of this.listeners) listener(status);
  }

  subscribe(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close() {
    clearTimeout(this.retryTimer);
    this.socket.disconnect();
  }
}
