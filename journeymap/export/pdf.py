"""HTML to PDF (and a PDF page to PNG): the WeasyPrint and pdfium calls, with nothing of
Django, so the render subprocess imports only this, the fetcher and the two libraries."""

from __future__ import annotations

import io
import logging

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from .fetcher import EXPORT_ORIGIN, ExportFetcher, FetchPolicy

# WeasyPrint logs every refused fetch and unsupported CSS value; a hostile map could make that
# thousands of lines, so only errors get through.
logging.getLogger("weasyprint").setLevel(logging.ERROR)

MAX_PNG_PIXELS = 5000 * 5000
_fonts: FontConfiguration | None = None


def warm_fonts() -> FontConfiguration:
    """Load fontconfig's system font list once, before any memory limit applies.

    Under RLIMIT_AS a fontconfig that has to load its caches can fail to map them, rescan the
    font folders, fail again and write an empty cache for them, which breaks fonts for every
    later process on the host. Loaded here (in the forkserver, before any child is forked),
    no render child ever scans."""
    global _fonts
    if _fonts is None:
        _fonts = FontConfiguration()
    return _fonts


def html_to_pdf(*, html: str, css: str, fetcher: ExportFetcher) -> bytes:
    """Lay out `html` with `css`. Both the document and the stylesheet resolve relative URLs
    against the export origin and fetch only through `fetcher`; `attachments=[]` and no
    forms keep the PDF to pages and bookmarks."""
    stylesheet = CSS(
        string=css, base_url=EXPORT_ORIGIN, url_fetcher=fetcher, font_config=warm_fonts()
    )
    document = HTML(string=html, base_url=EXPORT_ORIGIN, url_fetcher=fetcher)
    pdf: bytes = document.write_pdf(
        stylesheets=[stylesheet], attachments=[], pdf_forms=False, font_config=warm_fonts()
    )
    return pdf


def render_pdf(*, html: str, css: str, policy: FetchPolicy) -> bytes:
    """The render subprocess's entry point for PDFs."""
    return html_to_pdf(html=html, css=css, fetcher=ExportFetcher(policy=policy))


def render_png(*, html: str, css: str, policy: FetchPolicy, scale: float = 2.0) -> bytes:
    """The first page of the document as a PNG (via pdfium), for the map-grid image."""
    import pypdfium2

    pdf = render_pdf(html=html, css=css, policy=policy)
    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        width, height = page.get_size()
        # Cap the bitmap, so a page size from a hostile stylesheet cannot ask for gigabytes.
        scale = min(scale, (MAX_PNG_PIXELS / max(width * height, 1)) ** 0.5)
        image = page.render(scale=scale).to_pil()
        out = io.BytesIO()
        image.save(out, format="PNG", optimize=False)
        return out.getvalue()
    finally:
        document.close()
