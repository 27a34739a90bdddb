"""Expert endpoints: applying, editing, documents, admin verification, search and slots.

Documents are read with `request.multipart()` so the app's 1 MB body limit does not apply;
the file's size is checked while it streams in, and reading stops at the first byte over
MOCKMATE_MAX_DOCUMENT_BYTES.
"""

from aiohttp import BodyPartReader, web

from mockmate.bookings.experts import is_private
from mockmate.bookings.queries import ReviewQuery, SearchQuery, SlotsQuery
from mockmate.bookings.schemas import ExpertApplication, ExpertUpdate, VerifyDocument
from mockmate.bookings.views import expert_view
from mockmate.errors import ErrorCode, MockMateError
from mockmate.server.http import current_user, read_json
from mockmate.server.rest_market_common import marketplace, read_query
from mockmate.server.uploads import MULTIPART_OVERHEAD, read_part

routes = web.RouteTableDef()
MAX_TYPE_BYTES = 100


@routes.post("/api/experts")
async def apply(request: web.Request) -> web.Response:
    user = await current_user(request)
    application = await read_json(request, ExpertApplication)
    expert = await marketplace(request).experts.apply(user, application)
    return web.json_response({"expert": expert_view(expert, private=True)}, status=201)


@routes.get("/api/experts")
async def search(request: web.Request) -> web.Response:
    user = await current_user(request)
    query = read_query(request, SearchQuery)
    return web.json_response(await marketplace(request).search.search(user, query))


@routes.get("/api/experts/me")
async def mine(request: web.Request) -> web.Response:
    user = await current_user(request)
    expert = await marketplace(request).experts.mine(user)
    return web.json_response({"expert": expert_view(expert, private=True)})


@routes.patch("/api/experts/me")
async def edit_mine(request: web.Request) -> web.Response:
    user = await current_user(request)
    update = await read_json(request, ExpertUpdate)
    expert = await marketplace(request).experts.edit(user, update)
    return web.json_response({"expert": expert_view(expert, private=True)})


@routes.get("/api/experts/{expert_id}")
async def get_expert(request: web.Request) -> web.Response:
    user = await current_user(request)
    expert = await marketplace(request).experts.visible(user, request.match_info["expert_id"])
    return web.json_response({"expert": expert_view(expert, private=is_private(user, expert))})


@routes.get("/api/experts/{expert_id}/slots")
async def slots(request: web.Request) -> web.Response:
    user = await current_user(request)
    market = marketplace(request)
    expert = await market.experts.visible(user, request.match_info["expert_id"])
    query = read_query(request, SlotsQuery)
    return web.json_response(await market.search.slots(user, expert, query))


@routes.post("/api/experts/{expert_id}/documents")
async def upload_document(request: web.Request) -> web.Response:
    user = await current_user(request)
    market = marketplace(request)
    expert = await market.experts.owned(user, request.match_info["expert_id"])
    limit = market.settings.max_document_bytes
    if request.content_type != "multipart/form-data":
        raise MockMateError(ErrorCode.INVALID_PAYLOAD,
                            "send multipart/form-data with the fields `type` and `file`")
    if request.content_length is not None and request.content_length > limit + MULTIPART_OVERHEAD:
        raise MockMateError(ErrorCode.TOO_LARGE, f"the file is larger than {limit} bytes",
                            max_bytes=limit)
    doc_type: str | None = None
    data: bytes | None = None
    filename = ""
    try:
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader):
                raise MockMateError(ErrorCode.INVALID_PAYLOAD, "nested multipart is not accepted")
            if part.name == "type":
                raw = await read_part(part, MAX_TYPE_BYTES, "the `type` field")
                doc_type = raw.decode("utf-8", errors="replace").strip()
            elif part.name == "file":
                filename = part.filename or ""
                data = await read_part(part, limit, "the file")
            else:
                await part.release()
    except ValueError as exc:
        raise MockMateError(ErrorCode.INVALID_PAYLOAD, f"malformed multipart body: {exc}") from None
    if doc_type is None or data is None:
        raise MockMateError(ErrorCode.INVALID_PAYLOAD, "both `type` and `file` are required")
    document = await market.experts.store_document(expert, doc_type, data, filename)
    return web.json_response({"document": document}, status=201)


@routes.get("/api/experts/{expert_id}/documents/{doc_type}")
async def download_document(request: web.Request) -> web.Response:
    user = await current_user(request)
    data, content_type, filename = await marketplace(request).experts.document_file(
        user, request.match_info["expert_id"], request.match_info["doc_type"]
    )
    return web.Response(body=data, content_type=content_type, headers={
        "Content-Disposition": f'attachment; filename="{filename.replace(chr(34), "")}"',
    })


@routes.post("/api/admin/experts/{expert_id}/verify")
async def verify(request: web.Request) -> web.Response:
    user = await current_user(request)
    if not user.is_admin:
        raise MockMateError(ErrorCode.FORBIDDEN, "only admins verify experts")
    decision = await read_json(request, VerifyDocument)
    expert = await marketplace(request).experts.verify(
        user, request.match_info["expert_id"], decision
    )
    return web.json_response({"expert": expert_view(expert, private=True)})


@routes.get("/api/admin/experts")
async def review_list(request: web.Request) -> web.Response:
    user = await current_user(request)
    query = read_query(request, ReviewQuery)
    docs, total = await marketplace(request).experts.review_page(
        user, query.status, query.page, query.per_page
    )
    return web.json_response({
        "experts": [expert_view(d, private=True) for d in docs],
        "page": query.page, "per_page": query.per_page, "total": total,
    })
