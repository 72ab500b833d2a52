"""`python -m isacc.sandbox --port 5100 --data-dir instance/sandbox [--redirect-uri URL ...]`:
serve the sandbox."""

import argparse
import os

from werkzeug.serving import run_simple

from isacc.sandbox import create_sandbox_app
from isacc.sandbox.settings import DEFAULTS, WEBHOOK_URL_ENV


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="The Accurate Online sandbox")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5100)
    parser.add_argument("--data-dir", default="instance/sandbox")
    parser.add_argument("--webhook-url", default=os.environ.get(WEBHOOK_URL_ENV, ""),
                        help="isacc's /webhooks/accurate/<token> URL; default "
                             f"${WEBHOOK_URL_ENV}, none: notices are only kept in history")
    parser.add_argument("--seed-items", default=None,
                        help="an .xlsx in Accurate's goods-and-services import layout, imported "
                             "into the first database while it has no items")
    parser.add_argument("--redirect-uri", action="append", default=[],
                        help="one more callback the OAuth client has registered (repeatable), "
                             "besides make run's and the tests'; any other is refused")
    return parser.parse_args(argv)


def config_from(args: argparse.Namespace) -> dict:
    """The sandbox's settings for these command-line arguments."""
    return {"DATA_DIR": args.data_dir, "WEBHOOK_URL": args.webhook_url,
            "SEED_ITEMS": args.seed_items,
            "REDIRECT_URIS": [*DEFAULTS["REDIRECT_URIS"], *args.redirect_uri]}


def main() -> None:
    args = arguments()
    app = create_sandbox_app(config_from(args))
    # Threaded: Accurate takes 8 requests at once, so the sandbox must too.
    run_simple(args.host, args.port, app, threaded=True)


if __name__ == "__main__":
    main()
