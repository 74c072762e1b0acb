"""The catalogue of bad handler and model definitions: each fails with one message naming file:line, rule and fix.

Each case is a small handler module written to a temp folder and loaded the way the build
loads it (``load_api``), with a registry of its own. ``# <-`` marks the line the error must name.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

from hatch_centrifugo_sdk.runtime import registry as registry_module
from hatch_centrifugo_sdk.build.pipeline import Project, load_api
from hatch_centrifugo_sdk.build.config import Config
from hatch_centrifugo_sdk.ir.parser import SchemaError
from hatch_centrifugo_sdk.runtime.registry import HandlerDefinitionError, Registry

from builds import build_env, copy_sample, hatchling_build, run_build

MARK = "# <-"

MODELS = '''
from pydantic import BaseModel
from hatch_centrifugo_sdk import websocket_rpc


class Params(BaseModel):
    user_id: str


class Result(BaseModel):
    total: int
'''

PYPROJECT = '''
[project]
name = "svc"
version = "1.0.0"

[tool.hatch.build.hooks.centrifugo-sdk]
modules = ["{module}"]
'''


@dataclass(frozen=True)
class Case:
    source: str  # handlers.py; MODELS is prepended unless the case stands alone
    rule: str
    fix: str
    marked: str = "handlers.py"  # the file holding the MARK
    extra: tuple[tuple[str, str], ...] = ()  # more files: (relative path, text)
    module: str = "handlers"
    standalone: bool = False


CASES = {
    "sync handler": Case(
        '''
@websocket_rpc("tasks.get_stats")  # <-
def get_stats(conn, params: Params) -> Result:
    return Result(total=0)
''',
        "handlers must be async",
        "declare it as 'async def get_stats(conn, params: ...) -> ...'",
    ),
    "params without a type hint": Case(
        '''
@websocket_rpc("tasks.get_stats")  # <-
async def get_stats(conn, params) -> Result:
    return Result(total=0)
''',
        "parameter 'params' has no type hint; type hints drive code generation",
        "annotate it with a Pydantic model: 'params: MyParams'",
    ),
    "return without a type hint": Case(
        '''
@websocket_rpc("tasks.get_stats")  # <-
async def get_stats(conn, params: Params):
    return Result(total=0)
''',
        "the return type hint is missing",
        "annotate the result with a Pydantic model: '-> MyResult'",
    ),
    "params not a model": Case(
        '''
@websocket_rpc("tasks.get_stats")  # <-
async def get_stats(conn, params: dict) -> Result:
    return Result(total=0)
''',
        "parameter 'params' is annotated dict, not a Pydantic model",
        "wrap the parameters in a 'class ...Params(BaseModel)'",
    ),
    "return not a model": Case(
        '''
@websocket_rpc("tasks.get_stats")  # <-
async def get_stats(conn, params: Params) -> int:
    return 0
''',
        "the return type is int, not a Pydantic model",
        "return a 'class ...Result(BaseModel)'",
    ),
    "conn missing": Case(
        '''
@websocket_rpc("tasks.get_stats")  # <-
async def get_stats(params: Params) -> Result:
    return Result(total=0)
''',
        "it takes (params) but a handler takes two parameters, the connection first",
        "write it as 'async def get_stats(conn, params: ParamsModel) -> ResultModel'",
    ),
    "extra parameters": Case(
        '''
@websocket_rpc("tasks.get_stats")  # <-
async def get_stats(conn, params: Params, verbose: bool = False) -> Result:
    return Result(total=0)
''',
        "it takes (conn, params, verbose) but a handler takes exactly two parameters",
        "move the extra parameters into the params model",
    ),
    "duplicate method name": Case(
        '''
@websocket_rpc("tasks.get_stats")
async def get_stats(conn, params: Params) -> Result:
    return Result(total=0)


@websocket_rpc("tasks.get_stats")  # <-
async def get_stats_again(conn, params: Params) -> Result:
    return Result(total=1)
''',
        "method name 'tasks.get_stats' is already registered by 'get_stats' at ",
        "give one of the two handlers another method name",
    ),
    "colliding SDK names": Case(
        '''
@websocket_rpc("tasks.get_stats")
async def get_stats(conn, params: Params) -> Result:
    return Result(total=0)


@websocket_rpc("tasks_get.stats")  # <-
async def get_other_stats(conn, params: Params) -> Result:
    return Result(total=1)
''',
        "the python SDK would name it 'tasks_get_stats', like 'tasks.get_stats'",
        "rename one of the two methods",
    ),
    "method name with a colon": Case(
        '''
@websocket_rpc("tasks:list")  # <-
async def list_tasks(conn, params: Params) -> Result:
    return Result(total=0)
''',
        "method name 'tasks:list' is not valid",
        "use dot-separated identifiers such as 'tasks.get_stats'",
    ),
    "method name starting with a digit": Case(
        '''
@websocket_rpc("1tasks")  # <-
async def list_tasks(conn, params: Params) -> Result:
    return Result(total=0)
''',
        "method name '1tasks' is not valid",
        "each part starts with a letter",
    ),
    "empty method name": Case(
        '''
@websocket_rpc("")  # <-
async def list_tasks(conn, params: Params) -> Result:
    return Result(total=0)
''',
        "method name '' is not valid",
        "use dot-separated identifiers",
    ),
    "syntax error": Case(
        '''
@websocket_rpc("tasks.get_stats")
async def get_stats(conn, params: Params) -> Result  # <-
    return Result(total=0)
''',
        "SyntaxError: expected ':'",
        "correct the syntax",
    ),
    "missing package": Case(
        '''
import requests_that_is_not_installed  # <-
''',
        "ModuleNotFoundError: No module named 'requests_that_is_not_installed'",
        "add the package providing 'requests_that_is_not_installed' to [project] dependencies",
    ),
    "error while importing": Case(
        '''
LIMIT = int("ten")  # <-
''',
        "ValueError: invalid literal for int() with base 10: 'ten'",
        "make the module importable",
    ),
    "exit at import": Case(
        '''
import sys

sys.exit(0)  # <-
''',
        "it raised SystemExit(0) (sys.exit() or exit() at import)",
        "do not exit at import: put start-up code under 'if __name__ == \"__main__\":'",
    ),
    "module not found": Case(
        "",
        "it cannot be found (looked in ",
        "check the module name in the hook's modules list",
        marked="pyproject.toml",
        module="svc.handlerz",
        standalone=True,
    ),
    "handler hint names an undefined model": Case(
        '''
@websocket_rpc("tasks.get_stats")  # <-
async def get_stats(conn, params: "StatsParams") -> Result:
    return Result(total=0)
''',
        "its type hints cannot be resolved (name 'StatsParams' is not defined)",
        "define or import the models before the handler",
    ),
    "unresolvable forward reference in a model": Case(
        '''
class Page(BaseModel):
    owner: "Owner"  # <-


@websocket_rpc("tasks.page")
async def page(conn, params: Params) -> Page:
    raise NotImplementedError
''',
        "its type refers to 'Owner', which is not defined in handlers",
        "define or import 'Owner' there; if it is defined after Page, call Page.model_rebuild() once it is",
    ),
    "generic result left open": Case(
        '''
from typing import Generic, TypeVar

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]


@websocket_rpc("tasks.page")  # <-
async def page(conn, params: Params) -> Page:
    raise NotImplementedError
''',
        "the return type is the generic model 'Page' with its type parameters (T) left open",
        "parametrise it: 'Page[SomeModel]'",
    ),
    "generic field left open": Case(
        '''
from typing import Generic, TypeVar

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]


class Listing(BaseModel):
    page: Page  # <-


@websocket_rpc("tasks.listing")
async def listing(conn, params: Params) -> Listing:
    raise NotImplementedError
''',
        "field 'page' is the generic model 'Page' with its type parameters (T) left open",
        "parametrise it: 'Page[SomeModel]'",
    ),
    "field Pydantic cannot make a schema of": Case(
        '''
from pydantic import ConfigDict


class Connection:
    pass


class Stats(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    total: int
    db: Connection  # <-


@websocket_rpc("tasks.get_stats")
async def get_stats(conn, params: Params) -> Stats:
    raise NotImplementedError
''',
        "Pydantic cannot make a JSON schema of its type Connection: Cannot generate a JsonSchema for "
        "core_schema.IsInstanceSchema",
        "use a JSON-compatible type",
    ),
    "nested model Pydantic cannot make a schema of": Case(
        '''
from typing import Callable


class Hook(BaseModel):
    run: Callable[[], None]  # <-


class Stats(BaseModel):
    hooks: list[Hook]


@websocket_rpc("tasks.get_stats")
async def get_stats(conn, params: Params) -> Stats:
    raise NotImplementedError
''',
        "Pydantic cannot make a JSON schema of its type Callable[[], NoneType]",
        "use a JSON-compatible type",
    ),
    "field type no SDK can map": Case(
        '''
from pydantic import RootModel


class Tags(RootModel[list[str]]):  # <-
    pass


class Stats(BaseModel):
    tags: Tags


@websocket_rpc("tasks.get_stats")
async def get_stats(conn, params: Params) -> Stats:
    raise NotImplementedError
''',
        "its JSON schema is of type 'array', not an object with named fields",
        "use a BaseModel with named fields",
    ),
}


@pytest.fixture
def isolated_imports(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Registry]:
    """A fresh registry for ``@websocket_rpc``, and no trace of the case's modules afterwards."""
    registry = Registry()
    monkeypatch.setattr(registry_module, "default_registry", registry)
    monkeypatch.setattr(sys, "path", list(sys.path))
    yield registry
    for name, module in list(sys.modules.items()):
        if str(getattr(module, "__file__", "") or "").startswith(str(tmp_path)):
            del sys.modules[name]


