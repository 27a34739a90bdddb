"""An interview's report as a PDF (fpdf2): scores, every question, the transcript, feedback
and delivery. Pure: takes the interview view (`interview_body`), returns bytes.

The built-in PDF fonts cover Latin-1 only; other characters are replaced, never dropped
silently into an error.
"""

from typing import Any

from fpdf import FPDF

_REPLACEMENTS = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'",
                               "\u201c": '"', "\u201d": '"', "\u2026": "...", "\u2022": "-"})


def _latin1(text: object) -> str:
    return str(text).translate(_REPLACEMENTS).encode("latin-1", "replace").decode("latin-1")


def _delivery_line(delivery: dict[str, Any]) -> str:
    shown = [f"{k.replace('_', ' ')}: {round(v, 2) if isinstance(v, float) else v}"
             for k, v in delivery.items() if isinstance(v, int | float | str) and k != "text"]
    return "; ".join(shown[:8])


def interview_report_pdf(interview: dict[str, Any]) -> bytes:
    pdf = FPDF()
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()

    def line(text: object, size: int = 11, style: str = "") -> None:
        pdf.set_font("Helvetica", style=style, size=size)
        pdf.multi_cell(0, size * 0.55, _latin1(text), new_x="LMARGIN", new_y="NEXT")

    line(f"MockMate interview report: {interview.get('role') or 'interview'}", 16, "B")
    line(f"{interview.get('interview_type')} - {interview.get('difficulty')} - "
         f"started {interview.get('started_at') or interview.get('created_at') or ''}", 10)
    score = interview.get("overall_score")
    line(f"Overall score: {score if score is not None else 'not scored'}", 13, "B")
    for category, value in (interview.get("category_scores") or {}).items():
        line(f"{category}: {value}", 10)
    answers = {a["index"]: a for a in interview.get("answers", [])}
    for index, question in enumerate(interview.get("questions", [])):
        pdf.ln(3)
        line(f"Question {index + 1}: {question['text']}", 12, "B")
        answer = answers.get(index)
        if answer is None:
            line("Not answered.", 10, "I")
            continue
        transcript = (answer.get("transcript") or {}).get("text") or ""
        line(f"Answer: {transcript}", 10)
        evaluation = answer.get("evaluation") or {}
        if evaluation:
            line(f"Score: {evaluation.get('score')}", 11, "B")
            if evaluation.get("feedback"):
                line(f"Feedback: {evaluation['feedback']}", 10)
            for key in ("strengths", "improvements"):
                for item in evaluation.get(key) or []:
                    line(f"{key[:-1].capitalize()}: {item}", 10)
        delivery = answer.get("delivery") or {}
        if isinstance(delivery, dict) and delivery:
            line(f"Delivery: {_delivery_line(delivery)}", 9)
    return bytes(pdf.output())
