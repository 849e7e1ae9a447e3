"""Messages: what the reminder outbox did, by kind and by channel. One grouped query."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from bookings.models import Reminder, ReminderChannel, ReminderKind, ReminderStatus
from bookings.reports.period import Period
from bookings.reports.tables import COUNT, SHARE, TEXT, Chart, Column, Report, Table, share

COUNTS_BY = (
    "Counts each message by the date it was due to go (the message's date), in the clinic's "
    "time zone."
)
# A failed message the desk chose not to send again (the patient was phoned instead) is
# withdrawn with its error kept; one withdrawn because its visit moved never failed.
DROPPED = Q(status=ReminderStatus.WITHDRAWN) & ~Q(last_error="")
OUTCOMES = {
    "sent": Q(status=ReminderStatus.SENT),
    "failed": Q(status=ReminderStatus.FAILED),
    "dropped": DROPPED,
    "withdrawn": Q(status=ReminderStatus.WITHDRAWN, last_error=""),
    "waiting": Q(
        status__in=[ReminderStatus.PENDING, ReminderStatus.QUEUED, ReminderStatus.SENDING]
    ),
}
COLUMNS = [
    Column("Sent", COUNT, charted=True),
    Column("Failed", COUNT, charted=True),
    Column("Dropped after failing", COUNT, charted=True),
    Column("Withdrawn (no longer needed)", COUNT),
    Column("Still to go", COUNT),
    Column("Failure rate", SHARE),
]


def _row(label: str, figures: dict[str, int]) -> list[Any]:
    tried = figures["sent"] + figures["failed"] + figures["dropped"]
    failures = figures["failed"] + figures["dropped"]
    return [label, *(figures[key] for key in OUTCOMES), share(failures, tried)]


def messages_report(period: Period) -> Report:
    start, end = period.bounds
    by_kind: dict[str, dict[str, int]] = {}
    by_channel: dict[str, dict[str, int]] = {}
    for row in (
        Reminder.objects.filter(due_at__gte=start, due_at__lt=end)
        .values("kind", "channel")
        .annotate(**{key: Count("pk", filter=where) for key, where in OUTCOMES.items()})
        .order_by()
    ):
        for group, key in ((by_kind, row["kind"]), (by_channel, row["channel"])):
            figures = group.setdefault(key, dict.fromkeys(OUTCOMES, 0))
            for outcome in OUTCOMES:
                figures[outcome] += row[outcome]
    empty = dict.fromkeys(OUTCOMES, 0)
    total = {key: sum(f[key] for f in by_kind.values()) for key in OUTCOMES}
    overall = _row("", total)
    return Report(
        slug="messages",
        title="Messages",
        intro=(
            "The reminders and notices the clinic sent, by kind and by channel: sent, failed "
            "(still waiting for the desk to send again or drop), dropped by the desk after "
            "failing, and withdrawn because the visit moved or was cancelled first."
        ),
        summary=[
            ("Sent", str(total["sent"])),
            ("Failed", str(total["failed"])),
            ("Dropped", str(total["dropped"])),
            ("Failure rate", Column("", SHARE).write(overall[-1])),
        ],
        tables=[
            Table(
                slug="by-kind",
                title="By kind",
                counts_by=COUNTS_BY,
                columns=[Column("Kind", TEXT), *COLUMNS],
                rows=[
                    _row(str(label), by_kind.get(value, empty))
                    for value, label in ReminderKind.choices
                    if value in by_kind
                ],
                chart=Chart("bar", stacked=True, horizontal=True, y_label="Messages"),
            ),
            Table(
                slug="by-channel",
                title="By channel",
                counts_by=COUNTS_BY,
                columns=[Column("Channel", TEXT), *COLUMNS],
                rows=[
                    _row(str(label), by_channel.get(value, empty))
                    for value, label in ReminderChannel.choices
                ],
                chart=Chart("bar", stacked=True, y_label="Messages"),
            ),
        ],
    )
