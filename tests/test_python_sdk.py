"""The Python SDK: rendered, built into a wheel, installed into a fresh venv, checked by mypy
--strict and exercised at runtime.

Two APIs feed it: the shared kitchen sink, and an adversarial one defined here (aliases,
names that shadow builtins and keywords, defaults of every kind, text that breaks naive
quoting). Live calls through Centrifugo are tested elsewhere.
"""

from __future__ import annotations

import ast
import datetime as dt
import hashlib
import inspect
import json
import os
import socket
import subprocess
import sys
import textwrap
import uuid
import zipfile
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Dict, FrozenSet, List, Literal, Optional, Set, Tuple, Union

import pytest
from pydantic import BaseModel, ConfigDict, Field

from hatch_centrifugo_sdk import Registry
from hatch_centrifugo_sdk.runtime.errors import ERROR_CODES
from hatch_centrifugo_sdk.ir import Api
from hatch_centrifugo_sdk.ir.parser import parse_api
from hatch_centrifugo_sdk.build.targets.python.package import build_wheel
from hatch_centrifugo_sdk.build.render import SdkInfo
from hatch_centrifugo_sdk.build.targets.python.options import PythonOptions
from hatch_centrifugo_sdk.build.targets.python.render import render
from tests.fixtures import kitchen_sink

# ---------------------------------------------------------------------------
# The adversarial API

NASTY = 'Ends with a quote " and """triple""", a backslash \\ and \\n, tab\there,\nnew line, ünïcødé ✓, \x00 nul'

tricky = Registry()


class Mode(str, Enum):
    FAST = "fast"
    SLOW_MODE = "slow mode"


class Vec(BaseModel):
    x: int = 0
    y: int = 0


class Cat(BaseModel):
    kind: Literal["cat"] = "cat"
    lives: int = 9


class Dog(BaseModel):
    kind: Literal["dog"] = "dog"
    good: bool = True


class Defaults(BaseModel):
    """Has \""" triple quotes, a backslash \\ and ünïcode.

    Second paragraph.
    """

    model_config = ConfigDict(populate_by_name=True)

    from_: int = Field(0, alias="from", description=NASTY)
    str_: str = Field("s", alias="str")
    dark_mode: bool = Field(False, alias="dark-mode")
    model_type: str = Field("m", alias="model_type")
    date: Optional[dt.date] = dt.date(2024, 2, 29)
    when: dt.datetime = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
    span: dt.timedelta = dt.timedelta(minutes=90)
    at: dt.time = dt.time(12, 30)
    price: Decimal = Decimal("1.10")
    ident: uuid.UUID = uuid.UUID("12345678-1234-5678-1234-567812345678")
    raw: bytes = b"abc"
    origin: Vec = Vec(x=1, y=2)
    path: List[Vec] = [Vec(x=3)]
    numbers: List[int] = [1, 2, 3]
    labels: Set[str] = {"b", "a"}
    frozen: FrozenSet[Vec] = frozenset()
    pair: Tuple[int, str] = (1, "one")
    weights: Dict[str, float] = {"a": 0.5}
    modes: List[Mode] = [Mode.SLOW_MODE]
    extra: Any = {"k": [1, None]}
    pet: Annotated[Union[Cat, Dog], Field(discriminator="kind")] = Cat()
    either: Union[int, str, None] = "x"
    nothing: Optional[List[Vec]] = None


class Required(BaseModel):
    model_config = ConfigDict(title="Field")  # collides with pydantic's Field in the SDK

    maybe: Optional[int]
    mode: Mode
    stamp: dt.datetime


class Bird(BaseModel):
    kind: Literal["bird"] = "bird"
    wings: int = 2


class Fish(BaseModel):
    kind: Literal["fish"] = "fish"


class Level(int, Enum):
    LOW = 1
    HIGH = 2


class Node(BaseModel):
    """Recursive: Pydantic resolves the forward references in the SDK too."""

    name: str
    children: List["Node"]
    level: Optional[Level]


