"""A candidate's data as a whole: export everything we hold about them, or erase it all.

Erasure first marks the account as being deleted, which signs it out everywhere at once
(tokens are checked against live accounts) and stops hooks from writing for it; then it
removes the data store by store and deletes the account last. A crash part-way leaves the
mark, and the sweeper (`resume_erasures`) finishes the job, so nothing is left behind.
"""

import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime
from typing import Any, Protocol

from bson import ObjectId

from mockmate.candidates.learning_path_service import LearningPaths
from mockmate.candidates.service import CandidateService
from mockmate.state.answer_buffer import AnswerBuffer
from mockmate.state.store import SessionStore
from mockmate.storage.answers import AnswerRepository
from mockmate.storage.audio import AudioStore
from mockmate.storage.hook_runs import HookRunRepository
from mockmate.storage.interviews import InterviewRepository
from mockmate.storage.leaderboard import Leaderboard
from mockmate.storage.profiles import ProfileRepository
from mockmate.storage.progress import ProgressRepository
from mockmate.storage.records import AnswerRecord
from mockmate.storage.users import User, UserRepository

log = logging.getLogger(__name__)

# An erasure still marked after this long was interrupted (its process died).
STALE_ERASURE_S = 300.0


class MarketplaceData(Protocol):
    async def export_user(self, user_id: str) -> dict[str, Any]: ...

    async def erase_user(self, user_id: str) -> None: ...


class UserDataOwner(Protocol):
    """A feature's store of user data, exported and erased with the account."""

    async def export_user(self, user_id: str) -> dict[str, Any]: ...

    async def erase_user(self, user_id: str) -> None: ...


class UserKeys(Protocol):
    """A Redis-backed store that holds keys of a user's (`redis_keys.RedisKeys.user_*`)."""

    async def delete_user_keys(self, user_id: str) -> None: ...


class AccountData:
    def __init__(
        self, *, user_keys: Sequence[UserKeys], users: UserRepository,
        interviews: InterviewRepository, answers: AnswerRepository, audio: AudioStore,
        sessions: SessionStore, buffer: AnswerBuffer, hook_runs: HookRunRepository,
        profiles: ProfileRepository, progress: ProgressRepository, leaderboard: Leaderboard,
        candidates: CandidateService, marketplace: MarketplaceData,
        learning_paths: LearningPaths,
        others: dict[str, UserDataOwner] | None = None,
        close_sign_ins: Callable[[str], Awaitable[None]] | None = None,
    ) -> None:
        # Called first when an account is erased: its tokens are refused everywhere at once.
        self._close_sign_ins = close_sign_ins
        self._user_keys = user_keys
        self._users = users
        self._interviews = interviews
        self._answers = answers
        self._audio = audio
        self._sessions = sessions
        self._buffer = buffer
        self._hook_runs = hook_runs
        self._profiles = profiles
        self._progress = progress
        self._leaderboard = leaderboard
        self._candidates = candidates
        self._marketplace = marketplace
        self._learning_paths = learning_paths
        self._others = others or {}

    async def export(self, user: User) -> dict[str, Any]:
        """Everything stored about `user`, as one JSON-ready document."""
        answers_by_interview: dict[str, list[AnswerRecord]] = {}
        for answer in await self._answers.all_for_user(user.id):
            answers_by_interview.setdefault(answer.interview_id, []).append(answer)
        interviews = [
            {**doc.document(), "answers": [
                a.document() for a in sorted(answers_by_interview.get(doc.id, []),
                                             key=lambda a: a.index)]}
            for doc in await self._interviews.all_for_user(user.id)
        ]
        progress = await self._progress.get(user.id)
        data: dict[str, Any] = jsonable({
            "exported_at": datetime.now().astimezone(),
            "account": await self._users.account(user.id),
            "profile": await self._candidates.profile(user),
            "interviews": interviews,
            "statistics": await self._candidates.statistics(user.id),
            "gamification": {
                **await self._candidates.gamification(user.id),
                "goals": (await self._candidates.goals(user.id))["goals"],
                "state": progress.model_dump(mode="json"),
                **await self._progress.ledger(user.id),
            },
            "marketplace": await self._marketplace.export_user(user.id),
            **{name: await owner.export_user(user.id) for name, owner in self._others.items()},
        })
        return data

    async def erase(self, user_id: str) -> None:
        if self._close_sign_ins is not None:
            await self._close_sign_ins(user_id)
        await self._users.mark_deleting(user_id)
        interviews = await self._interviews.all_for_user(user_id)
        answers = await self._answers.all_for_user(user_id)
        for doc in interviews:
            await self._sessions.discard(doc.id, user_id)
            for index in range(len(doc.questions)):
                await self._buffer.clear(doc.id, index)
        await self._audio.delete_for_user(user_id)
        await self._hook_runs.delete_for_causes(
            [f"answer:{a.id}" for a in answers] + [f"interview:{d.id}" for d in interviews]
        )
        await self._answers.delete_for_user(user_id)
        await self._interviews.delete_for_user(user_id)
        await self._marketplace.erase_user(user_id)
        for owner in self._others.values():
            await owner.erase_user(user_id)
        await self._progress.delete_for_user(user_id)
        await self._learning_paths.forget(user_id)
        await self._profiles.delete(user_id)
        await self._leaderboard.remove(user_id)
        for store in self._user_keys:
            await store.delete_user_keys(user_id)
        await self._users.delete(user_id)
        log.info("erased account %s", user_id)

    async def resume_erasures(self) -> int:
        """Finish erasures whose process died part-way; returns how many."""
        stale = await self._users.deleting_before(time.time() - STALE_ERASURE_S)
        for user_id in stale:
            await self.erase(user_id)
        return len(stale)

def jsonable(value: Any) -> Any:
    """`value` with dates as ISO 8601 strings and ObjectIds as strings."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, ObjectId):
        return str(value)
    if isinstance(value, bytes):
        return None  # recordings are exported as metadata only
    return value
