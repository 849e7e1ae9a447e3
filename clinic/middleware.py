"""Request checks that hold for every page and endpoint, in one place."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.multipartparser import MultiPartParserError

NUL_REFUSED = "Text may not contain a NUL character (\\0). Please remove it and try again."


def _has_nul(request: HttpRequest) -> bool:
    for query in (request.GET,):
        if any("\x00" in key or any("\x00" in v for v in values) for key, values in query.lists()):
            return True
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    content_type = request.content_type or ""
    if content_type == "application/json" or content_type.endswith("+json"):
        # JSON spells NUL as \u0000 (any case); a raw NUL byte is not JSON at all.
        body = request.body
        return b"\x00" in body or b"\\u0000" in body.lower()
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        # Only the text fields: an uploaded file may hold NUL bytes as a matter of course.
        return any(
            "\x00" in key or any("\x00" in v for v in values)
            for key, values in request.POST.lists()
        )
    return False


class RefuseNulMiddleware:
    """PostgreSQL cannot store a NUL character in text and answers an error that used to become
    a 500; no clinic text needs one. Refuse it in any query string, form field or JSON body with
    a 400 that says why, before a view runs, so nothing changes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            refused = _has_nul(request)
        except MultiPartParserError:
            return HttpResponseBadRequest("The form could not be read.")
        if refused:
            return HttpResponseBadRequest(NUL_REFUSED, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
