"""Resumes built by the tests: the same content as plain text, a PDF (fpdf2), a DOCX
(python-docx), and an image-only PDF standing in for a scan."""

import io

RESUME_LINES = [
    "Grace Hopper",
    "grace.hopper@example.com | +1 415 555 0100 | Arlington, Virginia",
    "https://github.com/ghopper",
    "Summary",
    "Backend engineer who builds reliable payment systems and mentors teams.",
    "Experience",
    "Senior Backend Engineer - Acme Payments (Jan 2020 - Present)",
    "- Built the payment reconciliation service in Python and PostgreSQL, cutting manual "
    "checks by 80%",
    "- Led the migration of billing jobs to Kafka with zero downtime",
    "Software Engineer at Globex Corporation, 2016 - 2019",
    "- Designed a REST API for partner onboarding used by 300 partners",
    "- Introduced Docker based CI/CD with GitHub Actions",
    "Projects",
    "Ledgerly - an open-source double-entry ledger",
    "Tech: Go, PostgreSQL, Redis",
    "Reached 2,000 GitHub stars and is used by three fintech startups.",
    "Skills",
    "Languages: Python, Go, SQL",
    "Infrastructure: Kubernetes, Docker, Terraform",
    "Education",
    "B.Sc. Computer Science, Yale University, 2012 - 2016",
]
RESUME_TEXT = "\n".join(RESUME_LINES) + "\n"


def resume_pdf(lines: list[str] = RESUME_LINES) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for line in lines:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def resume_docx(lines: list[str] = RESUME_LINES) -> bytes:
    import docx

    document = docx.Document()
    for line in lines:
        if line.startswith("- "):
            document.add_paragraph(line[2:], style="List Bullet")
        else:
            document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def scanned_pdf() -> bytes:
    """A PDF whose page is only a picture (no text layer), like a scanner's."""
    from fpdf import FPDF

    png = _png(200, 60)
    pdf = FPDF()
    pdf.add_page()
    pdf.image(io.BytesIO(png), x=10, y=10, w=180)
    return bytes(pdf.output())


def _png(width: int, height: int) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + \
            struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + bytes((x * 7 + y * 3) % 256 for x in range(width))
                    for y in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0,
                                                               0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
