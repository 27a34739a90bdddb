"""Browser access from other origins (CORS), for REST and Socket.IO alike.

`MOCKMATE_CORS_ORIGINS` lists the origins whose pages may call the API (`*` for any). The
server's own origin is always allowed, so the page it serves works with no setting. REST
answers an allowed origin's preflight (`OPTIONS` with `Access-Control-Request-Method`) with
204 and the allowed methods and headers, and a refused origin's with 403 `forbidden`; other
requests from a refused origin are served without CORS headers, so the browser keeps the
answer from the page. Socket.IO gets the same rule as its `cors_allowed_origins` callable.
"""

from collections.abc import Callable, Mapping
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Middleware

from mockmate.errors import Forbidden
from mockmate.server.http import Handler, error_response

ALLOWED_METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
ALLOWED_HEADERS = "Authorization, Content-Type, Idempotency-Key, Stripe-Signature"
PREFLIGHT_MAX_AGE_S = "600"
SOCKET_PATH = "/socket.io/"


def parse_origins(setting: str) -> frozenset[str]:
    return frozenset(o.strip().rstrip("/") for o in setting.split(",") if o.strip())


class OriginPolicy:
    def __init__(self, origins: frozenset[str]):
        self._any = "*" in origins
        self._origins = origins

    def allows(self, origin: str, own_origins: tuple[str, ...]) -> bool:
        return self._any or origin in self._origins or origin in own_origins

    def for_socketio(self) -> Callable[[str | None, Mapping[str, Any]], bool]:
        def allowed(origin: str | None, environ: Mapping[str, Any]) -> bool:
            if not origin:
                return True
            host = environ.get("HTTP_HOST", "")
            scheme = environ.get("wsgi.url_scheme", "http")
            forwarded = environ.get("HTTP_X_FORWARDED_HOST", "").split(",")[0].strip()
            proto = environ.get("HTTP_X_FORWARDED_PROTO", scheme).split(",")[0].strip()
            own = (f"{scheme}://{host}", f"{proto}://{forwarded or host}")
            return self.allows(origin, own)

        return allowed

    def middleware(self) -> Middleware:
        @web.middleware
        async def cors(request: web.Request, handler: Handler) -> web.StreamResponse:
            origin = request.headers.get("Origin", "")
            if not origin or request.path.startswith(SOCKET_PATH):
                return await handler(request)
            forwarded_host = request.headers.get("X-Forwarded-Host", request.host)
            own = (f"{request.scheme}://{request.host}", f"{request.scheme}://{forwarded_host}")
            allowed = self.allows(origin.rstrip("/"), own)
            preflight = request.method == "OPTIONS" and \
                "Access-Control-Request-Method" in request.headers
            if preflight:
                if not allowed:
                    return error_response(Forbidden(
                        f"the origin {origin} may not call this API"))
                response: web.StreamResponse = web.Response(status=204, headers={
                    "Access-Control-Allow-Methods": ALLOWED_METHODS,
                    "Access-Control-Allow-Headers": ALLOWED_HEADERS,
                    "Access-Control-Max-Age": PREFLIGHT_MAX_AGE_S,
                })
            else:
                response = await handler(request)
            if allowed:
                response.headers["Access-Control-Allow-Origin"] = origin
                response.headers["Access-Control-Expose-Headers"] = "Content-Disposition"
            response.headers.add("Vary", "Origin")
            return response

        return cors