def write_case(root: Path, case: Case) -> Path:
    """Write the case's files; return the path of the file that holds the mark."""
    source = case.source if case.standalone else MODELS + case.source
    files = {"pyproject.toml": PYPROJECT.format(module=case.module), "handlers.py": source, **dict(case.extra)}
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root / case.marked


def marked_line(path: Path) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    if path.name == "pyproject.toml":  # TOML comments would be a distraction: mark the modules line
        return next(i for i, text in enumerate(lines, start=1) if text.startswith("modules"))
    return next(i for i, text in enumerate(lines, start=1) if MARK in text)


@pytest.mark.parametrize("name", CASES)
def test_bad_definition_fails_with_location_rule_and_fix(name: str, tmp_path: Path, isolated_imports: Registry) -> None:
    case = CASES[name]
    marked = write_case(tmp_path, case)
    with pytest.raises(HandlerDefinitionError) as info:
        load_api(Project(tmp_path, "svc", "1.0.0"), Config(modules=(case.module,)), registry=isolated_imports)
    error = info.value
    assert error.location == f"{marked}:{marked_line(marked)}"
    assert case.rule in error.rule
    assert case.fix in error.fix
    message = str(error)
    assert "\n" not in message
    assert message.startswith(f"{error.location}: ") and message.endswith(f"; fix: {error.fix}")


