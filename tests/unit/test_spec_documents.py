"""The checked-in specs (docs/asyncapi.json, docs/openapi.json) are what the code generates,
and they cover the client contract: every event, every error code, every REST route."""

import re
from pathlib import Path
from typing import Any

from aiohttp import web

from mockmate.config import Settings
from mockmate.server.app import create_app
from mockmate.specs.asyncapi import build_asyncapi
from mockmate.specs.files import stale
from mockmate.specs.openapi import build_openapi

DOCS = Path(__file__).resolve().parents[2] / "docs"

# From the client contract (CONTRACT.md, "Interview events" and "Acks and errors"): these
# names are fixed for good, so they are written out here rather than read from it.
CONTRACT_CLIENT_EVENTS = {
    "interview:start", "interview:resume", "answer:chunk", "answer:submit", "interview:next",
    "interview:skip", "interview:repeat", "interview:pause", "interview:end",
}
CONTRACT_SERVER_EVENTS = {
    "interview:question", "interview:audio", "answer:transcript", "answer:evaluation",
    "gamification:update", "interview:state", "interview:complete", "error",
}
CONTRACT_ERROR_CODES = {
    "invalid_payload", "unauthorized", "forbidden", "not_found", "invalid_state", "conflict",
    "too_large", "unsupported_audio", "rate_limited", "limit_reached", "unavailable",
    "internal",
}
# Routes that are not part of the REST API, so not in openapi.json: the browser client's
# page and static assets (docs/web.md) and the Socket.IO transport (asyncapi.json).
NOT_API = {"/", "/assets/{version}/{name}", "/socket.io/"}


def app() -> web.Application:
    return create_app(Settings(_env_file=None))  # type: ignore[call-arg]


def test_the_checked_in_specs_are_what_the_code_generates() -> None:
    assert stale(app(), DOCS, write=False) == [], "run `mockmate specs --write`"


def test_the_documents_have_their_required_structure() -> None:
    asyncapi = build_asyncapi()
    assert asyncapi["asyncapi"] == "3.0.0"
    assert {"info", "channels", "operations", "components"} <= set(asyncapi)
    assert {"title", "version"} <= set(asyncapi["info"])
    openapi = build_openapi(app())
    assert openapi["openapi"] == "3.1.0"
    assert {"info", "paths", "components"} <= set(openapi)
    for document in (asyncapi, openapi):
        for ref in refs(document):
            assert resolve(document, ref) is not None, ref


def refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [r for value in node.values() for r in refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in refs(value)]
    return []


def resolve(document: dict[str, Any], ref: str) -> Any:
    node: Any = document
    for part in ref.removeprefix("#/").split("/"):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def test_asyncapi_has_every_contract_event_and_error_code() -> None:
    doc = build_asyncapi()
    messages = doc["components"]["messages"]
    received = {messages[op["messages"][0]["$ref"].rsplit("/", 1)[1]]["name"]
                for op in doc["operations"].values() if op["action"] == "receive"}
    sent = {messages[op["messages"][0]["$ref"].rsplit("/", 1)[1]]["name"]
            for op in doc["operations"].values() if op["action"] == "send"}
    assert received >= CONTRACT_CLIENT_EVENTS
    assert sent >= CONTRACT_SERVER_EVENTS
    for op in doc["operations"].values():  # every client event has its ack and the failure
        if op["action"] == "receive":
            assert len(op["reply"]["messages"]) == 2
    assert set(doc["components"]["schemas"]["ErrorCode"]["enum"]) >= CONTRACT_ERROR_CODES
    assert "interview:resume" in received
    resume = doc["components"]["schemas"]["ResumeInterview"]["properties"]
    assert "last_event_seq" in resume
    assert "event_seq" in doc["components"]["schemas"]["QuestionEvent"]["properties"]


