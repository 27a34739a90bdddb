"""`POST /api/job-descriptions/analyze`: what a job posting asks for, offline."""

import asyncio

from aiohttp import web

from mockmate.interviews.answers import check_text_limit
from mockmate.jobdesc.analysis import AnalyzeRequest, analyze_job_description
from mockmate.server.http import current_user, read_json
from mockmate.server.keys import SERVICES

routes = web.RouteTableDef()


@routes.post("/api/job-descriptions/analyze")
async def analyze(request: web.Request) -> web.Response:
    await current_user(request)
    body = await read_json(request, AnalyzeRequest)
    check_text_limit("text", body.text, request.app[SERVICES].settings.max_text_field_chars)
    analysis = await asyncio.to_thread(analyze_job_description, body.text)
    return web.json_response({"analysis": analysis.model_dump()})
