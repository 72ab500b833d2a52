"""The store's Apps -> Webhook page [S, iseller-api.md d2]: where the merchant enters a
Notification URL per event type and the API key iSeller signs with, as an app's set-up
instructions tell them to (make run's tour pastes isacc's here)."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, render_template, request, session, url_for

from isacc.isellersandbox import settings
from isacc.isellersandbox.common import sandbox

bp = Blueprint("iseller_apps", __name__)


def _page(error: str | None = None, saved: bool = False, status: int = 200):
    hooks = sandbox().webhooks
    return render_template("iseller_apps_webhook.html", hooks=hooks.configured(),
                           on=hooks.on(), event_types=settings.WEBHOOK_EVENT_TYPES,
                           error=error, saved=saved, form=request.form), status


@bp.route("/apps/webhook", methods=["GET", "POST"])
def webhook():
    if not session.get("merchant"):
        return render_template("iseller_login.html", next=url_for("iseller_apps.webhook"),
                               email=current_app.config["USER_EMAIL"],
                               password=current_app.config["USER_PASSWORD"],
                               error=None), 401 if request.method == "POST" else 200
    if request.method == "GET":
        return _page()
    event_type = request.form.get("event_type", "")
    url, api_key = request.form.get("url", "").strip(), request.form.get("api_key", "").strip()
    parts = urlsplit(url)
    if event_type not in settings.WEBHOOK_EVENT_TYPES:
        return _page("Choose an event type.", status=400)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return _page("The Notification URL must be an http(s) address.", status=400)
    if not api_key:
        return _page("Enter the API key the app gave you.", status=400)
    sandbox().webhooks.configure(event_type, url, api_key)
    return _page(saved=True)
