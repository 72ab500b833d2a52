"""One way to answer a page: the whole page for a browser, a partial for htmx."""

from flask import make_response, redirect, render_template, request


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def page(template: str, partial: str | None = None, **context):
    """Render `partial` for htmx requests (when given), the full `template` otherwise.

    Both answers vary on HX-Request, so no cache hands a partial to a full-page load.
    """
    name = partial if partial and is_htmx() else template
    response = make_response(render_template(name, **context))
    response.vary.add("HX-Request")
    return response


def go(url: str):
    """Redirect; htmx follows HX-Redirect instead of swapping a redirected page in."""
    if is_htmx():
        response = make_response("", 204)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url)
