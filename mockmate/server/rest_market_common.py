"""The marketplace's services for its REST modules."""

from aiohttp import web

from mockmate.bookings.wiring import Marketplace
from mockmate.server.wiring.marketplace import MARKETPLACE


def marketplace(request: web.Request) -> Marketplace:
    return request.app[MARKETPLACE]
