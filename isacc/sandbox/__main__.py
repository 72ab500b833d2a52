"""`python -m isacc.sandbox --port 5100 --data-dir instance/sandbox`: serve the sandbox."""

import argparse
import os

from werkzeug.serving import run_simple

from isacc.sandbox import create_sandbox_app
from isacc.sandbox.settings import WEBHOOK_URL_ENV


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
    return parser.parse_args(argv)


def main() -> None:
    args = arguments()
    app = create_sandbox_app({"DATA_DIR": args.data_dir, "WEBHOOK_URL": args.webhook_url,
                              "SEED_ITEMS": args.seed_items})
    # Threaded: Accurate takes 8 requests at once, so the sandbox must too.
    run_simple(args.host, args.port, app, threaded=True)


if __name__ == "__main__":
    main()