def test_schema_errors_name_model_and_field(tmp_path: Path, isolated_imports: Registry) -> None:
    write_case(tmp_path, CASES["field Pydantic cannot make a schema of"])
    with pytest.raises(SchemaError) as info:
        load_api(Project(tmp_path, "svc", "1.0.0"), Config(modules=("handlers",)), registry=isolated_imports)
    assert info.value.subject == "model 'Stats', field 'db' (used by 'tasks.get_stats')"


def test_the_catalogue_is_complete() -> None:
    assert len(CASES) >= 15


def test_hatch_build_stops_with_the_message_and_writes_nothing(
    tmp_path: Path, isolated_env: dict[str, str]
) -> None:
    project = tmp_path / "svc"
    (project / "svc").mkdir(parents=True)
    (project / "svc" / "__init__.py").write_text("")
    handlers = project / "svc" / "handlers.py"
    handlers.write_text(
        MODELS.lstrip("\n") + '\n\n@websocket_rpc("tasks.get_stats")\nasync def get_stats(conn) -> Result:\n    ...\n'
    )
    (project / "pyproject.toml").write_text(
        textwrap.dedent(
            """
            [build-system]
            requires = ["hatchling>=1.27", "hatch-centrifugo-sdk[build]"]
            build-backend = "hatchling.build"

            [project]
            name = "svc"
            version = "1.0.0"
            dependencies = ["hatch-centrifugo-sdk", "pydantic>=2.6,<3"]

            [tool.hatch.build.hooks.centrifugo-sdk]
            modules = ["svc.handlers"]
            languages = ["python"]
            """
        )
    )
    result = run_build(project, "hatch build", isolated_env)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    line = next(i for i, text in enumerate(handlers.read_text().splitlines(), start=1) if "@websocket_rpc" in text)
    message = next(text for text in output.splitlines() if f"handlers.py:{line}: " in text)
    assert "it takes (conn) but a handler takes two parameters" in message
    assert "; fix: write it as 'async def get_stats(conn, params: ParamsModel) -> ResultModel'" in message
    assert "Traceback" not in output
    assert not (project / "dist" / "sdk").exists()
    assert list(project.glob("dist/.sdk-*")) == []


