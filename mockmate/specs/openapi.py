"""The OpenAPI 3.1 document of the REST API, generated from the app's routes and models.

The routes are read from the aiohttp router, so a new route is in the document without a
line here. The request models are the ones each handler validates with: its source is read
for `read_json(request, Model)`, `read_optional_json` and `read_query` calls (one level into
the REST helpers it calls), and a handler that requires a signed-in user is recognized by
`@signed_in`/`@authenticated` or a call of `current_user`/`authenticate`. The success
responses are the models the handler sends with `model_response(Model(...))` (or
`Model.model_validate(...)`, or a name assigned from either), found the same way; a route
that answers with more than one is `anyOf` them. Errors are the contract's
`{error: {code, message}}`.
"""

import ast
import inspect
import re
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from pydantic import BaseModel

from mockmate import __version__
from mockmate.errors import HTTP_STATUS, ErrorCode
from mockmate.specs.messages import ErrorBody
from mockmate.specs.schemas import SchemaTable

_READERS = {"read_json": "body", "read_optional_json": "optional body", "read_query": "query"}
_AUTH = {"current_user", "authenticate", "signed_in", "authenticated"}
_REST = "mockmate.server."
_PLUMBING = "mockmate.server.http"
# Routes that are not part of the API: the browser client's page and its static assets
# (docs/web.md), and the Socket.IO transport (docs/asyncapi.json describes it).
EXCLUDED = re.compile(r"^(/|/assets/.*|/socket\.io/?)$")


class ErrorResponse(BaseModel):
    error: ErrorBody


_SENDER = "model_response"
_BUILDERS = {"model_validate", "model_construct"}


def _functions(handler: Callable[..., Any]) -> Iterator[ast.AST]:
    """The handler's syntax tree, then those of the REST helpers it calls (not the plumbing
    of `server/http.py`, whose readers are what is looked for)."""
    target = inspect.unwrap(handler)
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(target)))
    except (OSError, TypeError):
        return
    yield tree
    module = inspect.getmodule(target)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            helper = getattr(module, node.func.id, None)
            if inspect.isfunction(helper) and helper.__module__.startswith(_REST) \
                    and helper.__module__ != _PLUMBING and helper is not target:
                try:
                    yield ast.parse(textwrap.dedent(inspect.getsource(helper)))
                except (OSError, TypeError):
                    continue


def _resolve(node: ast.expr, scope: dict[str, Any]) -> Any:
    if isinstance(node, ast.Name):
        return scope.get(node.id)
    if isinstance(node, ast.Attribute):
        return getattr(_resolve(node.value, scope), node.attr, None)
    return None


def _built_model(node: ast.expr, scope: dict[str, Any],
                 assigned: dict[str, ast.expr]) -> type[BaseModel] | None:
    """The model `Model(...)`, `Model.model_validate(...)` or a name assigned from one of
    them builds (`None` for anything else)."""
    if isinstance(node, ast.Await):
        node = node.value
    if isinstance(node, ast.Name) and node.id in assigned:
        return _built_model(assigned.pop(node.id), scope, assigned)
    if not isinstance(node, ast.Call):
        return None
    func = node.func
    if isinstance(func, ast.Attribute) and func.attr in _BUILDERS:
        func = func.value
    model = _resolve(func, scope)
    return model if _is_model(model) else None