def test_openapi_has_every_route_but_the_listed_exclusions() -> None:
    application = app()
    doc = build_openapi(application)
    documented = {(method.upper(), path) for path, ops in doc["paths"].items() for method in ops}
    for route in application.router.routes():
        if route.method in ("HEAD", "*") or route.resource is None:
            continue
        path = re.sub(r"{([^}:]+):[^}]*}", r"{\1}", route.resource.canonical)
        if path in NOT_API:
            continue
        assert (route.method, path) in documented, f"{route.method} {path}"
    assert not any(path in NOT_API for path in doc["paths"])


def test_openapi_names_request_models_and_who_may_call() -> None:
    paths = build_openapi(app())["paths"]
    register = paths["/api/auth/register"]["post"]
    assert register["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/RegisterRequest"}
    assert "security" not in register
    assert paths["/api/interviews"]["get"]["security"] == [{"bearer": []}]
    assert paths["/api/interviews/preview"]["post"]["requestBody"]["content"][
        "application/json"]["schema"] == {"$ref": "#/components/schemas/PreviewInterview"}
    slots = {p["name"] for p in paths["/api/experts/{expert_id}/slots"]["get"]["parameters"]}
    assert {"expert_id", "from", "to", "tz"} <= slots
    assert "multipart/form-data" in paths["/api/resumes"]["post"]["requestBody"]["content"]
    assert paths["/openapi.json"]["get"] and paths["/asyncapi.json"]["get"]


# The routes whose success is not a typed JSON model: files, pages, feeds and audio (they
# answer bytes, described as such), and the data export (a download that gathers each
# feature's own export). Every other route's success names the model its handler sends;
# tests/integration/test_openapi_responses_live.py checks real answers against them.
UNTYPED = {
    ("GET", "/api/bookings/{booking_id}/calendar.ics"),
    ("GET", "/api/bookings/{booking_id}/review/interviews/{interview_id}/answers/{index}/audio"),
    ("GET", "/api/experts/{expert_id}/documents/{doc_type}"),
    ("GET", "/api/interviews/{interview_id}/answers/{index}/audio"),
    ("GET", "/api/interviews/{interview_id}/report.pdf"),
    ("GET", "/api/me/export"),
    ("GET", "/api/me/photo"),
    ("GET", "/api/resumes/{resume_id}/file"),
    ("POST", "/api/speech/synthesize"),
    ("GET", "/asyncapi.json"),
    ("GET", "/calendar/{token}.ics"),
    ("GET", "/metrics"),
    ("GET", "/openapi.json"),
    ("GET", "/share/{token}"),
}


def success_schema(operation: dict[str, Any]) -> dict[str, Any] | None:
    content = operation["responses"]["2XX"].get("content", {})
    schema = content.get("application/json", {}).get("schema")
    return schema if schema and ("$ref" in schema or "anyOf" in schema) else None


def test_every_json_route_but_the_listed_ones_answers_a_model() -> None:
    paths = build_openapi(app())["paths"]
    routes = {(method.upper(), path): operation for path, operations in paths.items()
              for method, operation in operations.items()}
    untyped = {route for route, operation in routes.items() if success_schema(operation) is None}
    assert untyped == UNTYPED
    assert len(routes) - len(untyped) == 90


def test_a_route_answering_two_models_is_either_and_shared_shapes_are_one_schema() -> None:
    doc = build_openapi(app())
    paths, schemas = doc["paths"], doc["components"]["schemas"]
    login = success_schema(paths["/api/auth/login"]["post"])
    assert login == {"anyOf": [{"$ref": "#/components/schemas/SignedIn"},
                               {"$ref": "#/components/schemas/MfaChallenge"}]}
    for path in ("/api/auth/register", "/api/auth/refresh", "/api/auth/login/2fa"):
        assert success_schema(paths[path]["post"]) == {"$ref": "#/components/schemas/SignedIn"}
    assert set(schemas["SignedIn"]["required"]) == {"token", "refresh_token", "expires_in",
                                                   "user"}
    # A field only some answers have is optional; the others are required.
    booking = schemas["BookingView"]
    assert "payment" not in booking["required"] and "status" in booking["required"]
    assert booking["additionalProperties"] is False
