"""`make serve`: Centrifugo and the sample service on loopback, until Ctrl-C.

Prints the WebSocket URL and connection tokens for a few users, ready for the SDK
examples in the README. Ports: CENTRIFUGO_PORT (8000) and SERVICE_PORT (9000).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from hatch_centrifugo_sdk.centrifugo import centrifugo_config, make_token  # noqa: E402
from tests.stack import LOOPBACK, run_centrifugo, run_service  # noqa: E402


def main() -> None:
    centrifugo_port = int(os.environ.get("CENTRIFUGO_PORT", "8000"))
    service_port = int(os.environ.get("SERVICE_PORT", "9000"))
    workdir = REPO / ".serve"
    workdir.mkdir(exist_ok=True)
    token_secret, api_key, proxy_secret = (secrets.token_hex(16) for _ in range(3))
    config = centrifugo_config(
        port=centrifugo_port,
        address=LOOPBACK,
        proxy_endpoint=f"http://{LOOPBACK}:{service_port}/centrifugo/rpc",
        proxy_secret=proxy_secret,
        token_secret=token_secret,
        api_key=api_key,
    )
    env = {"CENTRIFUGO_PROXY_SECRET": proxy_secret, "SAMPLE_SERVICE_DB": str(workdir / "sample.sqlite3")}
    with contextlib.ExitStack() as stack:
        stack.enter_context(
            run_service(
                "sample_service.app:app",
                port=service_port,
                log=workdir / "service.log",
                app_dir=REPO / "sample_service" / "src",
                env=env,
                health_path="/health",
            )
        )
        stack.enter_context(run_centrifugo(config, workdir=workdir))
        url = f"ws://{LOOPBACK}:{centrifugo_port}/connection/websocket"
        tokens = {user: make_token(token_secret, user, 24 * 3600) for user in ("alice", "bob")}
        (workdir / "tokens.json").write_text(json.dumps({"url": url, "tokens": tokens}, indent=2) + "\n")
        print(f"Centrifugo   {url}")
        print(f"service      http://{LOOPBACK}:{service_port}/centrifugo/rpc  (logs in .serve/)")
        for user, token in tokens.items():
            print(f"token for {user}: {token}")
        print("URL and tokens are also in .serve/tokens.json. Ctrl-C stops both.")
        signal.sigwait({signal.SIGINT, signal.SIGTERM})


if __name__ == "__main__":
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    main()
