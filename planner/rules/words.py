"""Marks the planner's words that a patient reads, so they can be translated.

The rules may not import Django (CONVENTIONS.md, 1), yet a patient who reads Malay or Chinese
must see their plan in it. `gettext_noop` marks a string where it is written and returns it
unchanged: Django's `makemessages` extracts every call by that name into the catalogues, and the
Django side (`planner.words`) translates the stored English when it shows it.
"""

from __future__ import annotations


def gettext_noop(message: str) -> str:
    """`message`, unchanged; named for the keyword `makemessages` extracts."""
    return message
