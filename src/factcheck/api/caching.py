"""JSON bodies with strong ETags, `If-None-Match` → 304, and a small per-process cache of rendered bodies."""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any, Generic, TypeVar

from fastapi import Request
from starlette.responses import Response

JSON_MEDIA_TYPE = "application/json"


class RenderedBody:
    __slots__ = ("body", "etag", "media_type")

    def __init__(self, body: bytes, media_type: str = JSON_MEDIA_TYPE) -> None:
        self.body = body
        self.media_type = media_type
        self.etag = '"' + hashlib.sha256(body).hexdigest()[:40] + '"'


def render_json(payload: Any, media_type: str = JSON_MEDIA_TYPE) -> RenderedBody:
    return RenderedBody(
        json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), media_type
    )


V = TypeVar("V")


class LruCache(Generic[V]):
    """A bounded LRU: rendered bodies keyed by a fingerprint of everything the body depends on (and
    the remembered fingerprints themselves, api/articles.py)."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
            return hit

    def put(self, key: Hashable, value: V) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


BodyCache = LruCache[RenderedBody]
Fingerprints = LruCache[tuple[int, tuple[object, ...]]]


def body_cache(request: Request) -> BodyCache:
    cache = getattr(request.app.state, "api_body_cache", None)
    if cache is None:
        cache = request.app.state.api_body_cache = BodyCache()
    return cache


def fingerprints(request: Request) -> Fingerprints:
    """Each article's last fingerprint read, with the change listener's generation at the time."""
    cache = getattr(request.app.state, "api_fingerprints", None)
    if cache is None:
        cache = request.app.state.api_fingerprints = Fingerprints(size=4096)
    return cache


def etag_matches(request: Request, etag: str) -> bool:
    header = request.headers.get("if-none-match")
    if not header:
        return False
    if header.strip() == "*":
        return True
    # If-None-Match uses the weak comparison: W/"x" matches "x".
    candidates = {part.strip().removeprefix("W/") for part in header.split(",")}
    return etag in candidates


def respond(request: Request, rendered: RenderedBody, *, status_code: int = 200,
            headers: dict[str, str] | None = None) -> Response:
    """The body with its ETag, or 304 Not Modified when the client already has it."""
    all_headers = {"ETag": rendered.etag, "Cache-Control": "no-cache", **(headers or {})}
    if request.method in ("GET", "HEAD") and etag_matches(request, rendered.etag):
        return Response(status_code=304, headers=all_headers)
    return Response(rendered.body, status_code=status_code, media_type=rendered.media_type,
                    headers=all_headers)
