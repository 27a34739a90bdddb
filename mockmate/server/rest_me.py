"""`/api/me`: the signed-in candidate's profile, statistics, progress, challenges and goals,
and their data as a whole (export, delete)."""

from aiohttp import web

from mockmate.candidates.learning_path_service import LearningPathRequest
from mockmate.candidates.replies import (
    AccountDeleted,
    BenchmarksReply,
    ChallengeClaimed,
    GoalReply,
    Goals,
    LearningPathReply,
    OnboardingCompleted,
    ProfileReply,
    StatisticsReply,
)
from mockmate.candidates.replies import Gamification as GamificationReply
from mockmate.events.rooms import user_room
from mockmate.server.http import (
    Ok,
    model_response,
    read_json_object,
    read_optional_json,
    signed_in,
)
from mockmate.server.keys import SIO
from mockmate.server.wiring.account import ACCOUNT_DATA
from mockmate.server.wiring.candidate import CANDIDATE
from mockmate.server.wiring.progress import PROGRESS
from mockmate.skills.service import parse_range
from mockmate.storage.users import User

routes = web.RouteTableDef()


@routes.get("/api/me/profile")
@signed_in
async def get_profile(request: web.Request, user: User) -> web.Response:
    profile = await request.app[PROGRESS].candidates.profile(user)
    return model_response(ProfileReply.model_validate({"profile": profile}))


@routes.patch("/api/me/profile")
@signed_in
async def patch_profile(request: web.Request, user: User) -> web.Response:
    body = await read_json_object(request)
    profile = await request.app[PROGRESS].candidates.patch_profile(user, body)
    return model_response(ProfileReply.model_validate({"profile": profile}))


@routes.get("/api/me/statistics")
@signed_in
async def get_statistics(request: web.Request, user: User) -> web.Response:
    figures = await request.app[PROGRESS].candidates.statistics(user.id)
    if "range" in request.query:  # the same figures over a week, month, quarter or year
        figures["in_range"] = await request.app[CANDIDATE].skills.period_statistics(
            user.id, parse_range(request.query["range"]))
    return model_response(StatisticsReply.model_validate({"statistics": figures}),
                          exclude_unset=True)


@routes.get("/api/me/benchmarks")
@signed_in
async def get_benchmarks(request: web.Request, user: User) -> web.Response:
    return model_response(BenchmarksReply.model_validate(
        {"benchmarks": await request.app[PROGRESS].benchmarks.for_user(user.id)}),
        exclude_unset=True)


@routes.post("/api/me/learning-path")
@signed_in
async def build_learning_path(request: web.Request, user: User) -> web.Response:
    body = await read_optional_json(request, LearningPathRequest)
    path = await request.app[PROGRESS].learning_paths.build(user.id, body)
    return model_response(LearningPathReply.model_validate({"learning_path": path}),
                          status=201)


@routes.get("/api/me/learning-path")
@signed_in
async def get_learning_path(request: web.Request, user: User) -> web.Response:
    path = await request.app[PROGRESS].learning_paths.current(user.id)
    return model_response(LearningPathReply.model_validate({"learning_path": path}))


@routes.get("/api/me/gamification")
@signed_in
async def get_gamification(request: web.Request, user: User) -> web.Response:
    return model_response(GamificationReply.model_validate(
        await request.app[PROGRESS].candidates.gamification(user.id)))


@routes.post("/api/me/challenges/{challenge_id}/claim")
@signed_in
async def claim_challenge(request: web.Request, user: User) -> web.Response:
    service = request.app[PROGRESS].candidates
    claimed = await service.claim_challenge(user.id, request.match_info["challenge_id"])
    if claimed["gamification"] is not None:
        await request.app[SIO].emit(
            "gamification:update", claimed["gamification"], room=user_room(user.id)
        )
    return model_response(ChallengeClaimed.model_validate(claimed))


@routes.get("/api/me/goals")
@signed_in
async def list_goals(request: web.Request, user: User) -> web.Response:
    return model_response(Goals.model_validate(
        await request.app[PROGRESS].candidates.goals(user.id)))


@routes.post("/api/me/goals")
@signed_in
async def add_goal(request: web.Request, user: User) -> web.Response:
    body = await read_json_object(request)
    goal = await request.app[PROGRESS].candidates.add_goal(user.id, body)
    return model_response(GoalReply.model_validate(goal), status=201)


@routes.post("/api/me/onboarding/complete")
@signed_in
async def complete_onboarding(request: web.Request, user: User) -> web.Response:
    done = await request.app[PROGRESS].candidates.complete_onboarding(user.id)
    if done["gamification"] is not None:
        await request.app[SIO].emit("gamification:update", done["gamification"],
                                    room=user_room(user.id))
    return model_response(OnboardingCompleted.model_validate(done))


@routes.patch("/api/me/goals/{goal_id}")
@signed_in
async def edit_goal(request: web.Request, user: User) -> web.Response:
    body = await read_json_object(request)
    service = request.app[PROGRESS].candidates
    return model_response(GoalReply.model_validate(
        await service.edit_goal(user.id, request.match_info["goal_id"], body)))


@routes.delete("/api/me/goals/{goal_id}")
@signed_in
async def delete_goal(request: web.Request, user: User) -> web.Response:
    await request.app[PROGRESS].candidates.delete_goal(
        user.id, request.match_info["goal_id"])
    return model_response(Ok())


@routes.get("/api/me/export")
@signed_in
async def export(request: web.Request, user: User) -> web.Response:
    data = await request.app[ACCOUNT_DATA].export(user)
    return web.json_response(data, headers={
        "Content-Disposition": f'attachment; filename="mockmate-{user.id}.json"',
    })


@routes.delete("/api/me")
@signed_in
async def delete_account(request: web.Request, user: User) -> web.Response:
    await request.app[ACCOUNT_DATA].erase(user.id)
    sio = request.app[SIO]
    room = user_room(user.id)
    # Every process tells the user's sockets, then drops them from the room.
    await sio.emit("account:deleted", {"user_id": user.id}, room=room)
    await sio.close_room(room)
    return model_response(AccountDeleted(deleted=True, id=user.id))
