"""`/api/resumes`: upload (multipart), list, read (parsed and the original), correct, delete."""

from aiohttp import web

from mockmate.resumes.models import ResumePatch
from mockmate.resumes.service import view
from mockmate.server.http import current_user, read_json
from mockmate.server.keys import SERVICES
from mockmate.server.uploads import read_upload

routes = web.RouteTableDef()


@routes.post("/api/resumes")
async def upload(request: web.Request) -> web.Response:
    user = await current_user(request)
    resumes = request.app[SERVICES].resumes
    data, filename, fields = await read_upload(request, limit=resumes.max_bytes,
                                               fields=("title",))
    doc = await resumes.upload(user.id, data, filename, fields.get("title", "")[:200])
    return web.json_response({"resume": view(doc)}, status=201)


@routes.get("/api/resumes")
async def list_resumes(request: web.Request) -> web.Response:
    user = await current_user(request)
    docs = await request.app[SERVICES].resumes.all_of(user.id)
    return web.json_response({"resumes": [view(d, full=False) for d in docs]})


@routes.get("/api/resumes/{resume_id}")
async def get_resume(request: web.Request) -> web.Response:
    user = await current_user(request)
    doc = await request.app[SERVICES].resumes.get(user.id, request.match_info["resume_id"])
    return web.json_response({"resume": view(doc)})


@routes.get("/api/resumes/{resume_id}/file")
async def download(request: web.Request) -> web.Response:
    user = await current_user(request)
    data, content_type, filename = await request.app[SERVICES].resumes.file(
        user.id, request.match_info["resume_id"]
    )
    return web.Response(body=data, headers={
        "Content-Type": content_type,
        "Content-Disposition": f'attachment; filename="{filename.replace(chr(34), "")}"',
    })


@routes.patch("/api/resumes/{resume_id}")
async def patch_resume(request: web.Request) -> web.Response:
    user = await current_user(request)
    body = await read_json(request, ResumePatch)
    doc = await request.app[SERVICES].resumes.patch(user.id, request.match_info["resume_id"], body)
    return web.json_response({"resume": view(doc)})


@routes.delete("/api/resumes/{resume_id}")
async def delete_resume(request: web.Request) -> web.Response:
    user = await current_user(request)
    await request.app[SERVICES].resumes.delete(user.id, request.match_info["resume_id"])
    return web.json_response({"deleted": True, "id": request.match_info["resume_id"]})