# A module that never finishes importing: a loop, a wait, a loop that swallows exceptions.
NEVER_DONE = {
    "loop": "while True: pass  # <-",
    "wait": "import time\ntime.sleep(3600)  # <-",
    "loop catching exceptions": "while True:\n    try:\n        sum(range(1000))  # <-\n    except Exception:\n        pass",
}


def import_with_limit(root: Path, registry: Registry, seconds: float) -> HandlerDefinitionError:
    config = Config(modules=("handlers",), import_timeout=seconds)
    with pytest.raises(HandlerDefinitionError) as info:
        load_api(Project(root, "svc", "1.0.0"), config, registry=registry)
    return info.value


@pytest.mark.parametrize("name", NEVER_DONE)
def test_an_import_that_never_finishes_is_stopped_at_its_line(name: str, tmp_path: Path, isolated_imports: Registry) -> None:
    import signal

    marked = write_case(tmp_path, Case(NEVER_DONE[name], "", ""))
    # Someone else's SIGALRM handler and timer are given back afterwards.
    def theirs(signum: int, frame: object) -> None:
        raise AssertionError("their alarm went off during the test")

    previous = signal.signal(signal.SIGALRM, theirs)
    signal.setitimer(signal.ITIMER_REAL, 100)
    try:
        error = import_with_limit(tmp_path, isolated_imports, 0.3)
        assert signal.getsignal(signal.SIGALRM) is theirs
        assert 90 < signal.getitimer(signal.ITIMER_REAL)[0] <= 100
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert error.location == f"{marked}:{marked_line(marked)}"
    assert error.subject == "importing handler module 'handlers'"
    assert error.rule == "it did not finish within 0.3 s (stopped at this line)"
    assert error.fix.endswith("or raise tool.hatch.build.hooks.centrifugo-sdk.import-timeout (now 0.3)")
    assert "\n" not in str(error)


def test_the_import_time_limit_holds_outside_the_main_thread(tmp_path: Path, isolated_imports: Registry) -> None:
    import threading

    marked = write_case(tmp_path, Case(NEVER_DONE["loop catching exceptions"], "", ""))
    errors: list[HandlerDefinitionError] = []
    thread = threading.Thread(target=lambda: errors.append(import_with_limit(tmp_path, isolated_imports, 0.3)))
    thread.start()
    thread.join(60)
    assert not thread.is_alive()
    assert [e.location for e in errors] == [f"{marked}:{marked_line(marked)}"]


def test_an_import_errors_text_is_masked_and_cut(tmp_path: Path, isolated_imports: Registry) -> None:
    """The exception's text can quote a settings module (a DSN, a password): its type and place are kept."""
    marked = write_case(
        tmp_path,
        Case(
            '''
DSN = "postgresql://app:s3cret-pw@db.internal:5432/app"
SETTINGS = {"password": "hunter2", "token": "tok-123"}
raise RuntimeError(f"could not connect to {DSN} with {SETTINGS}: " + "x" * 5000)  # <-
''',
            "", "",
        ),
    )
    with pytest.raises(HandlerDefinitionError) as info:
        load_api(Project(tmp_path, "svc", "1.0.0"), Config(modules=("handlers",)), registry=isolated_imports)
    error = info.value
    assert error.location == f"{marked}:{marked_line(marked)}"
    assert error.rule.startswith(
        "RuntimeError: could not connect to postgresql://***@db.internal:5432/app with {'password': ***, 'token': ***}: xxx"
    )
    assert len(error.rule) <= 250 and error.rule.endswith("…")
    for secret in ("s3cret", "hunter2", "tok-123"):
        assert secret not in str(error)


