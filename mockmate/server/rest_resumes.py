"""`/api/resumes`: upload (multipart), list, read (parsed and the original), correct, delete."""

from aiohttp import web

from mockmate.resumes.models import ResumePatch
from mockmate.resumes.replies import ResumeDeleted, ResumeList, ResumeReply
from mockmate.resumes.service import view
from mockmate.server.http import model_response, read_json, signed_in
from mockmate.server.uploads import read_upload
from mockmate.server.wiring.documents import DOCUMENTS
from mockmate.storage.users import User

routes = web.RouteTableDef()


@routes.post("/api/resumes")
@signed_in
async def upload(request: web.Request, user: User) -> web.Response:
    resumes = request.app[DOCUMENTS].resumes
    data, filename, fields = await read_upload(request, limit=resumes.max_bytes,
                                               fields=("title",))
    doc = await resumes.upload(user.id, data, filename, fields.get("title", "")[:200])
    return model_response(ResumeReply.model_validate({"resume": view(doc)}), status=201,
                          exclude_unset=True)


@routes.get("/api/resumes")
@signed_in
async def list_resumes(request: web.Request, user: User) -> web.Response:
    docs = await request.app[DOCUMENTS].resumes.all_of(user.id)
    return model_response(ResumeList.model_validate(
        {"resumes": [view(d, full=False) for d in docs]}), exclude_unset=True)


@routes.get("/api/resumes/{resume_id}")
@signed_in
async def get_resume(request: web.Request, user: User) -> web.Response:
    doc = await request.app[DOCUMENTS].resumes.get(user.id, request.match_info["resume_id"])
    return model_response(ResumeReply.model_validate({"resume": view(doc)}),
                          exclude_unset=True)


@routes.get("/api/resumes/{resume_id}/file")
@signed_in
async def download(request: web.Request, user: User) -> web.Response:
    data, content_type, filename = await request.app[DOCUMENTS].resumes.file(
        user.id, request.match_info["resume_id"]
    )
    return web.Response(body=data, headers={
        "Content-Type": content_type,
        "Content-Disposition": f'attachment; filename="{filename.replace(chr(34), "")}"',
    })


@routes.patch("/api/resumes/{resume_id}")
@signed_in
async def patch_resume(request: web.Request, user: User) -> web.Response:
    body = await read_json(request, ResumePatch)
    doc = await request.app[DOCUMENTS].resumes.patch(user.id, request.match_info["resume_id"], body)
    return model_response(ResumeReply.model_validate({"resume": view(doc)}),
                          exclude_unset=True)


@routes.delete("/api/resumes/{resume_id}")
@signed_in
async def delete_resume(request: web.Request, user: User) -> web.Response:
    await request.app[DOCUMENTS].resumes.delete(user.id, request.match_info["resume_id"])
    return model_response(ResumeDeleted(deleted=True, id=request.match_info["resume_id"]))
