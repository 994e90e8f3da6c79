"""The only way a render reaches a file: an allow-list fetcher for WeasyPrint.

WeasyPrint fetches whatever a document names (stylesheets, images, fonts, SVG references,
attachments). The export names exactly two kinds of resource, both under one pseudo origin
that never touches the network (`EXPORT_ORIGIN`, a reserved `.invalid` host):

* `/static/export/<file>`: the export's own CSS and fonts, read from `static_root`;
* `/media/<name>`: a persona photo, only when `<name>` is one of the photos of the exported
  workspace's personas (`media_names`) and the path resolves inside `media_root`.

Everything else (file:, http(s) to any other host, ftp:, data:, a query string, `..`
traversal, a symlink out of the root) is refused. There is no urllib handler at all, so a
refusal cannot be bypassed by a redirect. Reads are capped in bytes per file, in total bytes
and fetch count, and in time from the first fetch. This module imports no Django so the
render subprocess can use it as is.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib import request
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

EXPORT_HOST = "export.journeymap.invalid"
EXPORT_ORIGIN = f"https://{EXPORT_HOST}/"
STATIC_PREFIX = "/static/export/"
MEDIA_PREFIX = "/media/"
STATIC_TYPES = {
    ".css": "text/css",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".png": "image/png",
    ".svg": "image/svg+xml",
}
MEDIA_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
}


class FetchRefused(ValueError):
    """A URL outside what an export may read. WeasyPrint logs it and leaves the resource out."""


@dataclass(frozen=True)
class FetchPolicy:
    """What one render may read; plain data, so it crosses into the render subprocess."""

    static_root: str
    media_root: str
    media_names: frozenset[str] = field(default_factory=frozenset)
    max_file_bytes: int = 5 * 1024 * 1024
    max_total_bytes: int = 40 * 1024 * 1024
    max_fetches: int = 200
    max_seconds: float = 10.0


def media_url(name: str) -> str:
    """The URL a template uses for a stored persona photo (`personas/<file>`)."""
    return f"{MEDIA_PREFIX}{name}"


class ExportFetcher(URLFetcher):
    """`weasyprint.URLFetcher` with every handler removed and `fetch` replaced by the
    allow-list above."""

    def __init__(self, *, policy: FetchPolicy) -> None:
        # OpenerDirector's own init, not URLFetcher's: that one installs the file, HTTP(S),
        # FTP, data and redirect handlers, and this fetcher must have none of them.
        request.OpenerDirector.__init__(self)
        self._timeout = policy.max_seconds
        self._http_headers: dict[str, str] = {}
        self._allowed_protocols = ("https",)
        self._fail_on_errors = False
        self._request = None
        self.policy = policy
        self.refused: list[str] = []
        self.fetched: list[str] = []
        self._bytes = 0
        self._started: float | None = None

    def open(self, url: Any, data: Any = None, timeout: Any = None) -> URLFetcherResponse:
        target = url.full_url if isinstance(url, request.Request) else url
        return self.fetch(str(target))

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        try:
            path, content_type = self._resolve(url)
            body = self._read(path)
        except FetchRefused:
            self.refused.append(url[:200])
            raise
        self.fetched.append(url[:200])
        return URLFetcherResponse(url, body, {"Content-Type": content_type})

    def _resolve(self, url: str) -> tuple[Path, str]:
        if self._started is None:
            self._started = time.monotonic()
        if time.monotonic() - self._started > self.policy.max_seconds:
            raise FetchRefused("fetch time budget spent")
        if len(self.fetched) >= self.policy.max_fetches:
            raise FetchRefused("too many fetches")
        parts = urlsplit(url)
        if parts.scheme != "https" or parts.netloc != EXPORT_HOST:
            raise FetchRefused(f"not an export resource: {parts.scheme}://{parts.netloc}")
        if parts.query:
            raise FetchRefused("export resources take no query")
        path = unquote(parts.path)
        if "\x00" in path or "\\" in path:
            raise FetchRefused("bad path")
        if path.startswith(STATIC_PREFIX):
            return self._inside(self.policy.static_root, path[len(STATIC_PREFIX) :], STATIC_TYPES)
        if path.startswith(MEDIA_PREFIX):
            name = path[len(MEDIA_PREFIX) :]
            # Only the photos of this workspace's personas, named exactly as stored.
            if name not in self.policy.media_names:
                raise FetchRefused("not a photo of this workspace")
            return self._inside(self.policy.media_root, name, MEDIA_TYPES)
        raise FetchRefused("not an export resource")

    @staticmethod
    def _inside(root: str, relative: str, types: dict[str, str]) -> tuple[Path, str]:
        if not relative or relative.startswith("/") or ".." in relative.split("/"):
            raise FetchRefused("path leaves its root")
        base = Path(root).resolve()
        target = (base / relative).resolve()
        # resolve() follows symlinks, so a link pointing out of the root is caught here too.
        if not target.is_relative_to(base) or target == base:
            raise FetchRefused("path leaves its root")
        content_type = types.get(target.suffix.lower())
        if content_type is None:
            raise FetchRefused("file type not served to exports")
        if not target.is_file():
            raise FetchRefused("no such file")
        return target, content_type

    def _read(self, path: Path) -> bytes:
        with path.open("rb") as handle:
            body = handle.read(self.policy.max_file_bytes + 1)
        if len(body) > self.policy.max_file_bytes:
            raise FetchRefused("file too large")
        self._bytes += len(body)
        if self._bytes > self.policy.max_total_bytes:
            raise FetchRefused("byte budget spent")
        return body
