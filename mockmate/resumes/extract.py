"""What an uploaded resume file is (by its bytes, never its name) and its text.

PDF through pypdf, DOCX through python-docx, plain text as UTF-8. A PDF with no text layer
(a scan) has nothing to parse offline and is refused as `unsupported_document`, as is
anything else that is not one of the three.
"""

import io
import logging
import zipfile
from typing import Literal

from mockmate.errors import MockMateError, UnsupportedDocument

log = logging.getLogger(__name__)

DocumentType = Literal["pdf", "docx", "text"]
MIME: dict[DocumentType, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "text": "text/plain; charset=utf-8",
}
# Fewer letters than this in a whole PDF means it is a scan (or empty).
MIN_TEXT_LETTERS = 30


def unsupported(message: str) -> MockMateError:
    return UnsupportedDocument(message)


def sniff(data: bytes) -> DocumentType:
    """The document's type from its content; `unsupported_document` if it is none of ours."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if "word/document.xml" in archive.namelist():
                    return "docx"
        except zipfile.BadZipFile:
            pass
        raise unsupported("this archive is not a Word (.docx) document")
    if b"\x00" not in data:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            pass
        else:
            printable = sum(c.isprintable() or c in "\n\r\t" for c in text)
            if text.strip() and printable >= 0.97 * len(text):
                return "text"
    raise unsupported("send a PDF, a Word (.docx) document or plain UTF-8 text")


def extract_text(data: bytes, kind: DocumentType) -> str:
    """The document's text, lines kept. Blocking (CPU): call it in a thread."""
    if kind == "text":
        return data.decode("utf-8-sig").replace("\r\n", "\n")
    if kind == "pdf":
        text = _pdf_text(data)
        if sum(c.isalpha() for c in text) < MIN_TEXT_LETTERS:
            raise unsupported(
                "this PDF has no text layer (a scan?): export it from your editor as a PDF "
                "with text, or upload a .docx or .txt"
            )
        return text
    return _docx_text(data)


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise unsupported("this PDF is encrypted")
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except MockMateError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        log.info("unreadable PDF: %s", exc)
        raise unsupported("this PDF cannot be read") from None


def _docx_text(data: bytes) -> str:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds on a broken package
        log.info("unreadable DOCX: %s", exc)
        raise unsupported("this Word document cannot be read") from None
    # List paragraphs carry their bullet in the style, not the text: give it back.
    lines = [
        f"- {p.text}" if p.style is not None and (p.style.name or "").startswith("List")
        else p.text
        for p in document.paragraphs
    ]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(lines)
