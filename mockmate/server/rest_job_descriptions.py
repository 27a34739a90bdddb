"""`POST /api/job-descriptions/analyze`: what a job posting asks for, read by Gemini when it
is configured (and answers), else offline."""

import asyncio

from aiohttp import web

from mockmate.interviews.answers import check_text_limit
from mockmate.jobdesc.analysis import AnalyzeRequest, analyze_job_description
from mockmate.server.http import read_json, signed_in
from mockmate.server.keys import SETTINGS
from mockmate.server.wiring.ai import AI
from mockmate.storage.users import User

routes = web.RouteTableDef()


@routes.post("/api/job-descriptions/analyze")
@signed_in
async def analyze(request: web.Request, _user: User) -> web.Response:
    body = await read_json(request, AnalyzeRequest)
    check_text_limit("text", body.text, request.app[SETTINGS].max_text_field_chars)
    reader = request.app[AI].documents
    analysis = await reader.analyze_job(body.text) if reader is not None else None
    analyzed_by = "gemini"
    if analysis is None:
        analysis = await asyncio.to_thread(analyze_job_description, body.text)
        analyzed_by = "offline"
    return web.json_response({"analysis": analysis.model_dump(), "analyzed_by": analyzed_by})
