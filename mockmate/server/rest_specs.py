"""GET /asyncapi.json and /openapi.json: the protocol's specs (docs/protocol.md "Specs"),
generated from the code once per process, public and cacheable."""

import hashlib

from aiohttp import web

from mockmate.specs.files import ASYNCAPI, OPENAPI, render

routes = web.RouteTableDef()
SPECS: web.AppKey[dict[str, tuple[bytes, str]]] = web.AppKey("specs")
MAX_AGE_S = 3600


def register(app: web.Application) -> None:
    app[SPECS] = {}  # filled on the first request, once every route is mounted
    app.add_routes(routes)


def _documents(app: web.Application) -> dict[str, tuple[bytes, str]]:
    documents = app[SPECS]
    if not documents:
        for name, text in render(app).items():
            body = text.encode()
            documents[name] = (body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"')
    return documents


def _serve(name: str, request: web.Request) -> web.Response:
    body, etag = _documents(request.app)[name]
    headers = {"Cache-Control": f"public, max-age={MAX_AGE_S}", "ETag": etag}
    if request.headers.get("If-None-Match") == etag:
        return web.Response(status=304, headers=headers)
    return web.Response(body=body, content_type="application/json", headers=headers)


@routes.get("/asyncapi.json")
async def asyncapi(request: web.Request) -> web.Response:
    """The AsyncAPI 3.0 document of the Socket.IO protocol."""
    return _serve(ASYNCAPI, request)


@routes.get("/openapi.json")
async def openapi(request: web.Request) -> web.Response:
    """The OpenAPI 3.1 document of this REST API."""
    return _serve(OPENAPI, request)
