"""Headers every answer carries: a content security policy that lets the browser run only
our own assets and the pinned htmx script, and the usual refusals of framing and sniffing."""

from functools import lru_cache
from urllib.parse import urlsplit

from flask import Flask, current_app

HTMX_CDN = "https://unpkg.com/htmx.org@2.0.11/dist/htmx.min.js"


@lru_cache(maxsize=8)
def content_security_policy(accurate_account_url: str, iseller_oauth_url: str) -> str:
    accurate, iseller = ("{0.scheme}://{0.netloc}".format(urlsplit(url))
                         for url in (accurate_account_url, iseller_oauth_url))
    return "; ".join([
        "default-src 'self'",
        # The exact CDN file (its integrity is checked by SRI too), never the whole host.
        f"script-src 'self' {HTMX_CDN}",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        # "Connect to Accurate" and "Connect to iSeller" post here and are redirected to
        # Accurate's and iSeller's sign-in pages.
        f"form-action 'self' {accurate} {iseller}",
    ])


def install(app: Flask) -> None:
    production = app.config["ISACC_ENV"] == "production"

    @app.after_request
    def security_headers(response):
        headers = response.headers
        # Read per answer: the OAuth hosts are configuration and may change at run time.
        config = current_app.config
        headers.setdefault("Content-Security-Policy", content_security_policy(
            config["ACCURATE_ACCOUNT_URL"], config["ISELLER_OAUTH_URL"]))
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if production:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
