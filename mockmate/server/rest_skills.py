"""The candidate's practice beyond the interview loop: `/api/me/skills`, `/api/me/insights`,
practice sessions (`/api/practice`), bookmarks (`/api/bookmarks`), what changed when a
question is answered again (`/api/answers/{id}/comparison`) and the preview of an
interview's questions (`/api/interviews/preview`). docs/candidate.md."""

from aiohttp import web
from pydantic import Field, ValidationError

from mockmate.errors import invalid_payload
from mockmate.interviews.payloads import StartInterview
from mockmate.server.http import Ok, model_response, read_json_object, signed_in
from mockmate.server.uploads import read_upload
from mockmate.server.wiring.candidate import CANDIDATE
from mockmate.server.wiring.interviews import INTERVIEWS
from mockmate.skills.replies import (
    BookmarkReply,
    Bookmarks,
    ComparisonReply,
    InsightsReply,
    PhotoReply,
    PracticeHistory,
    PracticeStarted,
    Preview,
    SkillsReply,
)
from mockmate.skills.service import parse_range
from mockmate.storage.users import User

routes = web.RouteTableDef()


@routes.get("/api/me/skills")
@signed_in
async def get_skills(request: web.Request, user: User) -> web.Response:
    range_ = parse_range(request.query.get("range"))
    skills = request.app[CANDIDATE].skills
    return model_response(SkillsReply.model_validate(
        {"skills": await skills.skills(user.id, range_)}))


@routes.get("/api/me/insights")
@signed_in
async def get_insights(request: web.Request, user: User) -> web.Response:
    range_ = parse_range(request.query.get("range"))
    skills = request.app[CANDIDATE].skills
    return model_response(InsightsReply.model_validate(
        {"insights": await skills.insights(user.id, range_)}))


@routes.post("/api/practice")
@signed_in
async def start_practice(request: web.Request, user: User) -> web.Response:
    body = await read_json_object(request)
    started = await request.app[CANDIDATE].practice.start(
        request.app[INTERVIEWS].service, user.id, body)
    return model_response(PracticeStarted.model_validate(started), status=201,
                          exclude_unset=True)


@routes.get("/api/practice")
@signed_in
async def practice_history(request: web.Request, user: User) -> web.Response:
    range_ = parse_range(request.query.get("range"))
    practice = request.app[CANDIDATE].practice
    return model_response(PracticeHistory.model_validate(
        await practice.history(user.id, range_)), exclude_unset=True)


@routes.post("/api/bookmarks")
@signed_in
async def add_bookmark(request: web.Request, user: User) -> web.Response:
    body = await read_json_object(request)
    bookmark, new = await request.app[CANDIDATE].bookmarks.add(user.id, body)
    return model_response(BookmarkReply.model_validate({"bookmark": bookmark}),
                          status=201 if new else 200, exclude_unset=True)


@routes.get("/api/bookmarks")
@signed_in
async def list_bookmarks(request: web.Request, user: User) -> web.Response:
    bookmarks = await request.app[CANDIDATE].bookmarks.for_user(user.id)
    return model_response(Bookmarks.model_validate({"bookmarks": bookmarks}),
                          exclude_unset=True)


@routes.delete("/api/bookmarks/{bookmark_id}")
@signed_in
async def delete_bookmark(request: web.Request, user: User) -> web.Response:
    await request.app[CANDIDATE].bookmarks.delete(
        user.id, request.match_info["bookmark_id"])
    return model_response(Ok())


@routes.get("/api/answers/{answer_id}/comparison")
@signed_in
async def answer_comparison(request: web.Request, user: User) -> web.Response:
    attempts = request.app[CANDIDATE].attempts
    return model_response(ComparisonReply.model_validate(
        await attempts.comparison(user.id, request.match_info["answer_id"])))


class PreviewInterview(StartInterview):
    """`interview:start`'s payload, and the questions not to ask (to regenerate some)."""

    exclude_ids: list[str] = Field(default_factory=list, max_length=200)


@routes.post("/api/interviews/preview")
@signed_in
async def preview_interview(request: web.Request, user: User) -> web.Response:
    body = await read_json_object(request)
    try:
        config = PreviewInterview.model_validate(body)
    except ValidationError as exc:
        raise invalid_payload(exc) from None
    questions = await request.app[INTERVIEWS].service.preview(
        user.id, config, config.exclude_ids)
    return model_response(Preview.model_validate(
        {"questions": [q.wire() for q in questions], "total": len(questions)}),
        exclude_unset=True)


@routes.put("/api/me/photo")
@signed_in
async def put_photo(request: web.Request, user: User) -> web.Response:
    photos = request.app[CANDIDATE].photos
    data, _, _ = await read_upload(request, limit=photos.max_bytes)
    return model_response(PhotoReply.model_validate({"photo": await photos.put(user.id, data)}))


@routes.get("/api/me/photo")
@signed_in
async def get_photo(request: web.Request, user: User) -> web.Response:
    data, content_type = await request.app[CANDIDATE].photos.get(user.id)
    return web.Response(body=data, content_type=content_type,
                        headers={"Cache-Control": "private, no-cache"})


@routes.delete("/api/me/photo")
@signed_in
async def delete_photo(request: web.Request, user: User) -> web.Response:
    await request.app[CANDIDATE].photos.delete(user.id)
    return model_response(Ok())
