"""The course record as a PDF, for a referral or a patient's request: the clinic, the patient,
the course, one row per session with the laser parameters as columns (changes under the
values, flagged values marked), the adverse events, the addenda with who, when and why, who
signed each record, and when the PDF was made, in the clinic's time zone.

Made with ReportLab rather than WeasyPrint: ReportLab is pure Python wheels, while WeasyPrint
needs Pango and its system libraries on every server. The page streams are left uncompressed
(pageCompression=0), so a test finds the parameters in the bytes without a PDF reader; a text
only record of a course stays small either way.

No photos: the record's photos stay behind the role-checked photo view, and a referral letter
carries them only by the doctor's choice. The PDF uses ReportLab's standard Helvetica, whose
Latin-1 range covers the clinic's languages but Chinese.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from io import BytesIO
from typing import Any

from django.conf import settings
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from bookings.calendars.availability import clinic_zone
from bookings.visits.glance import CourseGlance, Row
from clinic.models import User

MARGIN = 12 * mm
FLAG_BACKGROUND = colors.HexColor("#fde2e1")
EVENT_BACKGROUND = colors.HexColor("#fff3cd")
HEAD_BACKGROUND = colors.HexColor("#0f6e74")
NO_SHOW_BACKGROUND = colors.HexColor("#f1f1f1")
# Widths in points: session, date, gap, record, the seven parameters, flags, adverse events.
WIDTHS = [22, 60, 74, 48, 64, 50, 42, 54, 46, 50, 38, 118, 102]

_styles = getSampleStyleSheet()
TITLE = ParagraphStyle("title", parent=_styles["Title"], alignment=TA_LEFT, fontSize=16)
HEADING = ParagraphStyle("heading", parent=_styles["Heading2"], fontSize=11, spaceBefore=8)
BODY = ParagraphStyle("body", parent=_styles["BodyText"], fontSize=8.5, leading=11)
CELL = ParagraphStyle("cell", parent=BODY, fontSize=7.5, leading=9)
HEAD = ParagraphStyle(
    "head", parent=CELL, fontName="Helvetica-Bold", fontSize=7, textColor=colors.white
)
SMALL = ParagraphStyle("small", parent=CELL, fontSize=6.5, leading=8, textColor=colors.grey)


def _text(value: Any) -> str:
    """A value as ReportLab's paragraph markup reads it: escaped, None as a dash."""
    return "—" if value in (None, "") else escape(str(value))


def _when(moment: datetime, pattern: str = "%d %b %Y, %H:%M") -> str:
    return moment.astimezone(clinic_zone()).strftime(pattern)


def _name(user: User | None) -> str:
    if user is None:
        return "—"
    return user.get_full_name() or user.email or ""


def _date_of_birth(patient: User) -> str:
    try:
        born = patient.profile.date_of_birth
    except User.profile.RelatedObjectDoesNotExist:
        return ""
    return f"{born:%d %b %Y}" if born else ""


def _head(glance: CourseGlance) -> list[Flowable]:
    plan = glance.plan
    patient = plan.patient
    born = _date_of_birth(patient)
    window = plan.window
    course = (
        f"<b>Course:</b> {_text(plan.get_concern_display())}, {plan.sessions} sessions "
        f"({plan.sessions_min} to {plan.sessions_max}), {window.min_days} to {window.max_days} "
        f"days apart (ideally {window.ideal_days}) · {_text(plan.get_status_display())}"
    )
    if plan.approved_at:
        course += f" · approved by {_text(_name(plan.approved_by))} on {_when(plan.approved_at)}"
    return [
        Paragraph(f"{_text(settings.CLINIC_NAME)}: course record", TITLE),
        Paragraph(
            f"<b>Patient:</b> {_text(_name(patient))}" + (f" · <b>born</b> {born}" if born else ""),
            BODY,
        ),
        Paragraph(course, BODY),
        Spacer(1, 4 * mm),
    ]


def _gap(row: Row) -> str:
    if row.gap is None:
        return "—" if not row.no_show else ""
    gap = row.gap
    window = f"window {gap.window.min_days} to {gap.window.max_days}"
    mark = gap.shown if gap.in_window else f"<b>(!) {gap.shown}</b>"
    note = f"{window}; {escape(gap.ideal_shown)}"
    return f"{gap.days} days<br/>{mark}<br/><font size=6.5 color=grey>{note}</font>"


def _events(row: Row) -> str:
    return "<br/>".join(
        f"{escape(event.kind)}, {escape(event.grade.lower())}"
        + (" <b>[addendum]</b>" if event.by_addendum else "")
        + (f": {escape(event.note)}" if event.note else "")
        for event in row.events
    )


