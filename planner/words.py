"""The planner's words in the reader's language.

The rules keep their words in English, marked for the catalogues (`planner.rules.words`); a plan
stores each reason's English text beside the message it was made from (`Reason.as_stored`).
Here, on the Django side, they are translated when they are shown. A reason stored before plans
kept their messages is read by its English text, which is translated when it is a message
itself and shown as it was otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext, pgettext

from planner.rules.recommend import Param


def words(text: str) -> str:
    """One of the planner's English messages (a flag, a question, care advice), translated."""
    return gettext(text) if text else text


def word_list(items: Sequence[str]) -> str:
    """'a, b and c' in the reader's language, each item translated."""
    shown = [gettext(item) for item in items]
    if len(shown) <= 1:
        return "".join(shown)
    return pgettext("a list of features", "%(items)s and %(last)s") % {
        "items": pgettext("between the items of a list", ", ").join(shown[:-1]),
        "last": shown[-1],
    }


def _param(value: Param) -> object:
    if isinstance(value, dict) and "list" in value:
        return word_list(value["list"])
    if isinstance(value, dict):
        return " ".join(gettext(text) for text in value.get("sentences", []))
    if isinstance(value, str):
        return gettext(value)
    return value


def reason_words(reason: Mapping[str, Any]) -> str:
    """A stored reason in the reader's language (its English text where it has no message)."""
    template = reason.get("template")
    if not template:
        return words(str(reason.get("text", "")))
    params: Mapping[str, Param] = reason.get("params") or {}
    try:
        text = gettext(template) % {name: _param(value) for name, value in params.items()}
    except (KeyError, TypeError, ValueError):
        # A translation that lost a parameter must not hide the reason: the English stays.
        return str(reason.get("text", ""))
    return text[:1].upper() + text[1:]
