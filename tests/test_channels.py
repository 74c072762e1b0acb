"""Channel declarations: what the API model holds, and every bad declaration as one line with file:line, rule, fix.

Each bad case is a small handler module loaded the way the build loads it (``load_api``),
with a registry of its own; ``# <-`` marks the line the error must name.
"""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path
from typing import Iterator

import pytest
from pydantic import BaseModel

from hatch_centrifugo_sdk.build.config import Config
from hatch_centrifugo_sdk.build.pipeline import Project, load_api
from hatch_centrifugo_sdk.ir.parser import parse_api
from hatch_centrifugo_sdk.ir import Channel, ChannelHistory, Ref, Union, api_from_json
from hatch_centrifugo_sdk.runtime import registry as registry_module
from hatch_centrifugo_sdk.runtime.registry import HandlerDefinitionError, Registry

class Ev(BaseModel):
    id: int


HEADER = '''
from typing import Annotated, Literal
from pydantic import BaseModel, Field
from hatch_centrifugo_sdk import websocket_rpc
from hatch_centrifugo_sdk.channels import History, channel


class TodoCreated(BaseModel):
    """A todo was created."""
    type: Literal["created"] = "created"
    id: int = Field(..., description="The todo's id")


class TodoDeleted(BaseModel):
    type: Literal["deleted"] = "deleted"
    id: int


TodoEvent = Annotated[TodoCreated | TodoDeleted, Field(discriminator="type")]


class Params(BaseModel):
    user_id: str


class Result(BaseModel):
    total: int


@websocket_rpc("todos.stats")
async def stats(conn, params: Params) -> Result:
    return Result(total=0)
'''

GOOD = '''
todo_events = channel(
    "todos.events:{user_id}", TodoEvent, subscribe="user", history=History(size=100, ttl=300, recover=True),
    description="Changes to one user's todos.",
)
activity = channel("todos.activity:all", TodoCreated, subscribe="public")
'''


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Registry]:
    """A fresh default registry, and no trace of the case's modules afterwards."""
    fresh = Registry()
    monkeypatch.setattr(registry_module, "default_registry", fresh)
    monkeypatch.setattr(sys, "path", list(sys.path))
    yield fresh
    for name, module in list(sys.modules.items()):
        if str(getattr(module, "__file__", "") or "").startswith(str(tmp_path)):
            del sys.modules[name]


def load(root: Path, source: str, registry: Registry):  # type: ignore[no-untyped-def]
    (root / "handlers.py").write_text(textwrap.dedent(HEADER + source).lstrip("\n"), encoding="utf-8")
    return load_api(Project(root, "svc", "1.0.0"), Config(modules=("handlers",)), registry=registry)


def test_channels_are_in_the_api_model_and_round_trip_through_api_json(tmp_path: Path, registry: Registry) -> None:
    api = load(tmp_path, GOOD, registry)
    assert api.channels == (
        Channel(
            "todos.activity", "todos.activity:all", (), Ref("TodoCreated"), "", "public", None, None,
        ),
        Channel(
            "todos.events", "todos.events:{user_id}", ("user_id",),
            Union((Ref("TodoCreated"), Ref("TodoDeleted")), "type"),
            "Changes to one user's todos.", "user", "user_id", ChannelHistory(100, 300, True),
        ),
    )
    # The event models are API models, in their serialization form (the tag always present).
    created = api.model("TodoCreated")
    assert [(f.name, f.required) for f in created.fields] == [("type", True), ("id", True)]
    assert api.channels[1].channel_name(user_id="alice") == "todos.events:alice"
    document = json.loads(json.dumps(api.to_json()))
    assert api_from_json(document) == api
    assert api_from_json(document).hash == api.hash


def test_an_api_without_channels_keeps_its_json_form_and_hash(tmp_path: Path, registry: Registry) -> None:
    api = load(tmp_path, "", registry)
    assert set(api.to_json()) == {"methods", "models", "enums"}


def test_the_service_hashes_the_channels_as_the_build_does(tmp_path: Path, registry: Registry) -> None:
    from hatch_centrifugo_sdk.dispatch import Dispatcher

    api = load(tmp_path, GOOD, registry)
    assert Dispatcher(registry, proxy_secret=None, allow_insecure=True).api_hash() == api.hash
    assert parse_api(registry.handlers(), channels=()).hash != api.hash


