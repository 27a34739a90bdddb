"""Small interfaces that several features use and that the server implements at start-up.

They live here, below every feature, so that no feature imports another just to name what it
is handed: the emitter that reaches a user's sockets, and the daily AI budget.
"""

from typing import Any, Protocol


class Emitter(Protocol):
    """How domain code sends server events to a user, wherever that user's sockets are."""

    async def to_user(self, user_id: str, event: str, data: dict[str, Any]) -> None:
        """Send `event` to every socket of `user_id`, on every server process."""
        ...


class Budget(Protocol):
    """A per-user daily allowance of AI calls (`providers.budget.LlmBudget`)."""

    async def take(self, user_id: str, calls: int = 1) -> bool:
        """Spend `calls` from the user's allowance; False (and nothing spent) when too few
        are left."""
        ...
