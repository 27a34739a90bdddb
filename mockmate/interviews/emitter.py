"""How domain code sends server events to a user, wherever that user's sockets are connected."""

from typing import Any, Protocol


class Emitter(Protocol):
    async def to_user(self, user_id: str, event: str, data: dict[str, Any]) -> None:
        """Send `event` to every socket of `user_id`, on every server process."""
        ...
