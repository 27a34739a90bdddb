"""GET /health (service reachability, protocol version) and GET /metrics (Prometheus)."""

from typing import Literal

from aiohttp import web
from pydantic import BaseModel, Field

from mockmate import PROTOCOL_VERSION
from mockmate.server.http import model_response
from mockmate.server.keys import METRICS
from mockmate.server.wiring.core import CORE
from mockmate.server.wiring.core import health as check_health

routes = web.RouteTableDef()


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    protocol: int
    redis: Literal["ok", "unreachable"]
    mongo: Literal["ok", "unreachable"]
    jobs: Literal["ok", "stalled"] = Field(
        description="whether this process's job consumers can read the queue (added)")


@routes.get("/health")
async def health(request: web.Request) -> web.Response:
    checks = await check_health(request.app[CORE])
    healthy = all(checks.values())
    return model_response(Health(
        status="ok" if healthy else "degraded",
        protocol=PROTOCOL_VERSION,
        redis="ok" if checks["redis"] else "unreachable",
        mongo="ok" if checks["mongo"] else "unreachable",
        jobs="ok" if checks["jobs"] else "stalled",
    ), status=200 if healthy else 503)


@routes.get("/metrics")
async def metrics(request: web.Request) -> web.Response:
    return web.Response(
        body=request.app[METRICS].render(),
        headers={"Content-Type": "text/plain; version=0.0.4; charset=utf-8"},
    )
