"""Documents: upload (admin), list, delete (admin); and raw retrieval."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, File, Path, UploadFile

from copilot.api.deps import Admin, RetrieverDep, ServicesDep, Viewer
from copilot.api.errors import APIError, responses
from copilot.api.schemas import Deleted, DocumentInfo, SearchRequest, UploadResult
from copilot.services.uploads import UploadError, UploadStore, upload_limit
from copilot.types import Hit

router = APIRouter(prefix="/v1", tags=["documents"])


@router.get("/documents", response_model=list[DocumentInfo], summary="Indexed documents",
            responses=responses(401))
def list_documents(services: ServicesDep, retriever: RetrieverDep, _: Viewer) -> list[dict[str, Any]]:
    uploaded = {e.get("doc_id") for e in UploadStore(services.settings).manifest().values()}
    return [{**d, "uploaded": d["doc_id"] in uploaded} for d in retriever.documents()]


async def _read_limited(file: UploadFile, limit: int) -> bytes:
    """The file's bytes, at most ``limit + 1`` of them (enough for the upload check to refuse it)."""
    data = bytearray()
    while len(data) <= limit and (chunk := await file.read(1 << 16)):
        data.extend(chunk)
    return bytes(data[:limit + 1])


@router.post("/documents", response_model=UploadResult, status_code=201,
             summary="Upload and ingest a document (admin)",
             description="multipart/form-data with one `file`. Allowed types: settings.ingest.extensions; "
                         "size limit: settings.server.max_upload_mb. Re-uploading a name replaces that document.",
             responses=responses(400, 401, 403, 413, 415, 422))
async def upload_document(services: ServicesDep, retriever: RetrieverDep, principal: Admin,
                          file: UploadFile = File(description="The document to ingest.")) -> UploadResult:
    data = await _read_limited(file, upload_limit(services.settings))
    store = UploadStore(services.settings, embedder=getattr(retriever, "embedder", None))
    try:
        name, report = await asyncio.to_thread(store.upload, file.filename, data, principal.user)
    except UploadError as exc:
        raise APIError(exc.status, str(exc)) from exc
    return UploadResult(filename=name, bytes=len(data), ingest=report)


@router.delete("/documents/{doc_id}", response_model=Deleted, summary="Delete an uploaded document (admin)",
               responses=responses(401, 403, 404, 409))
async def delete_document(services: ServicesDep, retriever: RetrieverDep, _: Admin,
                          doc_id: str = Path(min_length=1, max_length=300)) -> Deleted:
    store = UploadStore(services.settings, embedder=getattr(retriever, "embedder", None))
    name = store.find(doc_id)
    if name is None:
        if any(d["doc_id"] == doc_id for d in retriever.documents()):
            raise APIError(409, f"document {doc_id!r} is not an upload; remove it from the knowledge folders instead")
        raise APIError(404, f"no uploaded document with id {doc_id!r}")
    await asyncio.to_thread(store.delete, name)
    return Deleted(deleted=doc_id)


@router.post("/search", response_model=list[Hit], tags=["search"], summary="Raw hybrid retrieval",
             responses=responses(401, 415, 422))
def search(body: SearchRequest, retriever: RetrieverDep, _: Viewer) -> list[Hit]:
    try:
        return retriever.search(body.query, k=body.k, mode=body.mode, filters=body.filters)
    except ValueError as exc:
        raise APIError(422, f"search refused: {exc}") from exc
