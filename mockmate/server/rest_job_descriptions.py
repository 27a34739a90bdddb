"""`POST /api/job-descriptions/analyze`: what a job posting asks for, read by Gemini when it
is configured (and answers), else offline."""

import asyncio
from typing import Literal

from aiohttp import web
from pydantic import BaseModel

from mockmate.interviews.answers import check_text_limit
from mockmate.jobdesc.analysis import AnalyzeRequest, JobAnalysis, analyze_job_description
from mockmate.server.http import model_response, read_json, signed_in
from mockmate.server.keys import SETTINGS
from mockmate.server.wiring.ai import AI
from mockmate.storage.users import User

routes = web.RouteTableDef()


class Analyzed(BaseModel):
    analysis: JobAnalysis
    analyzed_by: Literal["gemini", "offline"]


@routes.post("/api/job-descriptions/analyze")
@signed_in
async def analyze(request: web.Request, _user: User) -> web.Response:
    body = await read_json(request, AnalyzeRequest)
    check_text_limit("text", body.text, request.app[SETTINGS].max_text_field_chars)
    reader = request.app[AI].documents
    analysis = await reader.analyze_job(body.text) if reader is not None else None
    if analysis is None:
        analysis = await asyncio.to_thread(analyze_job_description, body.text)
        return model_response(Analyzed(analysis=analysis, analyzed_by="offline"))
    return model_response(Analyzed(analysis=analysis, analyzed_by="gemini"))
