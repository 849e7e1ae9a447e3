"""The manager's reports: utilisation, no-shows and late cancellations, how courses are kept
(completion, drop-off by session, gaps inside their windows), the waitlist and messages.

Reads only: every figure is aggregated in the database over the other sub-domains' tables.
Imports: any sub-package above it. Imported by nothing but the wiring.
"""
