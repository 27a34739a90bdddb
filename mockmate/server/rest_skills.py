"""The candidate's practice beyond the interview loop: `/api/me/skills`, `/api/me/insights`,
practice sessions (`/api/practice`), bookmarks (`/api/bookmarks`), what changed when a
question is answered again (`/api/answers/{id}/comparison`) and the preview of an
interview's questions (`/api/interviews/preview`). docs/candidate.md."""

from aiohttp import web
from pydantic import Field, ValidationError

from mockmate.errors import invalid_payload
from mockmate.interviews.payloads import StartInterview
from mockmate.server.http import current_user, read_json_object
from mockmate.server.keys import SERVICES
from mockmate.server.uploads import read_upload
from mockmate.skills.service import parse_range

routes = web.RouteTableDef()


@routes.get("/api/me/skills")
async def get_skills(request: web.Request) -> web.Response:
    user = await current_user(request)
    range_ = parse_range(request.query.get("range"))
    skills = request.app[SERVICES].features.skills
    return web.json_response({"skills": await skills.skills(user.id, range_)})


@routes.get("/api/me/insights")
async def get_insights(request: web.Request) -> web.Response:
    user = await current_user(request)
    range_ = parse_range(request.query.get("range"))
    skills = request.app[SERVICES].features.skills
    return web.json_response({"insights": await skills.insights(user.id, range_)})


@routes.post("/api/practice")
async def start_practice(request: web.Request) -> web.Response:
    user = await current_user(request)
    body = await read_json_object(request)
    services = request.app[SERVICES]
    started = await services.features.practice.start(services.interview_service, user.id, body)
    return web.json_response(started, status=201)


@routes.get("/api/practice")
async def practice_history(request: web.Request) -> web.Response:
    user = await current_user(request)
    range_ = parse_range(request.query.get("range"))
    practice = request.app[SERVICES].features.practice
    return web.json_response(await practice.history(user.id, range_))


@routes.post("/api/bookmarks")
async def add_bookmark(request: web.Request) -> web.Response:
    user = await current_user(request)
    body = await read_json_object(request)
    bookmark, new = await request.app[SERVICES].features.bookmarks.add(user.id, body)
    return web.json_response({"bookmark": bookmark}, status=201 if new else 200)


@routes.get("/api/bookmarks")
async def list_bookmarks(request: web.Request) -> web.Response:
    user = await current_user(request)
    bookmarks = await request.app[SERVICES].features.bookmarks.for_user(user.id)
    return web.json_response({"bookmarks": bookmarks})


@routes.delete("/api/bookmarks/{bookmark_id}")
async def delete_bookmark(request: web.Request) -> web.Response:
    user = await current_user(request)
    await request.app[SERVICES].features.bookmarks.delete(
        user.id, request.match_info["bookmark_id"])
    return web.json_response({"ok": True})


@routes.get("/api/answers/{answer_id}/comparison")
async def answer_comparison(request: web.Request) -> web.Response:
    user = await current_user(request)
    attempts = request.app[SERVICES].features.attempts
    return web.json_response(await attempts.comparison(user.id, request.match_info["answer_id"]))


class PreviewInterview(StartInterview):
    """`interview:start`'s payload, and the questions not to ask (to regenerate some)."""

    exclude_ids: list[str] = Field(default_factory=list, max_length=200)


@routes.post("/api/interviews/preview")
async def preview_interview(request: web.Request) -> web.Response:
    user = await current_user(request)
    body = await read_json_object(request)
    try:
        config = PreviewInterview.model_validate(body)
    except ValidationError as exc:
        raise invalid_payload(exc) from None
    questions = await request.app[SERVICES].interview_service.preview(
        user.id, config, config.exclude_ids)
    return web.json_response({"questions": [q.wire() for q in questions],
                              "total": len(questions)})


@routes.put("/api/me/photo")
async def put_photo(request: web.Request) -> web.Response:
    user = await current_user(request)
    photos = request.app[SERVICES].features.photos
    data, _, _ = await read_upload(request, limit=photos.max_bytes)
    return web.json_response({"photo": await photos.put(user.id, data)})


@routes.get("/api/me/photo")
async def get_photo(request: web.Request) -> web.Response:
    user = await current_user(request)
    data, content_type = await request.app[SERVICES].features.photos.get(user.id)
    return web.Response(body=data, content_type=content_type,
                        headers={"Cache-Control": "private, no-cache"})


@routes.delete("/api/me/photo")
async def delete_photo(request: web.Request) -> web.Response:
    user = await current_user(request)
    await request.app[SERVICES].features.photos.delete(user.id)
    return web.json_response({"ok": True})
