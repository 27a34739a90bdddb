"""How domain code sends server events to a user, wherever that user's sockets are connected."""

from typing import Any, Protocol


class Emitter(Protocol):
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
