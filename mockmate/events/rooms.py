"""The Socket.IO room that holds every socket of one user.

Events about no interview are sent to it (through the client manager, to every process);
it lives here, below the handlers and the REST routes that both name it.
"""


def user_room(user_id: str) -> str:
    return f"user:{user_id}"
