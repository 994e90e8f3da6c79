"""The allow-list fetcher, alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from journeymap.export.fetcher import EXPORT_ORIGIN, ExportFetcher, FetchPolicy, FetchRefused


@pytest.fixture
def roots(tmp_path: Path) -> FetchPolicy:
    static = tmp_path / "static"
    media = tmp_path / "media"
    (media / "personas").mkdir(parents=True)
    static.mkdir()
    (static / "export.css").write_text("body { color: red }")
    (media / "personas" / "ours.png").write_bytes(b"\x89PNG ours")
    (media / "personas" / "theirs.png").write_bytes(b"\x89PNG theirs")
    (tmp_path / "secret.css").write_text("secret")
    (static / "link.css").symlink_to(tmp_path / "secret.css")
    return FetchPolicy(
        static_root=str(static),
        media_root=str(media),
        media_names=frozenset({"personas/ours.png"}),
        max_file_bytes=1000,
    )


def test_serves_its_own_static_files_and_the_workspace_photos(roots: FetchPolicy) -> None:
    fetcher = ExportFetcher(policy=roots)
    css = fetcher.fetch(f"{EXPORT_ORIGIN}static/export/export.css")
    assert css.read() == b"body { color: red }" and css.content_type == "text/css"
    photo = fetcher(f"{EXPORT_ORIGIN}media/personas/ours.png")
    assert photo.read() == b"\x89PNG ours" and photo.content_type == "image/png"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/hostname",
        "file:///etc/passwd",
        "http://127.0.0.1:8000/",
        "https://example.com/static/export/export.css",
        "http://export.journeymap.invalid/static/export/export.css",
        "https://export.journeymap.invalid:443/static/export/export.css",
        "https://user@export.journeymap.invalid/static/export/export.css",
        "ftp://export.journeymap.invalid/static/export/export.css",
        "data:image/png;base64,iVBORw0KGgo=",
        "data:text/css,body{}",
        f"{EXPORT_ORIGIN}media/personas/theirs.png",  # another workspace's photo
        f"{EXPORT_ORIGIN}media/personas/../personas/ours.png",
        f"{EXPORT_ORIGIN}static/export/../../secret.css",
        f"{EXPORT_ORIGIN}static/export/%2e%2e/secret.css",
        f"{EXPORT_ORIGIN}static/export/%2e%2e%2fsecret.css",
        f"{EXPORT_ORIGIN}static/export//etc/passwd",
        f"{EXPORT_ORIGIN}static/export/link.css",  # a symlink out of the root
        f"{EXPORT_ORIGIN}static/export/export.css?x=1",
        f"{EXPORT_ORIGIN}static/export/",
        f"{EXPORT_ORIGIN}etc/passwd",
        f"{EXPORT_ORIGIN}media/personas/ours.png%00.css",
    ],
)
def test_refuses_everything_else(roots: FetchPolicy, url: str) -> None:
    fetcher = ExportFetcher(policy=roots)
    with pytest.raises(FetchRefused):
        fetcher.fetch(url)
    assert fetcher.refused and not fetcher.fetched


def test_caps_bytes_and_fetches(roots: FetchPolicy, tmp_path: Path) -> None:
    (Path(roots.static_root) / "big.css").write_bytes(b"x" * 1001)
    with pytest.raises(FetchRefused, match="too large"):
        ExportFetcher(policy=roots).fetch(f"{EXPORT_ORIGIN}static/export/big.css")
    few = FetchPolicy(**{**roots.__dict__, "max_fetches": 2})
    fetcher = ExportFetcher(policy=few)
    fetcher.fetch(f"{EXPORT_ORIGIN}static/export/export.css")
    fetcher.fetch(f"{EXPORT_ORIGIN}static/export/export.css")
    with pytest.raises(FetchRefused, match="too many"):
        fetcher.fetch(f"{EXPORT_ORIGIN}static/export/export.css")
    spent = FetchPolicy(**{**roots.__dict__, "max_total_bytes": 30})
    fetcher = ExportFetcher(policy=spent)
    fetcher.fetch(f"{EXPORT_ORIGIN}static/export/export.css")
    with pytest.raises(FetchRefused, match="budget"):
        fetcher.fetch(f"{EXPORT_ORIGIN}static/export/export.css")


def test_has_no_urllib_handlers(roots: FetchPolicy) -> None:
    # Nothing to fall back on: no file, HTTP, FTP, data or redirect handler is installed.
    fetcher = ExportFetcher(policy=roots)
    assert fetcher.handlers == []
    with pytest.raises(FetchRefused):
        fetcher.open("file:///etc/hostname")
