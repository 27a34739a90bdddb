"""Small interfaces that several features use and that the server implements at start-up.

They live here, below every feature, so that no feature imports another just to name what it
is handed: the emitter that reaches a user's sockets, and the daily AI budget.
"""

from typing import Any, Protocol


class Emitter(Protocol):
    """How domain code sends server events to a user, wherever that user's sockets are
    (`events.fanout.Fanout`)."""

    async def to_session(
        self, user_id: str, session_id: str, event: str, data: dict[str, Any],
        *, asks: int | None = None,
    ) -> None:
        """Send an event about interview `session_id` to every socket of `user_id`: numbered
        (`event_seq`) and kept in the session's event log for replay after a reconnect.
        `asks` tags a question's events with the asking they belong to (not sent)."""
        ...

    async def to_user(self, user_id: str, event: str, data: dict[str, Any]) -> None:
        """Send an event about no interview to every socket of `user_id`, on every process."""
        ...


class Budget(Protocol):
    """A per-user daily allowance of AI calls (`providers.budget.LlmBudget`)."""

    async def take(self, user_id: str, calls: int = 1) -> bool:
        """Spend `calls` from the user's allowance; False (and nothing spent) when too few
        are left."""
        ...
