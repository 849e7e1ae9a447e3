"""The planner's codes and words as a person reads them: `{{ reason.source|cited }}`,
`{{ reason|reason_words }}`, `{{ flag.text|planner_words }}`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from planner import words
from planner.rules.sources import ARTICLES, citation

register = template.Library()


@register.filter
def cited(source: str) -> SafeString:
    """A rule's source as a reader sees it: an article by its title (linked where its address
    is known) and its clinic; a published reference by its citation."""
    found = citation(source)
    title = format_html("<cite>{}</cite>", found.title) if source in ARTICLES else found.title
    if found.url:
        title = format_html('<a href="{}" rel="noopener">{}</a>', found.url, title)
    if found.by:
        return format_html("{}, {}", title, found.by)
    return format_html("{}", title)


@register.filter
def reason_words(reason: Mapping[str, Any]) -> str:
    """A plan's stored reason in the reader's language."""
    return words.reason_words(reason)


@register.filter
def planner_words(text: str) -> str:
    """One of the planner's English messages (a flag's text, care advice), translated."""
    return words.words(text)