BAD = {
    "no namespace": (
        'channel("events_{user_id}", TodoEvent)  # <-',
        "the pattern has no namespace (the part before ':')",
        "use 'namespace:rest' such as 'todos.events:{user_id}'",
    ),
    "namespace Centrifugo refuses": (
        'channel("t:{user_id}", TodoEvent)  # <-',
        "namespace 't' is not valid",
        "dot-separated identifiers of at least 2 characters",
    ),
    "character with a meaning to Centrifugo": (
        'channel("todos.events:{user_id}#x", TodoEvent)  # <-',
        "'#x' has characters a channel name cannot hold here",
        "fixed text is letters, digits and _ . - / | = @ +",
    ),
    "two placeholders that cannot be told apart": (
        'channel("todos.events:{org}.{user_id}", TodoEvent)  # <-',
        "placeholder {user_id} follows another value without '/' or '|' between them",
        "separate placeholders with '/' or '|'",
    ),
    "placeholder that is not a name": (
        'channel("todos.events:{User Id}", TodoEvent)  # <-',
        "placeholder {User Id} is not a parameter name",
        "name it in snake case",
    ),
    "event type that is not a model": (
        'channel("todos.events:{user_id}", dict[str, int])  # <-',
        "the event type dict[str, int] is not a Pydantic model or a union of models",
        "declare the events as models",
    ),
    "event model Pydantic cannot describe": (
        '''
class Lock:
    pass
class Bad(BaseModel):
    model_config = {"arbitrary_types_allowed": True}
    lock: Lock
channel("todos.events:{user_id}", Bad)  # <-
''',
        "Pydantic cannot make a JSON schema of the event type Bad",
        "use JSON-compatible field types in the event models",
    ),
    "user access without the user in the pattern": (
        'channel("todos.activity:all", TodoEvent, subscribe="user")  # <-',
        "subscribe='user' needs the placeholder that names the user",
        "add '{user_id}' to the pattern",
    ),
    "sync subscribe check": (
        '''
def may(conn, params):
    return True
channel("todos.events:{user_id}", TodoEvent, subscribe=may)  # <-
''',
        "the subscribe check must be async",
        "declare it 'async def may_subscribe(conn, params) -> bool'",
    ),
    "history that keeps nothing": (
        'channel("todos.events:{user_id}", TodoEvent, history=History(size=0, ttl=60))  # <-',
        "history size=0, ttl=60: both must be positive integers",
        "History(size=100, ttl=300)",
    ),
    "two channels of one name": (
        'channel("todos.events:{user_id}", TodoEvent)\nchannel("todos.events:all", TodoEvent)  # <-',
        "channel name 'todos.events' is already declared by 'todos.events:{user_id}'",
        "give one of the two channels another namespace",
    ),
    "a channel named like a method": (
        'channel("todos.stats:{user_id}", TodoEvent)  # <-',
        "channel name 'todos.stats' is the name of the method of 'stats'",
        "give the channel another namespace",
    ),
    "a channel an SDK names like a method": (
        'channel("todos_stats:{user_id}", TodoEvent)  # <-',
        "SDK would name it",
        "differs in more than punctuation",
    ),
    "two channels an SDK names alike": (
        'channel("todos.feed:{user_id}", TodoEvent)\nchannel("todos_feed:{user_id}", TodoEvent)  # <-',
        "SDK would name it",
        "differs in more than punctuation",
    ),
}


@pytest.mark.parametrize("name", BAD)
def test_a_bad_channel_fails_at_its_line_with_rule_and_fix(name: str, tmp_path: Path, registry: Registry) -> None:
    source, rule, fix = BAD[name]
    with pytest.raises(HandlerDefinitionError) as info:
        load(tmp_path, source, registry)
    error = info.value
    lines = (tmp_path / "handlers.py").read_text(encoding="utf-8").splitlines()
    marked = next(i for i, text in enumerate(lines, start=1) if "# <-" in text)
    assert error.location == f"{tmp_path / 'handlers.py'}:{marked}"
    assert rule in error.rule, error.rule
    assert fix in error.fix, error.fix
    assert "\n" not in str(error)


def test_a_method_declared_after_a_channel_of_its_name_is_refused(registry: Registry) -> None:
    from hatch_centrifugo_sdk.channels import channel

    channel("todos.feed:all", Ev, registry=registry)

    async def feed(conn: object, params: Ev) -> Ev:
        return params

    with pytest.raises(HandlerDefinitionError, match="is the name of channel 'todos.feed:all'"):
        registry.rpc("todos.feed")(feed)
