"""A local stand-in for the Gemini API that speaks its generateContent wire format.

Tests drive the official google-genai SDK against it, so they exercise the real request path
(`POST /v1beta/models/{model}:generateContent`), the `x-goog-api-key` header, the response
envelope and Google's error bodies, rather than a mock of our own code. Each test scripts the
replies it needs (canned or malformed model output, 429 with Retry-After, 5xx, slow answers)
and reads back the recorded requests to check what was sent (e.g. the prompt).
"""

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes.server import ScriptedServer

_STATUS_NAMES = {
    400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED",
    404: "NOT_FOUND", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 502: "UNAVAILABLE",
    503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED",
}


@dataclass(frozen=True)
class Reply:
    """One scripted answer: model output text (status 200) or an error status and body."""

    status: int = 200
    text: str | None = None
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    finish_reason: str = "STOP"

    @classmethod
    def json(cls, value: Any, *, delay_s: float = 0.0) -> "Reply":
        """The model returns `value` serialised as JSON text."""
        return cls(text=json.dumps(value), delay_s=delay_s)

    @classmethod
    def raw(cls, text: str, *, finish_reason: str = "STOP") -> "Reply":
        """The model returns this exact text (malformed JSON, prose, truncated output...)."""
        return cls(text=text, finish_reason=finish_reason)

    @classmethod
    def error(
        cls,
        status: int,
        message: str = "scripted failure",
        *,
        retry_after: str | None = None,
        retry_delay: str | None = None,
    ) -> "Reply":
        """A Google API error; 429s may carry Retry-After and/or RetryInfo.retryDelay."""
        error: dict[str, Any] = {
            "code": status, "message": message, "status": _STATUS_NAMES.get(status, "UNKNOWN"),
        }
        if retry_delay is not None:
            error["details"] = [
                {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": retry_delay}
            ]
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        return cls(status=status, body={"error": error}, headers=headers)


@dataclass(frozen=True)
class RecordedRequest:
    """One generateContent request as the fake received it."""

    version: str
    model: str
    api_key: str | None
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def prompt(self) -> str:
        """All text sent: the system instruction and every content part."""
        parts = [
            part.get("text", "")
            for content in [self.body.get("systemInstruction") or {}, *self.body["contents"]]
            for part in content.get("parts", [])
        ]
        return "\n".join(parts)

    @property
    def generation_config(self) -> dict[str, Any]:
        config: dict[str, Any] = self.body.get("generationConfig", {})
        return config


class FakeGemini(ScriptedServer[Reply, RecordedRequest]):
    """The fake server; use `async with FakeGemini() as fake:` and point the SDK at fake.url."""

    def __init__(self, api_key: str = "test-gemini-key") -> None:
        super().__init__(api_key, None)

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/{version}/models/{target}", self._handle)

    async def _handle(self, request: web.Request) -> web.Response:
        version = request.match_info["version"]
        model, _, action = request.match_info["target"].partition(":")
        if version not in ("v1beta", "v1") or action != "generateContent":
            return _error(Reply.error(404, f"unknown method {request.path}"))
        key = request.headers.get("x-goog-api-key")
        if key is None:
            return _error(Reply.error(403, "Method doesn't allow unregistered callers"))
        if key != self.api_key:
            invalid = Reply.error(400, "API key not valid. Please pass a valid API key.")
            assert invalid.body is not None
            invalid.body["error"]["details"] = [{"reason": "API_KEY_INVALID"}]
            return _error(invalid)
        body = await request.json()
        self.requests.append(
            RecordedRequest(version, model, key, dict(request.headers), body)
        )
        reply = self.next_reply()
        if reply is None:
            return _error(Reply.error(500, "FakeGemini: no reply scripted"))
        if reply.delay_s:
            await self.pause(reply.delay_s)
        if reply.status != 200:
            return _error(reply)
        return web.json_response(_envelope(model, reply), headers=reply.headers)


def _error(reply: Reply) -> web.Response:
    return web.json_response(reply.body, status=reply.status, headers=reply.headers)


def _envelope(model: str, reply: Reply) -> dict[str, Any]:
    text = reply.text or ""
    output_tokens = max(1, len(text) // 4)
    return {
        "candidates": [
            {
                "content": {"parts": [{"text": text}], "role": "model"},
                "finishReason": reply.finish_reason,
                "index": 0,
            }
        ],
        "usageMetadata": {
            "promptTokenCount": 100,
            "candidatesTokenCount": output_tokens,
            "totalTokenCount": 100 + output_tokens,
        },
        "modelVersion": model,
        "responseId": uuid.uuid4().hex,
    }