# In real builds: `hatch build` exited 0 with no wheel, `python -m build --wheel` failed with
# "FileNotFoundError ... output.json", and a loop hung the build, all without a word.
NEVER_IMPORTED = {
    "exit": ("import sys\nsys.exit(0)\n", "it raised SystemExit(0)"),
    "loop": ("while True: pass\n", "it did not finish within 1 s"),
}


@pytest.mark.parametrize("name", NEVER_IMPORTED)
def test_every_front_end_reports_a_module_that_never_imports(name: str, tmp_path: Path) -> None:
    project = copy_sample(tmp_path / "sample_service")
    if name == "loop":
        pyproject = project / "pyproject.toml"
        pyproject.write_text(pyproject.read_text().replace("modules = [", "import-timeout = 1\nmodules = [", 1))
    todos = project / "src" / "sample_service" / "handlers" / "todos.py"
    code, rule = NEVER_IMPORTED[name]
    todos.write_text(todos.read_text() + "\n" + code)
    line = len(todos.read_text().splitlines())  # the added code's last line
    commands = {
        "hatchling build": [sys.executable, "-m", "hatchling", "build", "-t", "wheel"],
        "python -m build --wheel": [sys.executable, "-m", "build", "--wheel", "--no-isolation"],
        "check": [sys.executable, "-m", "hatch_centrifugo_sdk", "check"],
    }
    for front_end, command in commands.items():
        result = subprocess.run(command, cwd=project, env=build_env(), capture_output=True, text=True, timeout=120)
        output = result.stdout + result.stderr
        assert result.returncode != 0, f"{front_end}: {output}"
        messages = [text for text in output.splitlines() if f"todos.py:{line}: importing handler module" in text]
        assert len(messages) == 1, f"{front_end}: {output}"
        assert "'sample_service.handlers.todos'" in messages[0] and rule in messages[0] and "; fix: " in messages[0]
        assert "Traceback" not in output and "FileNotFoundError" not in output, f"{front_end}: {output}"
        assert not (project / "dist").exists() or not list((project / "dist").glob("*.whl"))


# Types and names one target cannot express: found while rendering, reported at the Python field.
TARGET_ERRORS = {
    "an alias encoding/json cannot tag": (
        'class Params(BaseModel):\n    x: int = Field(..., alias="a,b")  # <-\n',
        "model 'Params', field 'a,b': encoding/json cannot carry the wire name 'a,b' in a struct tag",
    ),
    "boolean enum values": (
        "class Flag(Enum):  # <-\n    YES = True\n    NO = False\n\n\n"
        "class Params(BaseModel):\n    flag: Flag\n",
        "enum 'Flag': boolean enum values have no Go mapping",
    ),
}


@pytest.mark.parametrize("name", TARGET_ERRORS)
def test_a_type_the_go_sdk_cannot_express_is_one_line_at_its_place(name: str, tmp_path: Path) -> None:
    models, rule = TARGET_ERRORS[name]
    (tmp_path / "svc").mkdir()
    handlers = tmp_path / "svc" / "__init__.py"
    handlers.write_text(
        "from enum import Enum\n\nfrom pydantic import BaseModel, Field\n\nfrom hatch_centrifugo_sdk import websocket_rpc\n\n\n"
        + models
        + '\n\n@websocket_rpc("svc.call")\nasync def call(conn, params: Params) -> Params:\n    return params\n'
    )
    (tmp_path / "pyproject.toml").write_text(
        PYPROJECT.format(module="svc") + 'lock = false\n[tool.hatch.build.hooks.centrifugo-sdk.go]\nmodule = "example.com/a/svcsdk"\n'
    )
    result = hatchling_build(tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in output, output
    (message,) = [text for text in output.splitlines() if rule in text]
    assert message.startswith(f"centrifugo-sdk: {handlers}:{marked_line(handlers)}: "), output
