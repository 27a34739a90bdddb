"""Expert endpoints: applying, editing, documents, admin verification, search and slots.

Documents are read with `request.multipart()` so the app's 1 MB body limit does not apply;
the file's size is checked while it streams in, and reading stops at the first byte over
MOCKMATE_MAX_DOCUMENT_BYTES.
"""

from aiohttp import web

from mockmate.bookings.experts import is_private
from mockmate.bookings.queries import ReviewQuery, SearchQuery, SlotsQuery
from mockmate.bookings.replies import (
    DocumentUploaded,
    ExpertPage,
    ExpertReply,
    SearchPage,
    Slots,
)
from mockmate.bookings.schemas import ExpertApplication, ExpertUpdate, VerifyDocument
from mockmate.bookings.views import expert_view
from mockmate.errors import Forbidden, InvalidPayload
from mockmate.server.http import model_response, read_json, read_query, signed_in
from mockmate.server.rest_market_common import marketplace
from mockmate.server.uploads import read_upload
from mockmate.storage.users import User

routes = web.RouteTableDef()
MAX_TYPE_BYTES = 100


@routes.post("/api/experts")
@signed_in
async def apply(request: web.Request, user: User) -> web.Response:
    application = await read_json(request, ExpertApplication)
    expert = await marketplace(request).experts.apply(user, application)
    return model_response(ExpertReply.model_validate(
        {"expert": expert_view(expert, private=True)}), status=201, exclude_unset=True)


@routes.get("/api/experts")
@signed_in
async def search(request: web.Request, user: User) -> web.Response:
    query = read_query(request, SearchQuery)
    return model_response(SearchPage.model_validate(
        await marketplace(request).search.search(user, query)), exclude_unset=True)


@routes.get("/api/experts/me")
@signed_in
async def mine(request: web.Request, user: User) -> web.Response:
    expert = await marketplace(request).experts.mine(user)
    return model_response(ExpertReply.model_validate(
        {"expert": expert_view(expert, private=True)}), exclude_unset=True)


@routes.patch("/api/experts/me")
@signed_in
async def edit_mine(request: web.Request, user: User) -> web.Response:
    update = await read_json(request, ExpertUpdate)
    expert = await marketplace(request).experts.edit(user, update)
    return model_response(ExpertReply.model_validate(
        {"expert": expert_view(expert, private=True)}), exclude_unset=True)


@routes.get("/api/experts/{expert_id}")
@signed_in
async def get_expert(request: web.Request, user: User) -> web.Response:
    expert = await marketplace(request).experts.visible(user, request.match_info["expert_id"])
    return model_response(ExpertReply.model_validate(
        {"expert": expert_view(expert, private=is_private(user, expert))}), exclude_unset=True)


@routes.get("/api/experts/{expert_id}/slots")
@signed_in
async def slots(request: web.Request, user: User) -> web.Response:
    market = marketplace(request)
    expert = await market.experts.visible(user, request.match_info["expert_id"])
    query = read_query(request, SlotsQuery)
    return model_response(Slots.model_validate(await market.search.slots(user, expert, query)))


@routes.post("/api/experts/{expert_id}/documents")
@signed_in
async def upload_document(request: web.Request, user: User) -> web.Response:
    market = marketplace(request)
    expert = await market.experts.owned(user, request.match_info["expert_id"])
    data, filename, fields = await read_upload(
        request, limit=market.settings.max_document_bytes, fields=("type",),
        field_bytes=MAX_TYPE_BYTES,
        hint="send multipart/form-data with the fields `type` and `file`",
    )
    doc_type = fields.get("type")
    if doc_type is None:
        raise InvalidPayload("both `type` and `file` are required")
    document = await market.experts.store_document(expert, doc_type, data, filename)
    return model_response(DocumentUploaded.model_validate({"document": document}), status=201)


@routes.get("/api/experts/{expert_id}/documents/{doc_type}")
@signed_in
async def download_document(request: web.Request, user: User) -> web.Response:
    data, content_type, filename = await marketplace(request).experts.document_file(
        user, request.match_info["expert_id"], request.match_info["doc_type"]
    )
    return web.Response(body=data, content_type=content_type, headers={
        "Content-Disposition": f'attachment; filename="{filename.replace(chr(34), "")}"',
    })


@routes.post("/api/admin/experts/{expert_id}/verify")
@signed_in
async def verify(request: web.Request, user: User) -> web.Response:
    if not user.is_admin:
        raise Forbidden("only admins verify experts")
    decision = await read_json(request, VerifyDocument)
    expert = await marketplace(request).experts.verify(
        user, request.match_info["expert_id"], decision
    )
    return model_response(ExpertReply.model_validate(
        {"expert": expert_view(expert, private=True)}), exclude_unset=True)


@routes.get("/api/admin/experts")
@signed_in
async def review_list(request: web.Request, user: User) -> web.Response:
    query = read_query(request, ReviewQuery)
    docs, total = await marketplace(request).experts.review_page(
        user, query.status, query.page, query.per_page
    )
    return model_response(ExpertPage.model_validate({
        "experts": [expert_view(d, private=True) for d in docs],
        "page": query.page, "per_page": query.per_page, "total": total,
    }), exclude_unset=True)
