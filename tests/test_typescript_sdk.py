"""The TypeScript/JavaScript SDK: rendered, packed, installed with npm, checked by tsc, run by node.

The Node tools are the ones pinned in tests/js (installed once with `npm ci`); a consumer
project installs the generated tarball with npm, next to them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
import socket
import subprocess
import tarfile
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any, Dict, List, Literal, Optional, Set, Tuple, Union

import pytest
from pydantic import BaseModel, ConfigDict, Field

from hatch_centrifugo_sdk import Registry
from hatch_centrifugo_sdk.runtime.errors import ERROR_CODES
from hatch_centrifugo_sdk.ir import Api
from hatch_centrifugo_sdk.ir.parser import parse_api
from hatch_centrifugo_sdk.build.targets.typescript.package import pack_tarball, tarball_name
from hatch_centrifugo_sdk.build.render import SdkInfo
from hatch_centrifugo_sdk.build.targets.typescript.options import TypeScriptOptions
from hatch_centrifugo_sdk.build.targets.typescript.render import render
from tests.conformance.sdks import TSCONFIG  # the one strict tsconfig of the tests
from tests.fixtures import kitchen_sink

JS_TOOLS = Path(__file__).resolve().parent / "js"
PACKAGE = "@kitchen/sink-sdk"

pytestmark = pytest.mark.skipif(not (shutil.which("node") and shutil.which("npm")), reason="needs node and npm")

# Type kinds and names the kitchen sink leaves out --------------------------------

extras = Registry()


class Shape(str, Enum):
    CIRCLE = "circle"
    SQUARE = "square"


class Circle(BaseModel):
    kind: Literal["circle"]
    radius: float


class Square(BaseModel):
    kind: Literal["square"]
    side: float


class Perms(BaseModel):
    """Open to members it does not declare (githubkit's app permissions)."""

    model_config = ConfigDict(extra="allow")

    issues: str


class Edge(BaseModel):
    """Edge cases: quoted keys, reserved words, */ in text."""

    model_config = ConfigDict(populate_by_name=True)

    first_name: str = Field(alias="first-name", description="A key that needs quotes */ and an end", pattern=r"^a*/$")
    class_: int = Field(alias="class")
    pair: Tuple[int, str]
    shape: Union[Circle, Square] = Field(discriminator="kind")
    either: Union[int, str, None]
    labels: Set[str]
    payload: Any
    amount: Decimal
    raw: bytes
    at: dt.time
    wait: dt.timedelta
    matrix: List[List[Optional[int]]]
    shapes: Dict[str, Shape]
    perms: Perms


class Error(BaseModel):
    """Named like a TypeScript global."""

    message: str


class Empty(BaseModel):
    pass


@extras.rpc("edge.echo")
async def echo(conn, params: Edge) -> Error:
    return Error(message="")


@extras.rpc("system.ping")
async def ping(conn, params: Empty) -> Empty:
    return Empty()


@extras.rpc("delete")
async def delete(conn, params: Empty) -> Empty:
    return Empty()


# Fixtures -----------------------------------------------------------------------


@pytest.fixture(scope="session")
def api() -> Api:
    return parse_api([*kitchen_sink.registry, *extras])


@pytest.fixture(scope="session")
def sdk(api: Api) -> SdkInfo:
    return SdkInfo("kitchen-sink", "1.2.0rc1", api.hash, "1.2.0-rc.1", TypeScriptOptions(PACKAGE))


@pytest.fixture(scope="session")
def files(api: Api, sdk: SdkInfo) -> dict[str, str]:
    return render(api, sdk)


@pytest.fixture(scope="session")
def tarball(files: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    return pack_tarball(files, tmp_path_factory.mktemp("npm"))


def _run(cmd: list[str], cwd: Path, timeout: float = 300, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        pytest.fail(f"{' '.join(cmd)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


@pytest.fixture(scope="session")
def node_tools() -> Path:
    """tests/js/node_modules, installed by `npm ci` unless it is current with the lockfile."""
    modules = JS_TOOLS / "node_modules"
    stamp = modules / ".package-lock.json"
    if not stamp.exists() or stamp.stat().st_mtime < (JS_TOOLS / "package-lock.json").stat().st_mtime:
        _run(["npm", "ci", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], JS_TOOLS)
    return modules


@pytest.fixture(scope="session")
def consumer(node_tools: Path, tarball: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with the SDK npm-installed from its tarball; the test tools resolve from the parent folder."""
    root = tmp_path_factory.mktemp("consumer")
    (root / "node_modules").symlink_to(node_tools, target_is_directory=True)
    app = root / "app"
    app.mkdir()
    (app / "package.json").write_text(json.dumps({"name": "consumer", "private": True, "type": "module"}))
    _run(["npm", "install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", str(tarball)], app)
    return app


def _tsc(project: Path, sources: dict[str, str], check: bool = True) -> subprocess.CompletedProcess[str]:
    for name, text in sources.items():
        (project / name).write_text(text)
    config = {"compilerOptions": TSCONFIG, "files": sorted(sources)}
    (project / "tsconfig.json").write_text(json.dumps(config, indent=2))
    tsc = project.parent / "node_modules" / "typescript" / "bin" / "tsc"
    return _run(["node", str(tsc), "-p", "tsconfig.json", "--pretty", "false"], project, check=check)


# Rendering and packing ------------------------------------------------------------


def test_render_is_deterministic_and_complete(api: Api, sdk: SdkInfo, files: dict[str, str]) -> None:
    modules = [f"{part}{ext}" for part in ("errors", "index", "types") for ext in (".cjs", ".d.cts", ".d.ts", ".js")]
    assert sorted(files) == sorted(["README.md", "package.json", *modules])
    assert render(api, sdk) == files
    assert all(text.endswith("\n") and "\r" not in text for text in files.values())


def test_package_json_is_a_dual_package(files: dict[str, str]) -> None:
    manifest = json.loads(files["package.json"])
    assert list(manifest) == [
        "name", "version", "description", "keywords", "type", "main", "module", "types", "exports", "files",
        "sideEffects", "engines", "dependencies",
    ]
    assert (manifest["name"], manifest["version"], manifest["type"]) == (PACKAGE, "1.2.0-rc.1", "module")
    assert manifest["exports"]["."] == {
        "import": {"types": "./index.d.ts", "default": "./index.js"},
        "require": {"types": "./index.d.cts", "default": "./index.cjs"},
    }
    for part in ("types", "errors"):  # importable without the client (and without centrifuge)
        assert manifest["exports"][f"./{part}"] == {
            "import": {"types": f"./{part}.d.ts", "default": f"./{part}.js"},
            "require": {"types": f"./{part}.d.cts", "default": f"./{part}.cjs"},
        }
    assert manifest["dependencies"] == {"centrifuge": "^5.8.0"}
    assert manifest["sideEffects"] is False
    assert sorted(manifest["files"]) == sorted(set(files) - {"package.json"})
    assert "devDependencies" not in manifest and "scripts" not in manifest


def test_declarations_follow_the_guide(files: dict[str, str]) -> None:
    for part in ("index", "types", "errors"):
        assert files[f"{part}.d.cts"] == files[f"{part}.d.ts"].replace('.js";', '.cjs";')
    dts = files["types.d.ts"] + files["index.d.ts"]
    query = re.search(r"export interface ItemQuery \{\n(.*?)\n\}", dts, re.S)
    assert query and query.group(1) == (
        "  /** Search query */\n"
        "  query: string;\n"
        "  /**\n"
        "   * Max results\n"
        "   * @default null\n"
        "   */\n"
        "  limit?: number | null;\n"
        "  colors?: Color[];"
    )
    assert "  parent: Tag | null;\n" in dts
    assert '  "first-name": string;\n' in dts and "  class: number;\n" in dts
    assert "*\\/" in dts and "quotes */" not in dts and "needs quotes */" not in dts
    assert "export interface ErrorModel {" in dts  # "Error" would shadow the global
    assert "  delete_(params?: Empty, options?: CallOptions): Promise<Empty>;\n" in dts
    assert 'export type Color = "red" | "dark-blue";' in dts
    assert "Format: ISO 8601 date-time" in dts
    assert '   * Constraints: matches the pattern "^a*\\/$".\n' in dts  # the */ of the pattern escaped
    assert "A newer service may send a value not listed here" in dts


def test_readme_documents_methods_types_and_errors(files: dict[str, str], sdk: SdkInfo) -> None:
    readme = files["README.md"]
    assert f"npm install {PACKAGE}" in readme and sdk.api_hash in readme
    assert "### `itemsSearch(params: ItemQuery, options?: CallOptions): Promise<ItemPage>`" in readme
    assert "Returns at most ``limit`` items." in readme  # the handler's docstring
    assert "| `limit` | `number \\| null` | no | Max results |" in readme
    for error in ERROR_CODES:
        assert f"| {error.code} | `{error.name}` |" in readme
    assert 'import WebSocket from "ws";' in readme


def test_tarball_is_laid_out_as_npm_pack_does(tarball: Path, files: dict[str, str], tmp_path: Path) -> None:
    assert tarball.name == "kitchen-sink-sdk-1.2.0-rc.1.tgz" == tarball_name(PACKAGE, "1.2.0-rc.1")
    assert tarball_name("plain", "2.0.0") == "plain-2.0.0.tgz"
    raw = tarball.read_bytes()
    assert raw[4:8] == b"\0\0\0\0" and raw[3] & 0x08 == 0  # gzip header: no mtime, no file name
    with tarfile.open(tarball, "r:gz") as tar:
        members = tar.getmembers()
        assert [m.name for m in members] == [f"package/{p}" for p in sorted(files)]
        for m in members:
            assert m.isfile() and m.mode == 0o644 and (m.uid, m.gid, m.uname, m.gname) == (0, 0, "", "")
            assert m.mtime == members[0].mtime
            stream = tar.extractfile(m)
            assert stream is not None and stream.read().decode() == files[m.name.removeprefix("package/")]
    again = pack_tarball(files, tmp_path)
    assert hashlib.sha256(again.read_bytes()).hexdigest() == hashlib.sha256(raw).hexdigest()


# The strict type checker -------------------------------------------------------------

TYPES_CONSUMER = """\
import WebSocket from "ws";
import {
  API_HASH, APIClient, CentrifugoRPCClient, Color, ErrorCode, Priority, RpcError, SDK_VERSION,
  type CallOptions, type Circle, type Edge, type Empty, type ErrorModel, type Item, type ItemPage,
  type ItemQuery, type ItemRef, type Square, type Tag,
} from "@kitchen/sink-sdk";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function same<T extends true>(): void {}

same<Equal<Item["parent"], Tag | null>>();
same<Equal<Item["created_at"], string>>();
same<Equal<Required<ItemQuery>["limit"], number | null>>();
same<Equal<Required<Item>["kind"], "task" | "bug">>();
same<Equal<Required<Item>["attributes"], Record<string, number>>>();
same<Equal<Required<Item>["priority"], Priority>>();
same<Equal<Priority, 1 | 2>>();
same<Equal<Color, "red" | "dark-blue">>();
same<Equal<typeof Color.DARK_BLUE, "dark-blue">>();
same<Equal<typeof Priority.HIGH, 2>>();  // the IntEnum's own member names
same<Equal<Edge["first-name"], string>>();
same<Equal<Edge["class"], number>>();
same<Equal<Edge["pair"], [number, string]>>();
same<Equal<Edge["shape"], Circle | Square>>();
same<Equal<Edge["either"], number | string | null>>();
same<Equal<Edge["labels"], string[]>>();
same<Equal<Edge["payload"], unknown>>();
same<Equal<Edge["amount"], string>>();
same<Equal<Edge["matrix"], (number | null)[][]>>();
same<Equal<Edge["shapes"], Record<string, "circle" | "square">>>();
same<Equal<ErrorModel["message"], string>>();
same<Equal<Edge["perms"]["issues"], string>>();
same<Equal<Edge["perms"]["pages"], unknown>>();
const perms: Edge["perms"] = { issues: "read", pages: "write" };
same<Equal<ReturnType<APIClient["itemsSearch"]>, Promise<ItemPage>>>();
same<Equal<Parameters<APIClient["itemsSearch"]>[0], ItemQuery>>();
same<Equal<ReturnType<APIClient["edgeEcho"]>, Promise<ErrorModel>>>();
same<Equal<typeof ErrorCode.INVALID_PARAMS, 422>>();
same<Equal<typeof ErrorCode.TIMEOUT, 1>>();
const hash: string = API_HASH;
const version: "1.2.0-rc.1" = SDK_VERSION;

function area(shape: Edge["shape"]): number {
  return shape.kind === "circle" ? Math.PI * shape.radius ** 2 : shape.side ** 2;
}

export async function main(): Promise<void> {
  const rpc = new CentrifugoRPCClient({ url: "ws://127.0.0.1:1/connection/websocket", websocket: WebSocket, timeout: 500 });
  await rpc.connect();
  const api = new APIClient(rpc);
  const options: CallOptions = { timeout: 100 };
  const page: ItemPage = await api.itemsSearch({ query: "q", limit: null, colors: [Color.RED, "dark-blue"] }, options);
  const first: Item | undefined = page.items[0];
  const tag: Tag = { name: "t", color: Color.RED };
  const item: Item = await api.itemsGetStats({ item_id: tag.name.length });
  const empty: Empty = await api.systemPing();
  await api.delete_({});
  try {
    await rpc.call("items.search", { query: "raw" });
  } catch (error) {
    if (error instanceof RpcError && error.code === ErrorCode.TIMEOUT && error.temporary) {
      console.log(error.message, first, item, empty, hash, version, area({ kind: "square", side: 2 }), perms);
    }
  }
  rpc.close();

  // @ts-expect-error a required field is missing
  await api.itemsSearch({ limit: 3 });
  // @ts-expect-error a field of the wrong type
  await api.itemsSearch({ query: 1 });
  // @ts-expect-error not a member of the enum
  await api.itemsSearch({ query: "q", colors: ["green"] });
  // @ts-expect-error an unknown field
  await api.itemsGetStats({ item_id: 1, colour: "red" });
  // @ts-expect-error the result is not what it is assigned to
  const wrong: Tag = await api.itemsSearch({ query: "q" });
  // @ts-expect-error optional means absent, not undefined
  const explicit: ItemQuery = { query: "q", limit: undefined };
  // @ts-expect-error no such method
  await api.itemsDelete({});
  console.log(wrong, explicit);
}
"""

CJS_CONSUMER = """\
import sdk = require("@kitchen/sink-sdk");

export function make(url: string): sdk.APIClient {
  const code: 422 = sdk.ErrorCode.INVALID_PARAMS;
  const query: sdk.ItemQuery = { query: "q", limit: code };
  console.log(query);
  return new sdk.APIClient(new sdk.CentrifugoRPCClient({ url, websocket: {} }));
}
"""

BAD_CONSUMER = """\
import { APIClient, CentrifugoRPCClient } from "@kitchen/sink-sdk";

const api = new APIClient(new CentrifugoRPCClient({ url: "ws://127.0.0.1:1/connection/websocket" }));
export const page = api.itemsSearch({ query: "q", limit: "ten" });
"""


def _readme_examples(readme: str) -> list[str]:
    return re.findall(r"```ts\n(.*?)```", readme, re.S)


def test_tsc_strict_accepts_the_sdk_and_the_readme_examples(consumer: Path, files: dict[str, str]) -> None:
    examples = _readme_examples(files["README.md"])
    assert len(examples) == 3
    sources = {"types.mts": TYPES_CONSUMER, "require.cts": CJS_CONSUMER}
    sources.update({f"readme_{i}.mts": text for i, text in enumerate(examples)})
    _tsc(consumer, sources)


def test_tsc_rejects_a_wrongly_typed_call(consumer: Path) -> None:
    project = consumer.parent / "bad"
    project.mkdir(exist_ok=True)
    (project / "package.json").write_text(json.dumps({"name": "bad", "private": True, "type": "module"}))
    link = project / "node_modules"
    if not link.exists():
        link.symlink_to(consumer / "node_modules", target_is_directory=True)
    result = _tsc(project, {"bad.mts": BAD_CONSUMER}, check=False)
    assert result.returncode != 0
    assert re.search(r"bad\.mts\(4,\d+\): error TS2322: Type 'string' is not assignable to type 'number'", result.stdout)
    assert result.stdout.count("error TS") == 1, result.stdout


# Running it ------------------------------------------------------------------------

RUNTIME_CHECK = """\
const names = Object.keys(sdk).sort();
const api = new sdk.APIClient(null);
const methods = Object.getOwnPropertyNames(Object.getPrototypeOf(api)).filter((n) => n !== "constructor").sort();
const result = {
  names, methods,
  errorCode: sdk.ErrorCode, color: sdk.Color, priority: sdk.Priority,
  apiHash: sdk.API_HASH, sdkVersion: sdk.SDK_VERSION,
  frozen: Object.isFrozen(sdk.ErrorCode) && Object.isFrozen(sdk.Color),
  rpcError: (() => { const e = new sdk.RpcError(422, "bad", false); return [e instanceof Error, e.name, e.code, e.message, e.temporary]; })(),
};
let noWebSocket = "";
try { new sdk.CentrifugoRPCClient({ url: "ws://127.0.0.1:1" }); } catch (e) { noWebSocket = e.message; }
result.noWebSocket = typeof globalThis.WebSocket === "undefined" ? noWebSocket.includes("options.websocket") : true;
const rpc = new sdk.CentrifugoRPCClient({ url: process.argv[2], websocket: WebSocket, timeout: 300 });
const errorOf = async (promise) => promise.then(() => null, (e) => [e instanceof sdk.RpcError, e.code, e.temporary, e.message]);
// The SDK does not validate results: an enum value added by a newer service arrives as sent.
const newer = { items: [{ priority: 3, tags: [{ name: "t", color: "green" }] }], total: 1 };
result.unknownEnum = await new sdk.APIClient({ call: async () => newer }).itemsSearch({ query: "q" });
result.beforeConnect = await errorOf(new sdk.APIClient(rpc).itemsSearch({ query: "q" }));
result.connect = await errorOf(rpc.connect());
result.state = rpc.centrifuge.state;
console.log(JSON.stringify(result));
"""

ESM_SCRIPT = 'import * as sdk from "@kitchen/sink-sdk";\nimport WebSocket from "ws";\n' + RUNTIME_CHECK
CJS_SCRIPT = (
    'const sdk = require("@kitchen/sink-sdk");\nconst WebSocket = require("ws");\n'
    "(async () => {\n" + RUNTIME_CHECK + "})();\n"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("script", ["check.mjs", "check.cjs"])
def test_node_imports_and_runs_the_package(consumer: Path, sdk: SdkInfo, script: str) -> None:
    (consumer / script).write_text(ESM_SCRIPT if script.endswith(".mjs") else CJS_SCRIPT)
    url = f"ws://127.0.0.1:{_free_port()}/connection/websocket"
    # The process must end by itself: a failed connect() leaves no reconnect loop behind.
    out = json.loads(_run(["node", script, url], consumer, timeout=30).stdout)

    assert out["names"] == sorted(
        ["API_HASH", "APIClient", "CentrifugoRPCClient", "Color", "ErrorCode", "Priority", "RpcError", "SDK_VERSION",
         "SERVICE_VERSION", "Shape", "compareApi"]
    )
    assert out["methods"] == ["checkApiVersion", "delete_", "edgeEcho", "itemsGetStats", "itemsSearch", "systemPing"]
    assert out["errorCode"] == {e.name: e.code for e in ERROR_CODES}
    assert out["color"] == {"RED": "red", "DARK_BLUE": "dark-blue"}
    assert out["priority"] == {"LOW": 1, "HIGH": 2}
    assert (out["apiHash"], out["sdkVersion"]) == (sdk.api_hash, sdk.version)
    assert out["frozen"] and out["noWebSocket"]
    assert out["rpcError"] == [True, "RpcError", 422, "bad", False]
    assert out["unknownEnum"] == {"items": [{"priority": 3, "tags": [{"name": "t", "color": "green"}]}], "total": 1}
    assert out["beforeConnect"][:3] == [True, 2, True] and "connect()" in out["beforeConnect"][3]
    is_rpc_error, code, temporary, message = out["connect"]
    assert is_rpc_error and code in (1, 2) and temporary and url in message, out["connect"]
    assert out["state"] == "disconnected"


def test_a_bundler_takes_the_package_for_browsers(consumer: Path, sdk: SdkInfo) -> None:
    """esbuild bundles the SDK for the browser: the ESM build, no Node built-ins, no `ws`."""
    (consumer / "browser.mjs").write_text(
        f'import {{ APIClient, CentrifugoRPCClient, ErrorCode }} from "{sdk.options.package}";\n'
        "const rpc = new CentrifugoRPCClient({ url: 'wss://example.invalid/connection/websocket', token: 't' });\n"
        "globalThis.sdk = { api: new APIClient(rpc), code: ErrorCode.TIMEOUT };\n"
    )
    esbuild = consumer.parent / "node_modules" / "esbuild" / "bin" / "esbuild"
    result = _run(
        [str(esbuild), "browser.mjs", "--bundle", "--platform=browser", "--format=esm", "--outfile=bundle.js",
         "--metafile=meta.json", "--log-level=warning"],
        consumer,
    )
    assert result.stderr == ""
    inputs = json.loads((consumer / "meta.json").read_text())["inputs"]
    sdk_inputs = sorted(p for p in inputs if f"node_modules/{sdk.options.package}/" in p)
    assert [p.rsplit("/", 1)[1] for p in sdk_inputs] == ["errors.js", "index.js", "types.js"]  # ESM, not .cjs
    assert any("node_modules/centrifuge/" in p for p in inputs)
    assert not any("node_modules/ws/" in p for p in inputs)


@pytest.mark.parametrize("entry", ["errors", "types"])
def test_errors_and_types_bundle_without_the_client(consumer: Path, sdk: SdkInfo, entry: str) -> None:
    """A page that only reads ErrorCode or an enum does not pull in centrifuge."""
    name = {"errors": "ErrorCode", "types": "Color"}[entry]
    (consumer / f"only-{entry}.mjs").write_text(
        f'import {{ {name} }} from "{sdk.options.package}/{entry}";\nglobalThis.value = {name};\n'
    )
    esbuild = consumer.parent / "node_modules" / "esbuild" / "bin" / "esbuild"
    _run([str(esbuild), f"only-{entry}.mjs", "--bundle", "--platform=browser", "--format=esm",
          f"--outfile=only-{entry}.js", f"--metafile=only-{entry}.json", "--log-level=warning"], consumer)
    inputs = json.loads((consumer / f"only-{entry}.json").read_text())["inputs"]
    assert sorted(p.rsplit("/", 1)[1] for p in inputs if "node_modules/" in p) == [f"{entry}.js"]


SPLIT_CONSUMER = """import { APIClient, ErrorCode, RpcError, Color } from "@kitchen/sink-sdk";
import { ErrorCode as OnlyCodes, RpcError as OnlyError } from "@kitchen/sink-sdk/errors";
import { Color as OnlyColor, type Item } from "@kitchen/sink-sdk/types";

const item: Item | undefined = undefined;
const error: RpcError = new OnlyError(OnlyCodes.BAD_REQUEST, "x");
console.log(JSON.stringify({
  sameError: OnlyError === RpcError && error instanceof RpcError,
  sameCodes: OnlyCodes === ErrorCode,
  sameEnum: OnlyColor === Color,
  client: typeof APIClient,
  item: item ?? null,
}));
"""


def test_the_subpath_modules_are_the_ones_the_client_uses(consumer: Path) -> None:
    # tsc checks the subpath imports (ESM), then node runs them; CommonJS require()s them too.
    _tsc(consumer, {"split.mts": SPLIT_CONSUMER})
    plain = SPLIT_CONSUMER.replace(", type Item", "").replace(": Item | undefined", "").replace(": RpcError", "")
    (consumer / "split.mjs").write_text(plain)
    esm = json.loads(_run(["node", "split.mjs"], consumer).stdout)
    assert esm == {"sameError": True, "sameCodes": True, "sameEnum": True, "client": "function", "item": None}
    cjs = _run(["node", "-e", (
        'const main = require("@kitchen/sink-sdk"); const errors = require("@kitchen/sink-sdk/errors");'
        'const types = require("@kitchen/sink-sdk/types");'
        "console.log(main.RpcError === errors.RpcError, main.Color === types.Color, main.API_HASH === types.API_HASH)"
    )], consumer)
    assert cjs.stdout.strip() == "true true true"
