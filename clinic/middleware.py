"""Request checks that hold for every page and endpoint, in one place."""

from __future__ import annotations

from collections.abc import Callable

from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
    QueryDict,
)
from django.http.multipartparser import MultiPartParserError

NUL_REFUSED = "Text may not contain a NUL character (\\0). Please remove it and try again."


def _fields_have_nul(fields: QueryDict) -> bool:
    return any("\x00" in key or any("\x00" in v for v in vs) for key, vs in fields.lists())


def _has_nul(request: HttpRequest) -> bool:
    if _fields_have_nul(request.GET):
        return True
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    content_type = request.content_type or ""
    if content_type == "multipart/form-data":
        # Only the text fields: an uploaded file may hold NUL bytes as a matter of course.
        return _fields_have_nul(request.POST)
    # Any other body, whatever its Content-Type says (the API parses JSON sent as text/plain
    # or as a form): a raw NUL, JSON's \u0000 (any case), or a form's %00.
    body = request.body.lower()
    if b"\x00" in body or b"\\u0000" in body:
        return True
    return content_type == "application/x-www-form-urlencoded" and b"%00" in body


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
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": NUL_REFUSED}, status=400)
            return HttpResponseBadRequest(NUL_REFUSED, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
