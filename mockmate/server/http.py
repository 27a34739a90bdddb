"""REST plumbing: JSON error bodies with contract codes, bearer-token auth (`signed_in`,
`authenticated`), body parsing (`read_json`, `read_optional_json`, `read_query`) and typed
JSON answers (`model_response`: docs/openapi.json reads each handler's model from it)."""

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Literal, TypeVar

from aiohttp import web
from pydantic import BaseModel, ValidationError

from mockmate.auth.revocation import Authenticated
from mockmate.errors import (
    HTTP_STATUS,
    ErrorCode,
    Internal,
    InvalidPayload,
    MockMateError,
    Unauthorized,
    error_for,
    invalid_payload,
)
from mockmate.observability import bind, user_id
from mockmate.outages import OUTAGES, unavailable_from
from mockmate.server.keys import METRICS
from mockmate.server.wiring.accounts import ACCOUNTS
from mockmate.storage.users import User

log = logging.getLogger(__name__)
M = TypeVar("M", bound=BaseModel)
R = TypeVar("R", bound=web.StreamResponse)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

_HTTP_CODES = {400: ErrorCode.INVALID_PAYLOAD, 401: ErrorCode.UNAUTHORIZED,
               403: ErrorCode.FORBIDDEN, 404: ErrorCode.NOT_FOUND, 405: ErrorCode.NOT_FOUND,
               413: ErrorCode.TOO_LARGE}


def error_response(error: MockMateError) -> web.Response:
    return web.json_response({"error": error.body()}, status=HTTP_STATUS[error.code])


@web.middleware
async def errors_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    route = request.match_info.route.resource.canonical if request.match_info.route.resource \
        else "unmatched"
    # The ids of this request for every log line it causes (the user once authenticated).
    bind(event=request.headers.get("X-Request-Id", "")[:64] or None,
         session=request.match_info.get("interview_id"))
    try:
        response = await handler(request)
    except MockMateError as exc:
        response = error_response(exc)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        code = _HTTP_CODES.get(exc.status, ErrorCode.INTERNAL)
        response = error_response(error_for(code, exc.reason))
    except (OverflowError, RecursionError) as exc:
        # A date near year 1 or 9999 moved past the calendar, a number too large to convert,
        # JSON nested too deep: the input's fault, whichever rule met it.
        log.warning("%s %s: input out of range (%s)", request.method, request.path,
                    type(exc).__name__)
        response = error_response(InvalidPayload(
                                                "a value in the request is out of range"))
    except OUTAGES as exc:
        outage = unavailable_from(exc)
        assert outage is not None
        log.warning("%s %s: %s (%s)", request.method, request.path, outage.message, exc)
        response = error_response(outage)
    except Exception:
        log.exception("%s %s failed", request.method, request.path)
        response = error_response(Internal("something went wrong"))
    request.app[METRICS].http_requests.labels(route, str(response.status)).inc()
    return response


async def authenticate(request: web.Request) -> Authenticated:
    """The bearer token's user and claims; revoked and replaced tokens are refused."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("send 'Authorization: Bearer <token>'")
    auth = await request.app[ACCOUNTS].security.authenticator.authenticate(token.strip())
    user_id.set(auth.user.id)
    return auth


async def current_user(request: web.Request) -> User:
    return (await authenticate(request)).user


def authenticated(
    handler: Callable[[web.Request, Authenticated], Awaitable[R]],
) -> Callable[[web.Request], Awaitable[R]]:
    """A route for signed-in users only: the handler gets the token's user and claims."""

    @functools.wraps(handler)
    async def with_auth(request: web.Request) -> R:
        return await handler(request, await authenticate(request))

    return with_auth


def signed_in(
    handler: Callable[[web.Request, User], Awaitable[R]],
) -> Callable[[web.Request], Awaitable[R]]:
    """A route for signed-in users only: the handler gets the current user."""

    @functools.wraps(handler)
    async def with_user(request: web.Request) -> R:
        return await handler(request, await current_user(request))

    return with_user


async def read_json_object(request: web.Request) -> dict[str, Any]:
    """The request's JSON object body (`invalid_payload` for anything else)."""
    try:
        body: Any = await request.json()
    except ValueError:
        raise InvalidPayload("the body must be JSON") from None
    except RecursionError:
        raise InvalidPayload("the JSON is nested too deep") from None
    if not isinstance(body, dict):
        raise InvalidPayload("the body must be a JSON object")
    return body


async def read_json(request: web.Request, model: type[M]) -> M:
    body = await read_json_object(request)
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        raise invalid_payload(exc) from None


async def read_optional_json(request: web.Request, model: type[M]) -> M:
    """The JSON body as `model`, or `model()` when the request has no body."""
    if not request.body_exists:
        return model()
    return await read_json(request, model)


def read_query(request: web.Request, model: type[M]) -> M:
    """The query string as `model`; `invalid_payload` naming each bad parameter."""
    try:
        return model.model_validate(dict(request.query))
    except ValidationError as exc:
        raise invalid_payload(exc) from None


class Ok(BaseModel):
    """The answer of an action that has nothing else to say."""

    ok: Literal[True] = True


def model_response(model: BaseModel, *, status: int = 200, exclude_unset: bool = False,
                   headers: dict[str, str] | None = None) -> web.Response:
    """`model` as the JSON body: the model is what is sent, so the OpenAPI document (which
    finds the model passed here in the handler's source) cannot drift from it.
    `exclude_unset` leaves out the fields a model built from a dict was not given (keys
    that a response has only sometimes)."""
    return web.json_response(
        model.model_dump(mode="json", by_alias=True, exclude_unset=exclude_unset),
        status=status, headers=headers)
