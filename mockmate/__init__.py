"""MockMate: a real-time AI mock-interview server (Socket.IO on aiohttp, Redis, MongoDB)."""

__version__ = "0.1.0"
PROTOCOL_VERSION = 1
