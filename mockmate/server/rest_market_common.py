"""Helpers shared by the marketplace's REST modules: the services, validated query strings,
and bodies that may be omitted."""

from typing import TypeVar

from aiohttp import web
from pydantic import BaseModel, ValidationError

from mockmate.bookings.wiring import Marketplace
from mockmate.errors import invalid_payload
from mockmate.server.http import read_json
from mockmate.server.keys import SERVICES

M = TypeVar("M", bound=BaseModel)


def marketplace(request: web.Request) -> Marketplace:
    return request.app[SERVICES].marketplace


def read_query(request: web.Request, model: type[M]) -> M:
    """The query string as `model`; `invalid_payload` naming each bad parameter."""
    try:
        return model.model_validate(dict(request.query))
    except ValidationError as exc:
        raise invalid_payload(exc) from None


async def read_optional_json(request: web.Request, model: type[M]) -> M:
    """The JSON body as `model`, or `model()` when the request has no body."""
    if not request.body_exists:
        return model()
    return await read_json(request, model)
