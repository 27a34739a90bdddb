"""`/api/me`: the signed-in candidate's profile, statistics, progress, challenges and goals,
and their data as a whole (export, delete)."""

from aiohttp import web

from mockmate.candidates.learning_path_service import LearningPathRequest
from mockmate.handlers.connections import user_room
from mockmate.server.http import current_user, read_json_object
from mockmate.server.keys import SERVICES, SIO
from mockmate.server.rest_market_common import read_optional_json
from mockmate.skills.service import parse_range

routes = web.RouteTableDef()


@routes.get("/api/me/profile")
async def get_profile(request: web.Request) -> web.Response:
    user = await current_user(request)
    profile = await request.app[SERVICES].candidate_service.profile(user)
    return web.json_response({"profile": profile})


@routes.patch("/api/me/profile")
async def patch_profile(request: web.Request) -> web.Response:
    user = await current_user(request)
    body = await read_json_object(request)
    profile = await request.app[SERVICES].candidate_service.patch_profile(user, body)
    return web.json_response({"profile": profile})


@routes.get("/api/me/statistics")
async def get_statistics(request: web.Request) -> web.Response:
    user = await current_user(request)
    figures = await request.app[SERVICES].candidate_service.statistics(user.id)
    if "range" in request.query:  # the same figures over a week, month, quarter or year
        figures["in_range"] = await request.app[SERVICES].features.skills.period_statistics(
            user.id, parse_range(request.query["range"]))
    return web.json_response({"statistics": figures})


@routes.get("/api/me/benchmarks")
async def get_benchmarks(request: web.Request) -> web.Response:
    user = await current_user(request)
    return web.json_response({"benchmarks": await request.app[SERVICES].benchmarks.for_user(
        user.id)})


@routes.post("/api/me/learning-path")
async def build_learning_path(request: web.Request) -> web.Response:
    user = await current_user(request)
    body = await read_optional_json(request, LearningPathRequest)
    path = await request.app[SERVICES].learning_paths.build(user.id, body)
    return web.json_response({"learning_path": path}, status=201)


@routes.get("/api/me/learning-path")
async def get_learning_path(request: web.Request) -> web.Response:
    user = await current_user(request)
    path = await request.app[SERVICES].learning_paths.current(user.id)
    return web.json_response({"learning_path": path})


@routes.get("/api/me/gamification")
async def get_gamification(request: web.Request) -> web.Response:
    user = await current_user(request)
    return web.json_response(await request.app[SERVICES].candidate_service.gamification(user.id))


@routes.post("/api/me/challenges/{challenge_id}/claim")
async def claim_challenge(request: web.Request) -> web.Response:
    user = await current_user(request)
    service = request.app[SERVICES].candidate_service
    claimed = await service.claim_challenge(user.id, request.match_info["challenge_id"])
    if claimed["gamification"] is not None:
        await request.app[SIO].emit(
            "gamification:update", claimed["gamification"], room=user_room(user.id)
        )
    return web.json_response(claimed)


@routes.get("/api/me/goals")
async def list_goals(request: web.Request) -> web.Response:
    user = await current_user(request)
    return web.json_response(await request.app[SERVICES].candidate_service.goals(user.id))


@routes.post("/api/me/goals")
async def add_goal(request: web.Request) -> web.Response:
    user = await current_user(request)
    body = await read_json_object(request)
    goal = await request.app[SERVICES].candidate_service.add_goal(user.id, body)
    return web.json_response(goal, status=201)


@routes.post("/api/me/onboarding/complete")
async def complete_onboarding(request: web.Request) -> web.Response:
    user = await current_user(request)
    done = await request.app[SERVICES].candidate_service.complete_onboarding(user.id)
    if done["gamification"] is not None:
        await request.app[SIO].emit("gamification:update", done["gamification"],
                                    room=user_room(user.id))
    return web.json_response(done)


@routes.patch("/api/me/goals/{goal_id}")
async def edit_goal(request: web.Request) -> web.Response:
    user = await current_user(request)
    body = await read_json_object(request)
    service = request.app[SERVICES].candidate_service
    return web.json_response(await service.edit_goal(user.id, request.match_info["goal_id"],
                                                     body))


@routes.delete("/api/me/goals/{goal_id}")
async def delete_goal(request: web.Request) -> web.Response:
    user = await current_user(request)
    await request.app[SERVICES].candidate_service.delete_goal(
        user.id, request.match_info["goal_id"])
    return web.json_response({"ok": True})


@routes.get("/api/me/export")
async def export(request: web.Request) -> web.Response:
    user = await current_user(request)
    data = await request.app[SERVICES].account.export(user)
    return web.json_response(data, headers={
        "Content-Disposition": f'attachment; filename="mockmate-{user.id}.json"',
    })


@routes.delete("/api/me")
async def delete_account(request: web.Request) -> web.Response:
    user = await current_user(request)
    await request.app[SERVICES].account.erase(user.id)
    sio = request.app[SIO]
    room = user_room(user.id)
    # Every process tells the user's sockets, then drops them from the room.
    await sio.emit("account:deleted", {"user_id": user.id}, room=room)
    await sio.close_room(room)
    return web.json_response({"deleted": True, "id": user.id})