class Perms(BaseModel):
    """Open to members it does not declare (githubkit's app permissions)."""

    model_config = ConfigDict(extra="allow")

    issues: str


class Profile(BaseModel):
    """A result: fields with defaults are always present in it."""

    maybe: Optional[int]
    modes: List[Mode]
    tree: Node
    count: Annotated[int, Field(ge=0, le=100)]
    pet: Annotated[Union[Bird, Fish], Field(discriminator="kind")]
    either: Union[int, str]
    mode: Mode
    anything: Any
    stamp: dt.datetime
    perms: Perms
    level: int = 1


@tricky.rpc("defaults.set")
async def set_defaults(conn: object, params: Defaults) -> Profile:
    'Store defaults.\n\nA docstring with """, \\ and ünïcode.'
    raise NotImplementedError


@tricky.rpc("list")
async def list_(conn: object, params: Required) -> Profile:
    raise NotImplementedError


@tricky.rpc("users.getProfile")
async def get_profile(conn: object, params: Vec) -> Profile:
    raise NotImplementedError


# ---------------------------------------------------------------------------
# Fixtures: render and build once, install once


def _sdk(service: str, api: Api) -> SdkInfo:
    return SdkInfo(service, "0.3.0", api.hash, "0.3.0", PythonOptions(f"{service}-sdk", f"{service.replace('-', '_')}_sdk"))


KITCHEN_API = parse_api(kitchen_sink.registry)
TRICKY_API = parse_api(tricky)
SDKS = {"kitchen": (KITCHEN_API, _sdk("kitchen-sink", KITCHEN_API)), "tricky": (TRICKY_API, _sdk("tricky", TRICKY_API))}


@pytest.fixture(scope="module")
def trees() -> dict[str, dict[str, str]]:
    return {key: render(api, sdk) for key, (api, sdk) in SDKS.items()}


