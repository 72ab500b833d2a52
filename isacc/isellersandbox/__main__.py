"""`python -m isacc.isellersandbox --port 5200 --data-dir instance/iseller-sandbox
[--redirect-uri URL ...] [--seed-products FILE]`: serve the iSeller sandbox."""

import argparse
import json
from pathlib import Path

from werkzeug.serving import run_simple

from isacc.isellersandbox import create_iseller_sandbox_app
from isacc.isellersandbox.settings import DEFAULTS


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="The iSeller sandbox")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5200)
    parser.add_argument("--data-dir", default="instance/iseller-sandbox")
    parser.add_argument("--redirect-uri", action="append", default=[],
                        help="one more callback the app has registered (repeatable), besides "
                             "make run's and the tests'; any other is refused")
    parser.add_argument("--seed-products", default=None,
                        help="a JSON list of products (as POST /sandbox/admin/products takes "
                             "them) a new sandbox starts with, instead of its own")
    return parser.parse_args(argv)


def config_from(args: argparse.Namespace) -> dict:
    seed = json.loads(Path(args.seed_products).read_text()) if args.seed_products else None
    return {"DATA_DIR": args.data_dir, "SEED_PRODUCTS": seed,
            "REDIRECT_URIS": [*DEFAULTS["REDIRECT_URIS"], *args.redirect_uri]}


def main() -> None:
    args = arguments()
    run_simple(args.host, args.port, create_iseller_sandbox_app(config_from(args)),
               threaded=True)


if __name__ == "__main__":
    main()
