"""`python -m isacc.sandbox --port 5100 --data-dir instance/sandbox`: serve the sandbox."""

import argparse

from werkzeug.serving import run_simple

from isacc.sandbox import create_sandbox_app


def main() -> None:
    parser = argparse.ArgumentParser(description="The Accurate Online sandbox")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5100)
    parser.add_argument("--data-dir", default="instance/sandbox")
    args = parser.parse_args()
    app = create_sandbox_app({"DATA_DIR": args.data_dir})
    # Threaded: Accurate takes 8 requests at once, so the sandbox must too.
    run_simple(args.host, args.port, app, threaded=True)


if __name__ == "__main__":
    main()
