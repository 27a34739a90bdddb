"""The browser client's routes: `/` serves the page, `/assets/<version>/...` its files.

The files live in the package (`mockmate/web/`) and are read once at start-up: each is kept
with a gzip copy, and one version string (a hash of them all) goes into every asset URL, so
assets can be cached for a year while `index.html` is revalidated on every load. Relative
imports between assets (ES modules, the AudioWorklet) stay inside the same versioned folder.
Security headers are added to every response by an `on_response_prepare` hook, which also
runs for Socket.IO's responses and for the JSON errors of REST routes.
"""

import gzip
import hashlib
import mimetypes
from dataclasses import dataclass
from importlib import resources

from aiohttp import web

INDEX = "index.html"
ASSET_PREFIX = "/assets"
# Written in index.html where the versioned asset folder goes.
ASSET_MARK = "{{ASSETS}}"
ONE_YEAR_S = 365 * 24 * 3600
# Compressing tiny or already-compressed files gains nothing.
MIN_GZIP_BYTES = 512
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",  # the AudioWorklet module is a script from the same origin
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "connect-src 'self'",  # CSP 3: 'self' covers ws:// and wss:// to the same host
    "worker-src 'self' blob:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "microphone=(self), camera=(), geolocation=()",
}


@dataclass(frozen=True)
class Asset:
    body: bytes
    gzipped: bytes | None
    content_type: str
    etag: str


def _content_type(name: str) -> str:
    if name.endswith((".js", ".mjs")):
        return "application/javascript; charset=utf-8"
    guessed = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return f"{guessed}; charset=utf-8" if guessed.startswith("text/") else guessed


def _asset(name: str, body: bytes) -> Asset:
    content_type = _content_type(name)
    gzipped = None
    if len(body) >= MIN_GZIP_BYTES and content_type.startswith(COMPRESSIBLE):
        gzipped = gzip.compress(body, compresslevel=9, mtime=0)
    return Asset(body, gzipped, content_type, '"' + hashlib.sha256(body).hexdigest()[:16] + '"')


class WebClient:
    """The packaged web files, versioned, with the page's index pointing at this version."""

    def __init__(self, files: dict[str, bytes]):
        digest = hashlib.sha256()
        for name in sorted(files):
            digest.update(name.encode() + b"\0" + files[name] + b"\0")
        self.version = digest.hexdigest()[:12]
        self.assets = {name: _asset(name, body) for name, body in files.items() if name != INDEX}
        page = files[INDEX].replace(ASSET_MARK.encode(), self.asset_url("").rstrip("/").encode())
        self.index = _asset(INDEX, page)

    @classmethod
    def from_package(cls) -> "WebClient":
        root = resources.files("mockmate") / "web"
        files: dict[str, bytes] = {}
        pending = [(root, "")]
        while pending:
            folder, prefix = pending.pop()
            for entry in folder.iterdir():
                if entry.name.startswith((".", "__")):
                    continue
                if entry.is_dir():
                    pending.append((entry, f"{prefix}{entry.name}/"))
                else:
                    files[prefix + entry.name] = entry.read_bytes()
        return cls(files)

    def asset_url(self, name: str) -> str:
        return f"{ASSET_PREFIX}/{self.version}/{name}"


def _send(request: web.Request, asset: Asset, cache_control: str) -> web.Response:
    headers = {"Cache-Control": cache_control, "ETag": asset.etag, "Vary": "Accept-Encoding"}
    if request.headers.get("If-None-Match") == asset.etag:
        return web.Response(status=304, headers=headers)
    body = asset.body
    if asset.gzipped is not None and "gzip" in request.headers.get("Accept-Encoding", ""):
        body = asset.gzipped
        headers["Content-Encoding"] = "gzip"
    headers["Content-Type"] = asset.content_type
    return web.Response(body=body, headers=headers)


async def _security_headers(request: web.Request, response: web.StreamResponse) -> None:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)


def register(app: web.Application) -> None:
    """Mounts `/` and `/assets/...` and the security headers on `app`."""
    client = WebClient.from_package()

    async def index(request: web.Request) -> web.Response:
        return _send(request, client.index, "no-cache")

    async def asset(request: web.Request) -> web.Response:
        found = client.assets.get(request.match_info["name"])
        if found is None:
            raise web.HTTPNotFound(reason="no such file")
        # An old page may ask for an old version: give today's file, but do not let it stick.
        current = request.match_info["version"] == client.version
        cache = f"public, max-age={ONE_YEAR_S}, immutable" if current else "no-cache"
        return _send(request, found, cache)

    app.router.add_get("/", index)
    app.router.add_get(ASSET_PREFIX + "/{version}/{name:.+}", asset)
    app.on_response_prepare.append(_security_headers)
