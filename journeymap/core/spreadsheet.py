"""CSV cells safe to open in a spreadsheet, and a CSV response that streams under ASGI too.

The lowest layer holds these because both `personas` (segment members) and `export` (maps,
features) write CSV, and `personas` may not import `export`."""

from __future__ import annotations

import csv
from collections.abc import AsyncIterator, Iterable, Iterator
from itertools import islice
from typing import Any, cast

from asgiref.sync import sync_to_async
from django.http import StreamingHttpResponse

# A cell a spreadsheet would read as a formula (or as a command through DDE).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> str:
    """The cell as text, with a leading apostrophe if a spreadsheet would run it.

    >>> neutralise('=HYPERLINK("http://x")')
    '\\'=HYPERLINK("http://x")'
    >>> neutralise(None), neutralise(12)
    ('', '12')
    """
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Line:
    """A file-like sink for csv.writer that hands back the one line just written."""

    def write(self, text: str) -> str:
        return text


def csv_lines(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> Iterator[bytes]:
    """UTF-8 CSV, one encoded line at a time, with a BOM first so spreadsheet programs read
    it as UTF-8. Every cell is neutralised."""
    writer = csv.writer(_Line(), quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    yield ("\ufeff" + writer.writerow(list(header))).encode("utf-8")
    for row in rows:
        yield writer.writerow([neutralise(cell) for cell in row]).encode("utf-8")


class StreamingCsvResponse(StreamingHttpResponse):
    """A CSV download produced as it is sent.

    Django serves a synchronous iterator under ASGI by reading it all into a list first
    (`StreamingHttpResponse.__aiter__`), which would hold a million-row file in memory. This
    pulls a batch of lines at a time instead, in the thread the view's database connection
    lives in (`thread_sensitive`), so the cursor is read by the thread that opened it."""

    batch = 500

    def __init__(self, lines: Iterable[bytes], *, filename: str) -> None:
        super().__init__(lines, content_type="text/csv; charset=utf-8")
        self["Content-Disposition"] = f'attachment; filename="{filename}"'
        self["X-Content-Type-Options"] = "nosniff"
        self["Cache-Control"] = "private, no-store"

    async def __aiter__(self) -> AsyncIterator[bytes]:
        if self.is_async:
            async for part in super().__aiter__():
                yield part
            return
        parts = cast(Iterator[bytes], self.streaming_content)  # not async: checked above
        take = sync_to_async(lambda: list(islice(parts, self.batch)), thread_sensitive=True)
        while batch := await take():
            for part in batch:
                yield part
