"""The manager's reports: utilisation, no-shows and late cancellations, how courses are kept
(completion, drop-off by session, gaps inside their windows), the waitlist and messages.

Reads only: every figure is aggregated in the database over the other sub-domains' tables.
Beside them, the manager's week at a glance (week, for the home page) and the forms of the
manager's settings that the admin shows (clinic_settings), the one module here that writes.

Imports: any sub-package above it. Imported by nothing but the wiring (the admin, the manager's
home page, the URLs and the benchmarks).
"""