def _sent_models(tree: ast.AST, scope: dict[str, Any]) -> list[type[BaseModel]]:
    """The models a function passes to `model_response`, in the order written."""
    assigned: dict[str, ast.expr] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 \
                and isinstance(node.targets[0], ast.Name):
            assigned[node.targets[0].id] = node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) \
                and node.value is not None:
            assigned[node.target.id] = node.value
    found: list[type[BaseModel]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id == _SENDER and node.args:
            model = _built_model(node.args[0], scope, dict(assigned))
            if model is not None and model not in found:
                found.append(model)
    return found


@dataclass(frozen=True)
class Reads:
    """What a handler reads (`models`: `{"body" | "optional body" | "query": Model}`; a JSON
    object without a model; a multipart upload), whether it requires a signed-in user,
    whether it answers JSON and the models it answers with (`sends`)."""

    models: dict[str, type[BaseModel]]
    auth: bool
    any_json: bool
    multipart: bool
    json_out: bool
    sends: tuple[type[BaseModel], ...] = ()


def read_by(handler: Callable[..., Any]) -> Reads:
    scope = getattr(inspect.unwrap(handler), "__globals__", {})
    reads: dict[str, type[BaseModel]] = {}
    code = getattr(handler, "__code__", None)
    auth = code is not None and code.co_name in ("with_user", "with_auth")
    names: set[str] = set()
    validated: list[type[BaseModel]] = []
    sends: list[type[BaseModel]] = []
    for tree in _functions(handler):
        sends += [m for m in _sent_models(tree, scope) if m not in sends]
        for node in ast.walk(tree):
            if isinstance(node, ast.Name | ast.Attribute):
                names.add(node.id if isinstance(node, ast.Name) else node.attr)
            if not isinstance(node, ast.Call):
                continue
            if isinstance(node.func, ast.Name) and node.func.id in _READERS \
                    and len(node.args) == 2:
                model = _resolve(node.args[1], scope)
                if _is_model(model):
                    reads.setdefault(_READERS[node.func.id], model)
            elif isinstance(node.func, ast.Attribute) and node.func.attr == "model_validate":
                model = _resolve(node.func.value, scope)
                if _is_model(model):
                    validated.append(model)
    if "read_json_object" in names and validated:  # a body read, then validated
        reads.setdefault("body", validated[0])
    return Reads(models=reads, auth=auth or bool(names & _AUTH),
                 any_json="read_json_object" in names,
                 multipart=bool(names & {"read_upload", "multipart"}),
                 json_out=bool(names & {"json_response", _SENDER}), sends=tuple(sends))


def _is_model(value: object) -> bool:
    return isinstance(value, type) and issubclass(value, BaseModel)


def _path_parameters(path: str) -> tuple[str, list[dict[str, Any]]]:
    """`/api/x/{id}` (aiohttp's `{name:regex}` made plain) and its path parameters."""
    names = re.findall(r"{([^}:]+)(?::[^}]*)?}", path)
    plain = re.sub(r"{([^}:]+)(?::[^}]*)?}", r"{\1}", path)
    return plain, [{"name": n, "in": "path", "required": True, "schema": {"type": "string"}}
                   for n in names]


def _query_parameters(schema: dict[str, Any]) -> list[dict[str, Any]]:
    required = set(schema.get("required", []))
    return [{"name": name, "in": "query", "required": name in required, "schema": prop}
            for name, prop in schema.get("properties", {}).items()]


def api_routes(app: web.Application) -> Iterator[tuple[str, str, Callable[..., Any]]]:
    """(method, path, handler) of every route of the API (not `EXCLUDED`), sorted."""
    found = []
    for route in app.router.routes():
        info = route.resource.get_info() if route.resource else {}
        path = info.get("path") or info.get("formatter") or ""
        if route.method in ("HEAD", "*") or not path or EXCLUDED.match(path):
            continue
        found.append((route.method, path, route.handler))
    yield from sorted(found, key=lambda r: (r[1], r[0]))


def _error_table() -> dict[str, Any]:
    """One shared response per error status (`components.responses`)."""
    ref = {"$ref": "#/components/schemas/ErrorResponse"}
    return {f"status{status}": {
        "description": ", ".join(c.value for c in ErrorCode if HTTP_STATUS[c] == status),
        "content": {"application/json": {"schema": ref}},
    } for status in sorted(set(HTTP_STATUS.values()))}


def _error_responses(auth: bool) -> dict[str, Any]:
    statuses = sorted(set(HTTP_STATUS.values()) - (set() if auth else {401}))
    return {str(s): {"$ref": f"#/components/responses/status{s}"} for s in statuses}


def _request_body(reads: Reads, refs: dict[Any, Any]) -> dict[str, Any] | None:
    for kind in ("body", "optional body"):
        if kind in reads.models:
            return {"required": kind == "body", "content": {"application/json": {
                "schema": refs[(reads.models[kind], "validation")]}}}
    if reads.multipart:
        return {"required": True, "content": {"multipart/form-data": {
            "schema": {"type": "object", "properties": {
                "file": {"type": "string", "contentMediaType": "application/octet-stream"}}}}}}
    if reads.any_json:
        return {"required": True, "content": {"application/json": {"schema": {
            "type": "object"}}}}
    return None


def _success(models: tuple[type[BaseModel], ...], reads: Reads, refs: dict[Any, Any]
             ) -> dict[str, Any]:
    if models:
        schemas = [refs[(model, "serialization")] for model in models]
        return {"description": "success", "content": {"application/json": {
            "schema": schemas[0] if len(schemas) == 1 else {"anyOf": schemas}}}}
    if reads.json_out:
        return {"description": "success (a JSON object; see docs/)", "content": {
            "application/json": {"schema": {"type": "object"}}}}
    return {"description": "success: a file, a page or text (see docs/)",
            "content": {"*/*": {}}}


def build_openapi(app: web.Application) -> dict[str, Any]:
    routes = [(method, path, handler, read_by(handler))
              for method, path, handler in api_routes(app)]
    table = SchemaTable()
    table.want(ErrorResponse, "serialization")
    for *_, reads in routes:
        for model in reads.models.values():
            table.want(model, "validation")
        for model in reads.sends:
            table.want(model, "serialization")
    refs, schemas = table.build()

    paths: dict[str, dict[str, Any]] = {}
    for method, path, handler, reads in routes:
        plain, parameters = _path_parameters(path)
        target = inspect.unwrap(handler)
        doc = inspect.getdoc(target) or ""
        operation: dict[str, Any] = {
            "operationId": _operation_id(method, plain),
            "summary": doc.split("\n\n")[0].replace("\n", " ") if doc
            else getattr(target, "__name__", "handler").replace("_", " "),
            "tags": [plain.split("/")[2] if plain.startswith("/api/") else "service"],
        }
        if "query" in reads.models:
            parameters += _query_parameters(schemas.get(reads.models["query"].__name__, {}))
        if parameters:
            operation["parameters"] = parameters
        body = _request_body(reads, refs)
        if body is not None:
            operation["requestBody"] = body
        operation["responses"] = {
            "2XX": _success(reads.sends, reads, refs),
            **_error_responses(reads.auth),
        }
        if reads.auth:
            operation["security"] = [{"bearer": []}]
        paths.setdefault(plain, {})[method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "MockMate REST API", "version": __version__,
            "description": "JSON over HTTP; `Authorization: Bearer <JWT>` where a route has "
                           "`security`. Errors: `{error: {code, message}}` with the status "
                           "of its code (CONTRACT.md). The Socket.IO protocol is "
                           "`/asyncapi.json`.",
        },
        "servers": [{"url": "http://127.0.0.1:8080"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "responses": _error_table(),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "bearerFormat": "JWT"}},
        },
    }


def _operation_id(method: str, path: str) -> str:
    words = re.sub(r"[^A-Za-z0-9]+", "_", path).strip("_")
    return f"{method.lower()}_{words}"
