// REST calls with the session's token, and the contract's error codes in words.
const TOKEN_KEY = "mockmate.token";
const USER_KEY = "mockmate.user";

export const WORDS = {
  invalid_payload: "Some of what you entered is not valid.",
  unauthorized: "You are signed out or your session expired. Please sign in again.",
  forbidden: "You are not allowed to do that.",
  not_found: "That could not be found. It may have been deleted.",
  invalid_state: "That cannot be done right now.",
  conflict: "That conflicts with something that already exists.",
  too_large: "That is too large.",
  unsupported_audio: "The recording could not be understood as audio.",
  rate_limited: "Too many attempts. Please wait a little and try again.",
  limit_reached: "You have reached a limit for now.",
  unavailable: "The service is busy or briefly unavailable. Please try again.",
  internal: "Something went wrong on our side. Please try again.",
  network: "Cannot reach the server. Check your connection and try again.",
};

export class ApiError extends Error {
  constructor(code, message, body) {
    super(message);
    this.code = code;
    this.body = body || {};
  }
}

// One sentence for a person: the code in words, plus the server's detail when it adds any.
export function describe(error, context = {}) {
  const code = error && error.code ? error.code : "internal";
  if (context[code]) return context[code];
  const words = WORDS[code] || WORDS.internal;
  const fields = error.body && error.body.fields;
  if (code === "invalid_payload" && Array.isArray(fields) && fields.length) {
    return `${words} ${fields.map((f) => `${f.field}: ${f.message}`).join("; ")}.`;
  }
  const detail = error.message && error.message !== code ? ` (${error.message})` : "";
  return words + detail;
}

export const session = {
  get token() { return sessionStorage.getItem(TOKEN_KEY); },
  get user() {
    try { return JSON.parse(sessionStorage.getItem(USER_KEY) || "null"); } catch { return null; }
  },
  save(token, user) {
    sessionStorage.setItem(TOKEN_KEY, token);
    sessionStorage.setItem(USER_KEY, JSON.stringify(user));
  },
  clear() {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(USER_KEY);
  },
};

export async function api(method, path, body) {
  const headers = { Accept: "application/json" };
  if (session.token) headers.Authorization = `Bearer ${session.token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError("network", "");
  }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const err = data.error || { code: "internal", message: response.statusText };
    throw new ApiError(err.code, err.message, err);
  }
  return data;
}

export const get = (path) => api("GET", path);
export const post = (path, body = {}) => api("POST", path, body);

// Socket.IO acks: resolve with the ack on ok, reject with an ApiError otherwise.
export function emitAck(socket, event, payload, timeoutMs = 20000) {
  return new Promise((resolve, reject) => {
    socket.timeout(timeoutMs).emit(event, payload, (err, ack) => {
      if (err) return reject(new ApiError("unavailable", "no answer from the server"));
      if (ack && ack.ok) return resolve(ack);
      const e = (ack && ack.error) || { code: "internal", message: "" };
      reject(new ApiError(e.code, e.message, e));
    });
  });
}

export const fmtScore = (n) => (n === null || n === undefined ? "–" : `${Math.round(n * 10) / 10}/10`);
export const fmtMoney = (cents, currency = "USD") =>
  new Intl.NumberFormat(undefined, { style: "currency", currency }).format(cents / 100);
export const fmtWhen = (iso) =>
  iso ? new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" }) : "";
export const fmtClock = (seconds) => {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
};
