"""Everything on the calendars, by sub-domain. Models stay in bookings/models/ (one app label).

Inside bookings, data flows one way (tests/test_layers.py holds it):

    calendars     resources' free time, the one calendar read, interval arithmetic, .ics and
                  the patient's private calendar feed
    prices        money in minor units, quotes for a consultation and a course
    reminders     told of changes by the writers; never calls a writer
    appointments  one visit: book, cancel; what a writer announces (events)
    courses       the series search, windows, series booking and moves, keeping a course valid
    waitlist      freed times offered to patients whose window holds them
    visits        what happens at a visit: check-in, completed, no-show; the doctor's session
                  record, protocols, test patches and photos
    desk          the front desk calendar by doctor, laser and room
    reports       the manager's reports, read-only aggregates over all of the above
    front         the public front page's read: treatments, prices, hours, next free times

A sub-package may import those above it in this list, never those below. The top-level modules
(api, urls, admin, apps, benchmarks) are the app's wiring and may import them all.
"""
