"""Prices: what a consultation and a course cost, in the clinic's currency.

Owns money formatting (money) and the quotes a patient sees before booking (quotes). Prices
themselves are set by the manager (a treatment type's price, a course package per concern).

Imports: bookings.models, planner.models. Imported by the booking pages, the front page and the
`money` template filter.
"""
