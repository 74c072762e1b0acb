"""The runtime a service runs in production imports nothing of the build wing.

A fresh interpreter with Jinja2, hatchling, nodeenv, packaging and the build wing made
unimportable serves a call through each adapter and answers system.api_version (which hashes
the API model).
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

PROGRAM = """
import asyncio, importlib.abc, json, sys

BLOCKED = ("jinja2", "hatchling", "nodeenv", "packaging", "trove_classifiers", "hatch_centrifugo_sdk.build")

class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if any(name == b or name.startswith(b + ".") for b in BLOCKED):
            raise ImportError(f"the runtime imported {name}")
        return None

sys.meta_path.insert(0, Block())

from pydantic import BaseModel
import hatch_centrifugo_sdk
from hatch_centrifugo_sdk import Registry
from hatch_centrifugo_sdk.asgi import RpcProxyApp
from hatch_centrifugo_sdk.centrifugo import centrifugo_config
from hatch_centrifugo_sdk.dispatch import API_VERSION_METHOD, Dispatcher
from hatch_centrifugo_sdk.django import rpc_proxy_view
from hatch_centrifugo_sdk.channels import SubscribeProxyApp, Publisher, channel

class P(BaseModel):
    x: int

registry = Registry()

@registry.rpc("echo")
async def echo(conn, params: P) -> P:
    return params

async def main():
    dispatcher = Dispatcher(registry, proxy_secret="s")
    headers = {"X-Centrifugo-Proxy-Secret": "s"}
    for method, data in (("echo", {"x": 1}), (API_VERSION_METHOD, {})):
        body = json.dumps({"client": "c", "transport": "websocket", "protocol": "json", "encoding": "json", "user": "u", "method": method, "data": data}).encode()
        reply = await dispatcher.dispatch(body, headers)
        print(reply.status, sorted(json.loads(reply.body)))

asyncio.run(main())
RpcProxyApp(registry, proxy_secret="s")
centrifugo_config(port=8000, proxy_endpoint="http://localhost:9000/rpc", proxy_secret="s", token_secret="t", api_key="k")
print(sorted(m for m in sys.modules if m.startswith("hatch_centrifugo_sdk.build")))
"""


def test_the_runtime_runs_without_the_build_wing_and_its_dependencies() -> None:
    done = subprocess.run([sys.executable, "-c", PROGRAM], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["200 ['result']", "200 ['result']", "[]"]


def test_installing_the_runtime_pulls_only_pydantic(plugin_wheelhouse: Path) -> None:
    """The build hook's dependencies are the [build] extra, which services name in [build-system] requires."""
    (wheel,) = plugin_wheelhouse.glob("hatch_centrifugo_sdk-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        requires = [line for line in archive.read(name).decode().splitlines() if line.startswith("Requires-Dist:")]
    always = [line for line in requires if "extra ==" not in line]
    assert always == ["Requires-Dist: pydantic<3,>=2.6"]
    build = {line.split(";")[0].split()[1] for line in requires if "extra == 'build'" in line}
    assert {"hatchling>=1.27", "jinja2<4,>=3.1", "nodeenv>=1.8", "packaging>=23"} <= build
