"""Start-up wiring: one async context per feature, registered in order with aiohttp's
`cleanup_ctx`.

Each context (in `server/wiring/`) builds its feature's services from settings, publishes
them under its own typed `web.AppKey`, and closes them on shutdown. Contexts open in the order
of `FEATURES` and close in reverse, so a feature may use what the ones before it published.
A new feature adds its context to this list, after the features it needs.
"""

from collections.abc import AsyncIterator, Callable

from aiohttp import web

from mockmate.interviews.flow import SPEECH_LANE
from mockmate.server.wiring.account import account_context
from mockmate.server.wiring.accounts import accounts_context
from mockmate.server.wiring.ai import ai_context
from mockmate.server.wiring.candidate import candidate_context
from mockmate.server.wiring.core import CORE, core_context
from mockmate.server.wiring.documents import documents_context
from mockmate.server.wiring.interviews import interviews_context
from mockmate.server.wiring.marketplace import marketplace_context
from mockmate.server.wiring.notifications import notifications_context
from mockmate.server.wiring.payouts import payouts_context
from mockmate.server.wiring.progress import progress_context
from mockmate.server.wiring.reviews import reviews_context
from mockmate.server.wiring.speech import speech_context
from mockmate.server.wiring.subscriptions import subscriptions_context

FeatureContext = Callable[[web.Application], AsyncIterator[None]]


async def workers_context(app: web.Application) -> AsyncIterator[None]:
    """Last: the job consumers start once every feature has registered its job handlers,
    and every background task stops before any feature closes underneath it."""
    core = app[CORE]
    if core.settings.workers:
        lanes = {SPEECH_LANE: core.settings.speech_job_workers}
        core.tasks.spawn(core.queue.run(core.settings.workers, lanes), name="job-workers")
    yield
    await core.tasks.close()


FEATURES: list[FeatureContext] = [
    core_context,
    accounts_context,
    notifications_context,
    ai_context,
    speech_context,
    progress_context,
    documents_context,
    candidate_context,
    interviews_context,
    marketplace_context,
    payouts_context,
    reviews_context,
    subscriptions_context,
    account_context,
    workers_context,
]


def install_features(app: web.Application) -> None:
    app.cleanup_ctx.extend(FEATURES)
