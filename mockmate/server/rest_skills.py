"""`/api/me/skills` and `/api/me/insights`: the signed-in candidate's skills over time."""

from aiohttp import web

from mockmate.server.http import current_user
from mockmate.server.keys import SERVICES
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
