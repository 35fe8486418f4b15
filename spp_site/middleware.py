"""Request checks every view relies on."""

from django.core.exceptions import BadRequest


class RejectNulMiddleware:
    """A NUL character in the path or the query string is never meaningful, and PostgreSQL refuses
    it in queries (a 500 wherever such a value reaches the database: filters, searches, lookups).
    Such requests get a 400 before any view runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or "\x00" in _query_text(request):
            raise BadRequest("The address contains a NUL character.")
        return self.get_response(request)


def _query_text(request) -> str:
    return "".join(key + "".join(values) for key, values in request.GET.lists())