def _table(glance: CourseGlance) -> Table:
    units = [f"{escape(name)}<br/>{escape(unit)}" for name, unit in glance.columns]
    head = ["#", "Date", "Gap", "Record", *units, "Flags", "Adverse events"]
    data: list[list[Any]] = [[Paragraph(text, HEAD) for text in head]]
    style: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_BACKGROUND),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#b8c4c4")),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    first = 4  # the first parameter's column
    for index, row in enumerate(glance.rows, start=1):
        status = row.record_status.capitalize() if not row.no_show else "No-show"
        cells: list[Any] = [
            Paragraph(str(row.number), CELL),
            Paragraph(_when(row.starts_at, "%d %b %Y<br/>%H:%M"), CELL),
            Paragraph(_gap(row), CELL),
            Paragraph(f"{escape(status)}<br/><font size=6.5>{escape(row.status)}</font>", CELL),
        ]
        if row.parameters:
            for column, parameter in enumerate(row.parameters, start=first):
                text = _text(parameter.value)
                if parameter.flagged:
                    text = f"<b>(!) {text}</b>"
                    style.append(("BACKGROUND", (column, index), (column, index), FLAG_BACKGROUND))
                if parameter.shown:
                    text += f"<br/><font size=6.5 color=grey>{escape(parameter.shown)}</font>"
                cells.append(Paragraph(text, CELL))
        else:
            cells.extend(Paragraph("", CELL) for _ in glance.labels)
        cells.append(Paragraph("<br/>".join(escape(f["text"]) for f in row.flags), CELL))
        cells.append(Paragraph(_events(row), CELL))
        if row.events:
            style.append(("BACKGROUND", (-1, index), (-1, index), EVENT_BACKGROUND))
        if row.no_show:
            style.append(("BACKGROUND", (0, index), (3, index), NO_SHOW_BACKGROUND))
        data.append(cells)
    # A row taller than a page (many long adverse-event notes) is split across pages, not a
    # LayoutError.
    return Table(data, colWidths=WIDTHS, repeatRows=1, splitInRow=1, style=TableStyle(style))


def _legend() -> Paragraph:
    return Paragraph(
        "<b>(!)</b> on a value: beyond what the device's protocol permits from the last session "
        "(the flag says why; the record gives the doctor's reason). <b>(!)</b> on a gap: outside "
        "the course's window then in force. Under each value, its change from the last record. "
        "<b>[addendum]</b>: an adverse event found after the session, added by an addendum.",
        SMALL,
    )


def _addenda(glance: CourseGlance) -> list[Flowable]:
    items = [
        Paragraph(
            f"<b>Session {row.number}</b>, {_when(addendum.created_at)}, "
            f"{_text(_name(addendum.author))}. <i>Why:</i> {_text(addendum.reason)}. "
            f"{_text(addendum.text)}",
            BODY,
        )
        for row in glance.rows
        for addendum in row.addenda
    ]
    if not items:
        return []
    return [Paragraph("Addenda", HEADING), *items]


def _signatures(glance: CourseGlance) -> list[Flowable]:
    lines = []
    for row in glance.rows:
        record = row.record
        if record is None:
            continue
        if record.signed_at is not None:
            text = f"signed by {_text(_name(record.signed_by))} on {_when(record.signed_at)}"
        else:
            text = "draft, not signed"
        if record.flag_reason:
            text += f". Reason for the flagged values: {_text(record.flag_reason)}"
        lines.append(
            Paragraph(f"<b>Session {row.number}</b> ({_when(row.starts_at)}): {text}", BODY)
        )
    if not lines:
        return []
    return [KeepTogether([Paragraph("Signed records", HEADING), *lines])]


def course_record_pdf_bytes(
    glance: CourseGlance, *, generated_at: datetime, invariant: bool = False
) -> bytes:
    """The PDF of the course record. `invariant` gives the same bytes for the same record
    (ReportLab's fixed document id and dates), for tests."""
    buffer = BytesIO()
    patient = _name(glance.plan.patient)
    footer = (
        f"{settings.CLINIC_NAME} · course record of {patient} · generated "
        f"{_when(generated_at)} ({clinic_zone().key})"
    )

    def on_page(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.setFillColor(colors.grey)
        canvas.drawString(MARGIN, 7 * mm, footer)
        canvas.drawRightString(landscape(A4)[0] - MARGIN, 7 * mm, f"Page {doc.page}")
        canvas.restoreState()

    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=14 * mm,
        title="Course record",
        author=settings.CLINIC_NAME,
        pageCompression=0,
        invariant=1 if invariant else 0,
    )
    story: list[Flowable] = [*_head(glance)]
    if glance.rows:
        story += [_table(glance), Spacer(1, 2 * mm), _legend()]
    else:
        story.append(Paragraph("No session of this course is booked.", BODY))
    story += [*_addenda(glance), *_signatures(glance)]
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()
