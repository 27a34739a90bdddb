"""Expert reviews of attached interviews (`reviews.wiring.open_reviews`) as a feature
context, opened after interviews (answers, recordings, hook runs) and the marketplace."""

from collections.abc import AsyncIterator

from aiohttp import web

from mockmate.reviews.service import Reviews
from mockmate.reviews.wiring import open_reviews
from mockmate.server.wiring.core import CORE
from mockmate.server.wiring.interviews import INTERVIEWS, VOICE

REVIEWS = web.AppKey("reviews", Reviews)


async def reviews_context(app: web.Application) -> AsyncIterator[None]:
    core, interviews = app[CORE], app[INTERVIEWS]
    app[REVIEWS] = open_reviews(
        core.settings, db=core.db, redis=core.redis, queue=core.queue,
        interviews=interviews.interviews, answers=interviews.answers,
        recordings=app[VOICE].recordings, hook_runs=interviews.hook_runs,
    )
    yield
