"""Which verification files we accept, decided by their first bytes.

Why magic numbers: the file name and the client's Content-Type are whatever the uploader says;
the leading bytes are what a viewer will actually open. Only PDF, PNG and JPEG are accepted.
"""

from typing import NamedTuple


class FileKind(NamedTuple):
    content_type: str
    extension: str


_SIGNATURES: tuple[tuple[bytes, FileKind], ...] = (
    (b"%PDF-", FileKind("application/pdf", "pdf")),
    (b"\x89PNG\r\n\x1a\n", FileKind("image/png", "png")),
    (b"\xff\xd8\xff", FileKind("image/jpeg", "jpg")),
)
SNIFF_BYTES = max(len(magic) for magic, _ in _SIGNATURES)


def sniff(head: bytes) -> FileKind | None:
    """The kind of file starting with `head`, or None when it is none we accept."""
    for magic, kind in _SIGNATURES:
        if head.startswith(magic):
            return kind
    return None
