"""A candidate's data as a whole (export, erasure) across every feature's stores; opened
after the features it reaches into."""

import logging
from collections.abc import AsyncIterator

from aiohttp import web

from mockmate.candidates.account import AccountData
from mockmate.providers.budget import LlmBudget
from mockmate.server.wiring.accounts import ACCOUNTS
from mockmate.server.wiring.candidate import CANDIDATE
from mockmate.server.wiring.core import CORE
from mockmate.server.wiring.documents import DOCUMENTS
from mockmate.server.wiring.interviews import AUDIO_SWEEP_EVERY_S, INTERVIEWS
from mockmate.server.wiring.marketplace import MARKETPLACE
from mockmate.server.wiring.notifications import NOTIFICATIONS
from mockmate.server.wiring.payouts import PAYOUTS
from mockmate.server.wiring.progress import PROGRESS
from mockmate.server.wiring.reviews import REVIEWS
from mockmate.server.wiring.subscriptions import SUBSCRIPTIONS
from mockmate.tasks import repeat_every

log = logging.getLogger(__name__)

ACCOUNT_DATA = web.AppKey("account_data", AccountData)


async def account_context(app: web.Application) -> AsyncIterator[None]:
    core, interviews, progress = app[CORE], app[INTERVIEWS], app[PROGRESS]
    documents = app[DOCUMENTS]
    account = app[ACCOUNT_DATA] = AccountData(
        # The stores that keep keys of a user's in Redis; the budget's may be left from a
        # run with Gemini configured, so they are erased whatever this run uses.
        user_keys=[interviews.sessions, core.fanout.events,
                   LlmBudget(core.redis, prefix=core.settings.redis_prefix,
                             daily_limit=core.settings.llm_daily_limit)],
        users=app[ACCOUNTS].users,
        interviews=interviews.interviews, answers=interviews.answers, audio=interviews.audio,
        sessions=interviews.sessions, buffer=interviews.buffer,
        hook_runs=interviews.hook_runs, profiles=progress.profiles,
        progress=progress.progress, leaderboard=progress.leaderboard,
        candidates=progress.candidates, marketplace=app[MARKETPLACE],
        learning_paths=progress.learning_paths,
        others={"security": app[ACCOUNTS].security, "resumes": documents.resumes,
                "sharing": documents.shares, "notifications": app[NOTIFICATIONS],
                "payouts": app[PAYOUTS], "reviews": app[REVIEWS],
                "subscriptions": app[SUBSCRIPTIONS],
                **app[CANDIDATE].data_owners()},
        close_sign_ins=app[ACCOUNTS].security.revocations.account_closed,
    )

    async def resume_erasures() -> None:
        finished = await account.resume_erasures()
        if finished:
            log.info("finished %d interrupted account erasure(s)", finished)

    core.tasks.spawn(repeat_every(AUDIO_SWEEP_EVERY_S, resume_erasures,
                                  what="erasure sweep", first_s=core.settings.expiry_sweep_s),
                     name="erasure-sweeper")
    yield
