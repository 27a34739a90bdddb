"""What the Gemini question generator and evaluator share: client, error triage, JSON parsing.

Both ask Gemini for JSON matching a pydantic schema through the official `google-genai` SDK
(`client.aio`). The SDK's own retries are switched off, so that our `ProviderGuard` alone
decides on retries, waits and the circuit breaker; `classify_gemini` tells it which SDK errors
are worth retrying. Models sometimes return almost-right JSON (code fences, cut off by the
token limit), so the text is parsed leniently here and each caller repairs or rejects it.
"""

import json
import re
from dataclasses import replace
from typing import Any, TypeVar

import aiohttp
from google import genai
from google.genai import errors as genai_errors
from google.genai import types
from pydantic import BaseModel

from mockmate.providers.resilience import (
    Failure,
    RetryPolicy,
    Vendor,
    classify_basic,
    classify_status,
)

__all__ = [
    "API_VERSION",
    "DEFAULT_MODEL",
    "DEFAULT_POLICY",
    "GEMINI",
    "PROVIDER",
    "InvalidOutputError",
    "classify_gemini",
    "generate_json",
    "load_json_lenient",
    "make_gemini_client",
]

PROVIDER = "gemini"
DEFAULT_MODEL = "gemini-2.5-flash"
API_VERSION = "v1beta"
# Thinking models can take tens of seconds on a long resume; the deadline bounds the wait for
# all attempts together, after which the caller's offline path answers.
DEFAULT_POLICY = RetryPolicy(attempts=3, timeout_s=30.0, deadline_s=60.0)

M = TypeVar("M", bound=BaseModel)


class InvalidOutputError(Exception):
    """The model answered, but nothing usable could be read from its output."""


def make_gemini_client(
    api_key: str, base_url: str = "", *, api_version: str = API_VERSION
) -> genai.Client:
    """A google-genai client for the Gemini API (`base_url` empty: Google's endpoint).

    Retries are disabled (one attempt): `ProviderGuard` owns retries and timeouts. The API
    version is pinned (SDK defaults differ between releases) to the one that documents
    system instructions and JSON response schemas.
    """
    options = types.HttpOptions(
        api_version=api_version, retry_options=types.HttpRetryOptions(attempts=1)
    )
    if base_url:
        options.base_url = base_url
    return genai.Client(api_key=api_key, http_options=options)


def classify_gemini(exc: BaseException) -> Failure:
    """How a failed Gemini call is treated: retry 429/5xx/timeouts/connection errors."""
    if isinstance(exc, genai_errors.APIError):
        failure = classify_status(exc.code, _header(exc, "Retry-After"))
        if failure.kind == "client_error" and "API_KEY_INVALID" in str(exc.details):
            return Failure(retryable=False, kind="auth")
        if failure.retryable and failure.retry_after is None:
            delay = _retry_info_delay(exc.details)
            if delay is not None:
                return replace(failure, retry_after=delay)
        return failure
    if isinstance(exc, InvalidOutputError):
        return Failure(retryable=False, kind="invalid_output", counts=False)
    if isinstance(exc, aiohttp.ClientConnectionError | aiohttp.ClientPayloadError):
        return Failure(retryable=True, kind="connection")
    return classify_basic(exc)


# `make_guard(GEMINI)`: one breaker shared by its generator, evaluator and follow-up writer.
GEMINI = Vendor(PROVIDER, classify_gemini, DEFAULT_POLICY)


_DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)s\s*$")


def _retry_info_delay(details: Any) -> float | None:
    """`retryDelay` ("37s") of a google.rpc.RetryInfo in the error body, which Gemini sends
    with 429s instead of (or besides) a Retry-After header."""
    error = details.get("error", details) if isinstance(details, dict) else None
    entries = error.get("details") if isinstance(error, dict) else None
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict) and str(entry.get("@type", "")).endswith("rpc.RetryInfo"):
            match = _DURATION_RE.match(str(entry.get("retryDelay", "")))
            if match:
                return float(match.group(1))
    return None


def _header(exc: genai_errors.APIError, name: str) -> str | None:
    headers = getattr(exc.response, "headers", None)
    if headers is None:
        return None
    for key, value in headers.items():
        if str(key).lower() == name.lower():
            return str(value)
    return None


async def generate_json(
    client: genai.Client,
    *,
    model: str,
    system: str,
    prompt: str,
    schema: type[M],
    temperature: float,
) -> tuple[M | None, str]:
    """Ask for JSON matching `schema`: (the SDK's parsed object or None, the raw text)."""
    config = types.GenerateContentConfig(
        system_instruction=system,
        response_mime_type="application/json",
        response_schema=schema,
        temperature=temperature,
    )
    response = await client.aio.models.generate_content(
        model=model, contents=prompt, config=config
    )
    text = response.text
    if not text:
        reason = response.candidates[0].finish_reason if response.candidates else None
        raise InvalidOutputError(f"empty model output (finish reason {reason})")
    parsed = response.parsed
    return (parsed if isinstance(parsed, schema) else None), text


_FENCE_RE = re.compile(r"^\s*```(?:json)?\s*|\s*```\s*$", re.IGNORECASE)


def load_json_lenient(text: str, list_key: str | None = None) -> Any:
    """Parse model output that should be JSON, tolerating code fences and prose around it.

    With `list_key`, output cut off mid-way (token limit) still yields the complete objects
    of that list: `{"<list_key>": [...]}` with the items that were whole.
    Raises `InvalidOutputError` when nothing can be recovered.
    """
    body = _FENCE_RE.sub("", text).strip()
    try:
        return json.loads(body)
    except ValueError:
        pass
    start = min((i for i in (body.find("{"), body.find("[")) if i >= 0), default=-1)
    if start >= 0:
        try:
            value, _ = json.JSONDecoder().raw_decode(body, start)
            return value
        except ValueError:
            pass
    if list_key is not None:
        items = _salvage_items(body, list_key)
        if items:
            return {list_key: items}
    raise InvalidOutputError(f"model output is not JSON: {text[:200]!r}")


def _salvage_items(body: str, list_key: str) -> list[Any]:
    """The whole objects at the start of the (truncated) array under `list_key`."""
    match = re.search(r'"' + re.escape(list_key) + r'"\s*:\s*\[', body)
    position = match.end() if match else body.find("[") + 1
    if position <= 0:
        return []
    decoder = json.JSONDecoder()
    items: list[Any] = []
    while True:
        while position < len(body) and body[position] in " \t\r\n,":
            position += 1
        try:
            item, position = decoder.raw_decode(body, position)
        except ValueError:
            return items
        items.append(item)
