"""The printed notice for the 公开栏: A4 or A3, large type, seal space, QR code.

The page is HTML with CSS paged media (``@page { size: A4 }``) rendered to PDF
by WeasyPrint. Why WeasyPrint rather than Chromium's print-to-PDF: it is a
``pip install`` (pure Python, on Pango from the system, which Debian and most
desktops already have), it runs in-process with no browser to start or
sandbox to configure, and it implements the paged-media CSS a notice needs
(page size, margins, keeping a decision or the signature block on one page)
with the same output on every machine. Chromium stays the tool that *looks*
at the pages in the tests. If WeasyPrint cannot load (no Pango), the HTML page
is still written, and the error says what to install.

The QR code is made locally with segno: with a board URL it opens the
notice's line on the board's verification page; without one it holds the
``yishi verify --code`` command, which a phone shows as text.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from yishi.publish.files import write_atomic
from yishi.publish.render import Templates

SHEETS = ("A4", "A3")


class PdfUnavailable(RuntimeError):
    """WeasyPrint or the system library it needs is missing."""


def qr_target(doc: dict[str, Any], base_url: str) -> str:
    code = doc.get("code") or ""
    if base_url:
        return f"{base_url.rstrip('/')}/verify.html#code-{code}"
    return f"yishi verify --code {code}"


def qr_svg(text: str) -> str:
    import segno

    svg = segno.make(text, error="m").svg_inline(scale=4, border=2, omitsize=True)
    return str(svg)


def notice_html(
    doc: dict[str, Any],
    t: Templates,
    *,
    sheet: str = "A4",
    community: str = "",
    publisher: str = "",
    base_url: str = "",
) -> str:
    from markupsafe import Markup

    if sheet not in SHEETS:
        raise ValueError(f"sheet must be one of {SHEETS}, got {sheet!r}")
    seal = t.seal()
    seal_uri = (
        "data:image/png;base64," + base64.b64encode(seal.read_bytes()).decode() if seal else ""
    )
    return t.render(
        "print.html.j2",
        doc=doc,
        sheet=sheet,
        community=community,
        publisher=publisher or f"{community}{doc['disclosure'].get('publisher', '')}",
        qr=Markup(qr_svg(qr_target(doc, base_url))),
        seal=seal_uri,
    )


def write_pdf(html: str, path: Path) -> None:
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # OSError: Pango missing
        raise PdfUnavailable(
            f"cannot make PDF ({exc}); install WeasyPrint's system libraries: "
            "apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk"
        ) from exc
    data = HTML(string=html).write_pdf()
    assert data is not None
    write_atomic(path, data)