@pytest.fixture(scope="module")
def wheels(trees: dict[str, dict[str, str]], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("wheels")
    return {key: build_wheel(files, out) for key, files in trees.items()}


@pytest.fixture(scope="module")
def venv_python(wheels: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with both SDK wheels installed (their dependencies come from the index)."""
    venv = tmp_path_factory.mktemp("sdk-venv")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", *map(str, wheels.values())],
        capture_output=True,
        text=True,
    )
    assert install.returncode == 0, install.stderr
    return python


@pytest.fixture(scope="module")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("mypy-cache")


def run_mypy(python: Path, cache: Path, cwd: Path, *targets: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--python-executable", str(python), "--cache-dir", str(cache),
         "--no-error-summary", *targets],
        cwd=cwd,
        capture_output=True,
        text=True,
    )


# ---------------------------------------------------------------------------
# Rendering and packaging


def test_render_is_deterministic(trees: dict[str, dict[str, str]]) -> None:
    for key, (api, sdk) in SDKS.items():
        again = render(parse_api(reversed(list(kitchen_sink.registry if key == "kitchen" else tricky))), sdk)
        assert again == trees[key]
        assert list(again) == sorted(again)


def test_wheel_holds_the_package_and_nothing_else(wheels: dict[str, Path]) -> None:
    with zipfile.ZipFile(wheels["kitchen"]) as wheel:
        names = sorted(wheel.namelist())
        metadata = wheel.read("kitchen_sink_sdk-0.3.0.dist-info/METADATA").decode()
        sources = {n: wheel.read(n).decode() for n in names if n.endswith(".py")}
    assert wheels["kitchen"].name == "kitchen_sink_sdk-0.3.0-py3-none-any.whl"
    assert names == sorted(
        [f"kitchen_sink_sdk/{m}" for m in ("__init__.py", "_version.py", "api.py", "client.py", "errors.py", "models.py", "py.typed", "subscriptions.py")]
        + [f"kitchen_sink_sdk-0.3.0.dist-info/{m}" for m in ("METADATA", "RECORD", "WHEEL")]
    )
    requires = sorted(line for line in metadata.splitlines() if line.startswith("Requires-"))
    assert requires == [
        "Requires-Dist: centrifuge-python<0.8,>=0.7",
        "Requires-Dist: pydantic<3,>=2.6",
        "Requires-Python: >=3.10",
    ]
    assert "Classifier: Typing :: Typed" in metadata
    # The SDK imports the standard library, pydantic and centrifuge, never the service.
    allowed = {"__future__", "asyncio", "random", "dataclasses", "json", "re", "typing", "types", "datetime", "enum", "uuid", "os", "decimal", "pydantic", "centrifuge"}
    for name, text in sources.items():
        tree = ast.parse(text, name)
        absolute = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        absolute |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level == 0 and n.module}
        assert absolute <= allowed, (name, absolute - allowed)
        assert "hatch_centrifugo_sdk" not in text and "fixtures" not in text


def test_two_builds_are_byte_identical(trees: dict[str, dict[str, str]], tmp_path: Path) -> None:
    first = build_wheel(trees["tricky"], tmp_path / "one")
    second = build_wheel(trees["tricky"], tmp_path / "two")
    assert first.name == second.name
    assert hashlib.sha256(first.read_bytes()).digest() == hashlib.sha256(second.read_bytes()).digest()


def test_build_leaves_other_wheels_alone(trees: dict[str, dict[str, str]], tmp_path: Path) -> None:
    bystander = tmp_path / "service-1.0-py3-none-any.whl"
    bystander.write_bytes(b"not ours")
    build_wheel(trees["kitchen"], tmp_path)
    assert bystander.read_bytes() == b"not ours"


@pytest.mark.parametrize("path", ["../escape.py", "/abs.py", "pkg/../../x.py"])
def test_build_refuses_paths_outside_the_project(path: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="outside the project"):
        build_wheel({path: ""}, tmp_path)


def test_docstrings_survive_any_text(trees: dict[str, dict[str, str]]) -> None:
    models = ast.parse(trees["tricky"]["tricky_sdk/models.py"])
    api = ast.parse(trees["tricky"]["tricky_sdk/api.py"])
    classes = {n.name: n for n in ast.walk(models) if isinstance(n, ast.ClassDef)}
    assert ast.get_docstring(classes["Defaults"]) == inspect.cleandoc(Defaults.__doc__ or "")
    methods = {n.name: n for n in ast.walk(api) if isinstance(n, ast.AsyncFunctionDef)}
    assert ast.get_docstring(methods["defaults_set"]) == inspect.cleandoc(set_defaults.__doc__ or "")
    # Names: keyword/builtin-shadowing methods and fields are renamed, models never clash.
    assert {"list_", "users_get_profile", "defaults_set"} <= set(methods)
    assert "FieldModel" in classes


# ---------------------------------------------------------------------------
# Type checking with mypy --strict

GOOD_CONSUMER = """
    from __future__ import annotations

    import datetime
    import uuid
    from typing import Literal

    from kitchen_sink_sdk import (
        API_HASH, APIClient, CentrifugoRPCClient, Color, InvalidParamsError, Item, ItemPage, ItemQuery,
        ItemRef, Priority, RpcError, Tag,
    )
    from tricky_sdk import Bird, Cat, Defaults, Dog, FieldModel, Fish, Mode, Profile, Vec
    from tricky_sdk import APIClient as TrickyAPI, CentrifugoRPCClient as TrickyRPC


    async def fresh_token() -> str:
        return "token"


    async def main() -> None:
        rpc = CentrifugoRPCClient(url="ws://localhost:8000/connection/websocket", token="t", user_id="u")
        async with CentrifugoRPCClient("ws://localhost:8000/connection/websocket", get_token=fresh_token, timeout=2.5) as other:
            same: CentrifugoRPCClient = other
        await rpc.connect()
        api = APIClient(rpc)
        try:
            page: ItemPage = await api.items_search(ItemQuery(query="q", limit=None, colors=[Color.DARK_BLUE]), timeout=1.0)
        except InvalidParamsError as e:
            code: int = e.code
            return
        except RpcError as e:
            message: str = e.message
            temporary: bool = e.temporary
            return
        first: Item = page.items[0]
        created: datetime.datetime = first.created_at
        owner: uuid.UUID = first.owner
        due: datetime.date | None = first.due
        color: Color = first.tags[0].color
        priority: Priority = first.priority
        kind: Literal["task", "bug"] = first.kind
        attributes: dict[str, int] | None = first.attributes
        parent: Tag | None = first.parent
        item: Item = await api.items_get_stats(ItemRef(item_id=1))
        tag = Tag(name="n", color=Color.RED)  # a result model: every field is always present
        raw: object = await rpc.call("items.search", {"query": "q"}, timeout=None)
        await rpc.close()

        tricky = TrickyAPI(TrickyRPC("ws://localhost:8000/connection/websocket"))  # each SDK has its own client
        d = Defaults(from_=1, str_="s", dark_mode=True, model_type_="m", pet=Dog(), origin=Vec(x=1))
        number: int = d.from_
        when: datetime.datetime = d.when
        origin: Vec = d.origin
        labels: set[str] = d.labels
        pair: tuple[int, str] = d.pair
        pet: Cat | Dog = d.pet
        either: int | str | None = d.either
        profile: Profile = await tricky.defaults_set(d)
        profile = await tricky.list_(FieldModel(maybe=None, mode=Mode.FAST, stamp=when), timeout=0.5)
        profile = await tricky.users_get_profile(Vec())
        maybe: int | None = profile.maybe
        animal: Bird | Fish = profile.pet
        level: int = profile.level
        mode: Mode = profile.mode
        version: str = API_HASH
"""

BAD_CONSUMER = """
    from kitchen_sink_sdk import APIClient, CentrifugoRPCClient, ItemPage, ItemRef
    from tricky_sdk import FieldModel, Mode


    async def main(rpc: CentrifugoRPCClient) -> None:
        page: ItemPage = await APIClient(rpc).items_search(ItemRef(item_id=1))
        total: str = page.total
        FieldModel(mode=Mode.FAST, stamp=None)
"""


def test_generated_package_passes_mypy_strict(
    trees: dict[str, dict[str, str]], venv_python: Path, mypy_cache: Path, tmp_path: Path
) -> None:
    # The rendered sources themselves (mypy stays quiet about installed packages' own errors).
    for files in trees.values():
        for relative, text in files.items():
            (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / relative).write_text(text, encoding="utf-8")
    result = run_mypy(venv_python, mypy_cache, tmp_path, "kitchen_sink_sdk", "tricky_sdk")
    assert result.returncode == 0, result.stdout + result.stderr


def test_consumer_code_type_checks_against_installed_sdk(venv_python: Path, mypy_cache: Path, tmp_path: Path) -> None:
    (tmp_path / "consumer.py").write_text(textwrap.dedent(GOOD_CONSUMER))
    result = run_mypy(venv_python, mypy_cache, tmp_path, "consumer.py")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_rejects_misuse(venv_python: Path, mypy_cache: Path, tmp_path: Path) -> None:
    (tmp_path / "consumer.py").write_text(textwrap.dedent(BAD_CONSUMER))
    result = run_mypy(venv_python, mypy_cache, tmp_path, "consumer.py")
    errors = sorted(line.split("  [")[-1].rstrip("]") for line in result.stdout.splitlines() if ": error:" in line)
    assert result.returncode == 1, result.stdout + result.stderr
    # wrong params model; int into str; required-but-nullable ``maybe`` missing and None for a datetime
    assert errors == ["arg-type", "arg-type", "assignment", "call-arg"], result.stdout
    assert 'Missing named argument "maybe"' in result.stdout


# ---------------------------------------------------------------------------
# Runtime, in the fresh venv

RUNTIME_SCRIPT = """
    import asyncio, json, pickle, sys, uuid, warnings
    warnings.simplefilter("error")

    import kitchen_sink_sdk as ks
    import tricky_sdk as tr

    given = json.load(sys.stdin)
    out = {}

    def dump(model):
        return model.model_dump(mode="json", by_alias=True, exclude_unset=True)

    out["versions"] = [ks.API_HASH, ks.SDK_VERSION, ks.__version__]
    out["query_unset"] = dump(ks.ItemQuery(query="x"))
    out["query_null"] = dump(ks.ItemQuery(query="x", limit=None))
    out["aliases"] = dump(tr.Defaults(from_=5, dark_mode=True, str_="q", model_type_="z"))
    by_wire = tr.Defaults.model_validate({"from": 7, "model_type": "w", "dark-mode": True})
    out["by_wire"] = [by_wire.from_, by_wire.model_type_, by_wire.dark_mode]
    out["defaults"] = tr.Defaults().model_dump(mode="json", by_alias=True)
    out["defaults"]["labels"].sort()
    out["description"] = tr.Defaults.model_fields["from_"].description

    item = ks.Item.model_validate(given["item"])
    out["item"] = item.model_dump(mode="json", by_alias=True)
    out["item_types"] = [
        type(item.created_at).__name__, type(item.owner).__name__, type(item.due).__name__,
        item.tags[0].color is ks.Color.DARK_BLUE, item.priority is ks.Priority.HIGH,
        type(item.parent).__name__,
    ]
    profile = tr.Profile.model_validate(given["profile"])
    out["profile"] = profile.model_dump(mode="json", by_alias=True)
    out["profile_types"] = [type(profile.pet).__name__, profile.maybe, profile.mode is tr.Mode.SLOW_MODE]

    # A newer service sends enum values this SDK does not know: results keep them, params refuse them.
    newer = dict(given["profile"], mode="warp", modes=["fast", "warp"])
    newer["tree"] = dict(newer["tree"], level=3)
    unknown = tr.Profile.model_validate(newer)
    again = tr.Profile.model_validate_json(json.dumps(newer))
    out["unknown"] = [
        unknown.model_dump(mode="json", by_alias=True) == newer, again == unknown,
        isinstance(unknown.mode, tr.Mode), unknown.mode.name, unknown.mode.value, unknown.mode == "warp",
        unknown.modes[0] is tr.Mode.FAST, unknown.modes[1] is unknown.mode, type(unknown.tree.level).__name__,
        unknown.tree.level == 3, "warp" in tr.Mode._value2member_map_,
    ]
    refused = []
    for attempt in (lambda: tr.FieldModel(maybe=None, mode="warp", stamp="2024-01-01T00:00:00Z"),
                    lambda: tr.Profile.model_validate(dict(newer, mode=5))):
        try:
            attempt()
        except Exception as e:
            refused.append(type(e).__name__)
    out["refused"] = refused

    not_found = ks.errors.error_for_code(404, "Task 999 not found")
    custom = pickle.loads(pickle.dumps(ks.errors.error_for_code(1234, "custom", True)))
    out["errors"] = [
        [type(not_found).__name__, str(not_found), not_found.code, not_found.temporary],
        [type(custom).__name__, str(custom), custom.code, custom.temporary],
    ]

    async def client():
        rpc = ks.CentrifugoRPCClient(f"ws://127.0.0.1:{given['port']}/connection/websocket", timeout=0.3)
        seen = []
        for attempt in (lambda: rpc.call("items.search", {}), rpc.connect, lambda: rpc.call("items.search", {})):
            try:
                await attempt()
            except ks.RpcError as e:
                seen.append([type(e).__name__, e.code, e.temporary])
        await rpc.close()
        return seen

    out["client"] = asyncio.run(client())
    print(json.dumps(out))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def runtime(venv_python: Path) -> dict[str, Any]:
    item = kitchen_sink.Item(
        id=1, title="t", score=0.5, created_at=dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.timezone.utc),
        owner=uuid.UUID(int=7), due=dt.date(2024, 6, 1), tags=[kitchen_sink.Tag(name="a", color=kitchen_sink.Color.DARK_BLUE)],
        attributes={"k": 1}, priority=kitchen_sink.Priority.HIGH, kind="bug",
        parent=kitchen_sink.Tag(name="p"), user_id="u",
    )
    profile = Profile(
        maybe=None, modes=[Mode.FAST], tree=Node(name="root", children=[Node(name="leaf", children=[], level=Level.HIGH)], level=None),
        count=5, pet=Fish(), either="e", mode=Mode.SLOW_MODE, anything={"a": [1]}, stamp=dt.datetime(2024, 1, 1),
        perms=Perms(issues="read", pages="write", nested={"a": [1, None]}),  # type: ignore[call-arg]
    )
    given = {
        "item": item.model_dump(mode="json", by_alias=True),
        "profile": profile.model_dump(mode="json", by_alias=True),
        "port": free_port(),
    }
    result = subprocess.run(
        [str(venv_python), "-c", textwrap.dedent(RUNTIME_SCRIPT)],
        input=json.dumps(given),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return {"given": given, **json.loads(result.stdout)}


def test_versions_are_embedded(runtime: dict[str, Any]) -> None:
    assert runtime["versions"] == [KITCHEN_API.hash, "0.3.0", "0.3.0"]


def test_params_send_only_what_was_set_under_wire_names(runtime: dict[str, Any]) -> None:
    assert runtime["query_unset"] == {"query": "x"}
    assert runtime["query_null"] == {"query": "x", "limit": None}
    assert runtime["aliases"] == {"from": 5, "str": "q", "dark-mode": True, "model_type": "z"}
    assert runtime["by_wire"] == [7, "w", True]


def test_defaults_match_the_service(runtime: dict[str, Any]) -> None:
    expected = Defaults().model_dump(mode="json", by_alias=True)
    expected["labels"].sort()
    assert runtime["defaults"] == expected
    assert runtime["description"] == NASTY


def test_results_validate_into_typed_models(runtime: dict[str, Any]) -> None:
    assert runtime["item"] == runtime["given"]["item"]
    assert runtime["item_types"] == ["datetime", "UUID", "date", True, True, "Tag"]
    assert runtime["profile"] == runtime["given"]["profile"]
    assert runtime["profile_types"] == ["Fish", None, True]


def test_result_enums_take_unknown_values_params_do_not(runtime: dict[str, Any]) -> None:
    assert runtime["unknown"] == [True, True, True, "UNKNOWN", "warp", True, True, True, "Level", True, False]
    assert runtime["refused"] == ["ValidationError", "ValidationError"]


def test_constraints_are_documented(trees: dict[str, dict[str, str]]) -> None:
    models = trees["tricky"]["tricky_sdk/models.py"]
    assert "    # Constraints: >= 0; <= 100.\n    count: int\n" in models
    assert "mode: _ModeOrUnknown" in models and "mode: Mode\n" in models  # results lenient, params strict


def test_errors_carry_code_message_and_class(runtime: dict[str, Any]) -> None:
    assert runtime["errors"] == [
        ["MethodNotFoundError", "Task 999 not found", 404, False],
        ["RpcError", "custom", 1234, True],
    ]
    assert len({e.code for e in ERROR_CODES}) == len(ERROR_CODES)


def test_client_maps_library_failures_to_sdk_errors(runtime: dict[str, Any]) -> None:
    # Real centrifuge-python against a closed port: not connected, then no connection in time.
    assert runtime["client"] == [
        ["ConnectionClosedError", 2, True],
        ["RpcTimeoutError", 1, True],
        ["ConnectionClosedError", 2, True],
    ]
