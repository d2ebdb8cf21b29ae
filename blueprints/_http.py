"""Small, cacheable responses for slow links: gzip, long-lived static files, safe headers."""
import gzip
import zlib

from flask import abort, request

COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")
MIN_SIZE = 500
_static_cache: dict[tuple[str, str], bytes] = {}


def init_app(app):
    @app.before_request
    def refuse_nul():
        """A NUL byte is never valid input here, and PostgreSQL cannot store one: refuse it early."""
        if "\x00" in request.path or any("\x00" in v for source in (request.args, request.form)
                                        for values in source.lists() for v in values[1]):
            abort(400)
        return None

    @app.after_request
    def finish(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "form-action 'self'; frame-ancestors 'none'",
        )
        if request.endpoint != "static":
            response.headers.setdefault("Cache-Control", "no-store")
        return compress(response)


def compress(response):
    if (response.status_code < 200 or response.status_code >= 300 or "Content-Encoding" in response.headers
            or "gzip" not in request.headers.get("Accept-Encoding", "")
            or not (response.mimetype or "").startswith(COMPRESSIBLE)):
        return response
    response.vary.add("Accept-Encoding")
    if response.is_streamed:  # compress as it goes: the first rows leave at once, memory stays flat
        response.response = gzip_stream(response.response)
        response.headers["Content-Encoding"] = "gzip"
        response.headers.pop("Content-Length", None)
        return response
    static_key = (request.path, response.get_etag()[0] or "") if request.endpoint == "static" else None
    if static_key and static_key in _static_cache:
        body = _static_cache[static_key]
    else:
        response.direct_passthrough = False
        data = response.get_data()
        if len(data) < MIN_SIZE:
            return response
        body = gzip.compress(data, compresslevel=6)
        if static_key:
            _static_cache[static_key] = body
    response.set_data(body)
    response.headers["Content-Encoding"] = "gzip"
    response.headers["Content-Length"] = str(len(body))
    return response


FLUSH_EVERY = 64 * 1024  # bytes of input between flushes: the client sees data at least this often


def gzip_stream(chunks):
    """Gzip a streamed body chunk by chunk. The first chunk is flushed at once, then every
    FLUSH_EVERY bytes, so a slow result still reaches the client as it is produced."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, 31)  # wbits 31: a gzip header and trailer
    pending, first = 0, True
    try:
        for chunk in chunks:
            data = chunk.encode() if isinstance(chunk, str) else chunk
            out = compressor.compress(data)
            pending += len(data)
            if first or pending >= FLUSH_EVERY:
                out += compressor.flush(zlib.Z_SYNC_FLUSH)
                pending, first = 0, False
            if out:
                yield out
        yield compressor.flush()
    finally:
        close = getattr(chunks, "close", None)
        if close:
            close()
