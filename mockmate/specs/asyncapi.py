"""The AsyncAPI 3.0 document of the Socket.IO protocol, generated from the message models.

It describes the server: a client event is an operation the server `receive`s, with the ack
as its `reply` (success, or the failure with an `ErrorCode`); a server event is one it
`send`s. Socket.IO carries the event name: each message's `name` is it.
"""

from typing import Any

from mockmate import __version__
from mockmate.errors import ErrorCode
from mockmate.specs.messages import CLIENT_EVENTS, SERVER_EVENTS, AckFailure
from mockmate.specs.schemas import SchemaTable

CHANNEL = "socketio"


def _key(event: str) -> str:
    """A component key for an event name (keys allow no `:`)."""
    return event.replace(":", ".")


def _message(name: str, ref: dict[str, Any], summary: str) -> dict[str, Any]:
    return {"name": name, "title": name, "summary": summary, "payload": ref}


def build_asyncapi() -> dict[str, Any]:
    table = SchemaTable()
    for client in CLIENT_EVENTS:
        table.want(client.payload, "validation")
        table.want(client.ack, "serialization")
    table.want(AckFailure, "serialization")
    for server in SERVER_EVENTS:
        table.want(server.payload, "serialization")
    refs, schemas = table.build()

    messages: dict[str, Any] = {}
    operations: dict[str, Any] = {}

    def channel_ref(key: str) -> dict[str, str]:
        return {"$ref": f"#/channels/{CHANNEL}/messages/{key}"}

    messages["ack.failure"] = _message("ack", refs[(AckFailure, "serialization")],
                                       "Any client event's ack when it was refused.")
    for client in CLIENT_EVENTS:
        key = _key(client.name)
        messages[key] = _message(client.name, refs[(client.payload, "validation")],
                                 client.summary)
        messages[f"{key}.ack"] = _message(
            "ack", refs[(client.ack, "serialization")], f"The ack of `{client.name}`.")
        operations[f"receive.{key}"] = {
            "action": "receive",
            "channel": {"$ref": f"#/channels/{CHANNEL}"},
            "summary": client.summary,
            "messages": [channel_ref(key)],
            "reply": {"channel": {"$ref": f"#/channels/{CHANNEL}"},
                      "messages": [channel_ref(f"{key}.ack"), channel_ref("ack.failure")]},
        }
    for server in SERVER_EVENTS:
        key = _key(server.name)
        messages[key] = _message(server.name, refs[(server.payload, "serialization")],
                                 server.summary)
        operations[f"send.{key}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{CHANNEL}"},
            "summary": server.summary,
            "messages": [channel_ref(key)],
        }
    codes = ", ".join(f"`{code.value}`" for code in ErrorCode)
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "MockMate Socket.IO protocol",
            "version": __version__,
            "description": (
                "Socket.IO v5, default namespace `/`. Every client event takes an ack "
                "callback; the ack is `{ok: true, ...}` or `{ok: false, error: {code, "
                f"message}}}}`. Error codes: {codes}. Binary fields travel as Socket.IO "
                "binary attachments. Numbered events carry `event_seq` and ask for a "
                "Socket.IO ack (the client's position; python-socketio acks by itself, "
                "JavaScript handlers call the callback they are given): docs/protocol.md."
            ),
        },
        "defaultContentType": "application/json",
        "servers": {
            "local": {
                "host": "127.0.0.1:8080", "protocol": "ws", "pathname": "/socket.io/",
                "description": "`mockmate serve` (WebSocket or long-polling).",
                "security": [{"$ref": "#/components/securitySchemes/handshakeToken"}],
            },
        },
        "channels": {
            CHANNEL: {
                "address": "/",
                "title": "the default namespace",
                "messages": {key: {"$ref": f"#/components/messages/{key}"}
                             for key in messages},
            },
        },
        "operations": operations,
        "components": {
            "messages": messages,
            "schemas": schemas,
            "securitySchemes": {
                "handshakeToken": {
                    "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                    "description": "Sent in the handshake: `io(url, {auth: {token}})`. A bad "
                                   "token refuses the connection with `unauthorized`.",
                },
            },
        },
    }
