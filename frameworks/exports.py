"""A team's workplan as a PDF (fpdf2) and a CSV (every cell through core.spreadsheet.safe_cell)."""

from django.http import HttpResponse
from django.utils.text import slugify
from fpdf import FPDF

from core.spreadsheet import csv_response

from . import selectors
from .models import Workplan

CSV_HEADER = ["Goal", "Framework area", "Action", "Owner", "Due", "Status", "Notes"]


def _rows(workplan: Workplan):
    for goal in selectors.workplan_detail(workplan)["goals"]:
        area = goal.area.title if goal.area else ""
        actions = list(goal.actions.all())
        if not actions:
            yield [goal.title, area, "", "", "", "", ""]
        for action in actions:
            yield [goal.title, area, action.title, action.owner.display_name if action.owner else "",
                   action.due_on.isoformat() if action.due_on else "", action.get_status_display(), action.notes]


def _filename(workplan: Workplan, ext: str) -> str:
    return f"workplan-{slugify(str(workplan.team)) or workplan.id}.{ext}"


def workplan_csv(workplan: Workplan) -> HttpResponse:
    return csv_response(_filename(workplan, "csv"), CSV_HEADER, _rows(workplan))


def _latin(text: str) -> str:
    # The core PDF fonts cover Latin-1; typographic quotes and dashes are mapped, anything else replaced.
    table = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "…": "...", "•": "-"})
    return text.translate(table).encode("latin-1", "replace").decode("latin-1")


def workplan_pdf(workplan: Workplan) -> HttpResponse:
    detail = selectors.workplan_detail(workplan)
    pdf = FPDF(format="A4")
    pdf.set_title(_latin(f"Workplan: {workplan.team}"))
    pdf.set_author(_latin(workplan.organizer.name))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def line(text: str, *, size: int = 10, style: str = "", gap: float = 1.5):
        pdf.set_font("Helvetica", style=style, size=size)
        pdf.multi_cell(width, size * 0.5, _latin(text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    line(f"Workplan: {workplan.team}", size=16, style="B")
    line(f"{workplan.cohort.program.title}: {workplan.cohort.title}", size=11)
    progress = detail["progress"]
    line(f"Progress: {progress['done']} of {progress['total']} actions done ({progress['percent']}%)", style="B")
    if workplan.summary:
        line(workplan.summary)
    for goal in detail["goals"]:
        line(f"Goal: {goal.title}" + (f" ({goal.area.title})" if goal.area else ""), size=12, style="B", gap=1)
        if goal.description:
            line(goal.description)
        for action in goal.actions.all():
            owner = action.owner.display_name if action.owner else "no owner"
            due = f", due {action.due_on:%d %b %Y}" if action.due_on else ""
            line(f"- {action.title} [{action.get_status_display()}] {owner}{due}", gap=0.5)
            if action.notes:
                line(f"  {action.notes}", size=9)
    if detail["updates"]:
        line("Progress updates", size=12, style="B", gap=1)
        for update in detail["updates"]:
            who = update.author.display_name if update.author else "someone"
            line(f"{update.created_at:%d %b %Y}, {who}: {update.body}", size=9)
    if detail["requests"]:
        line("Support from the planning team", size=12, style="B", gap=1)
        for req in detail["requests"]:
            line(f"{req.partner.name} ({req.get_status_display()}): {req.message}", size=9)
            for log in req.logs.all():
                line(f"  {log.given_on:%d %b %Y}: {log.note}", size=9)
    response = HttpResponse(bytes(pdf.output()), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(workplan, "pdf")}"'
    return response
