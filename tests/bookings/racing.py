"""Real concurrent clients: each thread has its own database connection, all start together."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection

from bookings.appointments.services import SlotUnavailable


def race(count: int, attempt: Callable[[int], object]) -> list[str]:
    """Run attempt(0..count-1) at once; each outcome is "booked", "conflict" (SlotUnavailable),
    the message of a refusal the service gave, or the repr of anything else that went wrong."""
    start_together = threading.Barrier(count)
    outcomes: list[str] = [""] * count

    def run(n: int) -> None:
        from django.core.exceptions import ValidationError

        try:
            start_together.wait()
            attempt(n)
            outcomes[n] = "booked"
        except SlotUnavailable:
            outcomes[n] = "conflict"
        except ValidationError as error:
            outcomes[n] = "refused: " + " ".join(error.messages)
        except Exception as error:  # anything else is a failure to report, not to hide
            outcomes[n] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes
