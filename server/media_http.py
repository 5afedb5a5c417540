"""Answering with stored media: originals streamed from the store, renditions from memory.

Both stores are served through the app (never by redirect to the bucket), so every byte
passes the caller's authorization and the pages keep `img-src 'self'`.
"""

from __future__ import annotations

from flask import Response, request
from werkzeug.wsgi import wrap_file

from media.store import MediaStore
from sync.errors import NotFound

CHUNK = 64 * 1024


def stream_original(store: MediaStore, sha256: str, *, cache_control: str) -> Response:
    """The stored image `sha256` streamed out, its hash as the ETag (404 when missing)."""
    if sha256 in request.if_none_match:  # the bytes never change: no need to open them
        return _headers(Response(status=304), sha256, cache_control)
    try:
        stored = store.open(sha256)
    except FileNotFoundError:
        raise NotFound("the photo's bytes are missing", code="not_found") from None
    # wrap_file closes the stream (an S3 connection) when the answer is sent or abandoned.
    response = Response(wrap_file(request.environ, stored.stream, CHUNK), mimetype=stored.mime,
                        direct_passthrough=True)
    response.content_length = stored.size
    return _headers(response, sha256, cache_control)


def rendition_answer(data: bytes, etag: str, *, cache_control: str) -> Response:
    """A JPEG rendition held in memory, conditional on its ETag."""
    response = _headers(Response(data, mimetype="image/jpeg"), etag, cache_control)
    return response.make_conditional(request)


def _headers(response: Response, etag: str, cache_control: str) -> Response:
    response.headers["Cache-Control"] = cache_control
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.set_etag(etag)
    return response
