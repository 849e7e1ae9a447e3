"""The planner's codes in the words a person reads: `{{ reason.source|cited }}`."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

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
