"""The Go SDK: rendered from real handler models, judged by the Go toolchain itself.

Two SDK modules are rendered: the shared kitchen sink, and one with the type kinds and
awkward names and texts the kitchen sink lacks. A consumer module uses both through
``replace`` directives: gofmt, go vet, go build and go test decide. No server is needed:
JSON goes Python → Go → Python, and the client's failures are provoked offline.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import socket
import subprocess
import uuid
from decimal import Decimal
from enum import Enum, IntEnum
from pathlib import Path
from typing import Annotated, Any, Dict, List, Literal, Optional, Set, Tuple, Union

import pytest
from pydantic import BaseModel, ConfigDict, Field

from hatch_centrifugo_sdk import Registry
from hatch_centrifugo_sdk.channels import channel
from hatch_centrifugo_sdk.ir import Api, Field as IrField, Literal as IrLiteral, Method, ObjectModel, Ref, Union as IrUnion
from hatch_centrifugo_sdk.ir.parser import parse_api
from hatch_centrifugo_sdk.build.targets.go.package import write_module
from hatch_centrifugo_sdk.build.render import SdkInfo
from hatch_centrifugo_sdk.build.targets.go.options import GoOptions
from hatch_centrifugo_sdk.build.targets.go.render import (
    GENERATED,
    NameClash,
    UnsupportedType,
    comment_lines,
    doc_comment,
    local_version,
    render,
)
from tests.fixtures import kitchen_sink

KITCHEN = "example.com/acme/kitchensdk/v2"
ODDS = "example.com/acme/oddsdk"

# Text that breaks naive generators: comment terminators, quotes, RST and Markdown,
# lines gofmt would reformat in a doc comment, and characters Go source must not hold.
STRESS = """Settings, with ``double`` backticks, ''quotes'', `code` and */ a comment end.

Overview

- not a list
1. not a numbered list
    indented like code
\tand a tab
[spec]: https://example.com/spec
# Not a heading here

# A Heading

Ünïcödé ✓ 🎉, a NUL \x00 and a BOM \ufeff inside."""


# --- a second API: every type kind and name the kitchen sink lacks -------------------------

odds = Registry()


class Shade(str, Enum):
    EMPTY = ""
    DARK_BLUE = "dark-blue"
    DARK_BLUE_TOO = "dark_blue"  # named after the member, not the value (which reads like "dark-blue")


class Level(IntEnum):
    MINUS_ONE = -1
    ONE = 1


class Config(BaseModel):  # a name the SDK itself declares: renamed
    __doc__ = STRESS


class Everything(BaseModel):
    blob: bytes
    amount: Decimal
    anything: Any
    maybe_anything: Any = None
    unique_tags: Set[str]
    at: dt.time
    span: dt.timedelta
    day: dt.date
    code: Literal[1, 2, 3]
    flag: Literal[True]
    matrix: List[List[float]]
    lookup: Dict[str, List[Optional[int]]]
    maybe_list: Optional[List[str]]
    opt_list: Optional[List[str]] = None
    shade: Shade
    level: Level = Level.ONE
    user_id: str
    userId: str  # the same Go field name as user_id: numbered
    odd: str = Field("x", alias="odd-name.v2")
    config: Optional[Config] = None
    stress: str = Field(..., description=STRESS)


@odds.rpc("close")
async def close(conn: Any, params: Config) -> Everything:  # "Close" is a Client method: renamed
    raise NotImplementedError


async def _echo(conn: Any, params: Everything) -> Everything:
    return params


_echo.__doc__ = STRESS
odds.rpc("everything.echo")(_echo)


class Cat(BaseModel):
    kind: Literal["cat"] = "cat"
    lives: int = 9


class Dog(BaseModel):
    kind: Literal["dog", "hound"]
    good: bool


class Tree(BaseModel):
    label: str
    children: List["Tree"] = []
    parent: Optional["Tree"] = None


class Shapes(BaseModel):
    """Unions, tuples, literals of mixed kinds, recursion: the Go SDK's named helper types."""

    pet: Annotated[Union[Cat, Dog], Field(discriminator="kind")]
    pets: List[Annotated[Union[Cat, Dog], Field(discriminator="kind")]] = []
    either: Union[int, str]
    animal: Union[Cat, Dog, int]
    mixed: Literal["a", 1, True]
    pair: Tuple[int, Optional[str], Union[int, str]]
    tree: Tree
    maybe_pair: Optional[Tuple[float, float]] = None


class Knobs(BaseModel):
    """Optional fields: where the default is not null, absent and null mean different things."""

    limit: Optional[int] = 10
    tags: Optional[List[str]] = Field(default_factory=lambda: ["x"])
    note: Optional[str] = None


class Ouro(BaseModel):  # by-value cycles Python cannot even build: Go must still compile them
    boros: "Boros"


class Boros(BaseModel):
    ouro: Ouro
    pair: Tuple[Ouro, int]


class Sentinel(BaseModel):
    """Literals in unions, as githubkit (an UNSET sentinel) and openai (known model names) declare them."""

    name: Union[Literal["<UNSET>"], str]
    model: Union[str, Literal["gpt-4o", "o1"], Literal["o3"]]


class Perms(BaseModel):
    """Open to members it does not declare (githubkit's app permissions); "extra" takes the Go name Extra."""

    model_config = ConfigDict(extra="allow")

    issues: str
    extra: int = 0


class OrderLine(BaseModel):
    sku: str


class Order(BaseModel):
    lines: List[OrderLine]
    meta: Dict[str, str]
    maybe_lines: Optional[List[OrderLine]]


class CatPet(BaseModel):
    pet_type: Literal["cat"]
    meows: int


class DogPet(BaseModel):
    pet_type: Literal["dog"]
    barks: int


class PetOwner(BaseModel):
    """Zero values the service refuses: a nil required list, an unset one-value literal tag."""

    order: Order
    pet: Union[CatPet, DogPet]
    nickname: Optional[str] = None


@odds.rpc("owners.set")
async def set_owner(conn: Any, params: PetOwner) -> Config:
    raise NotImplementedError


@odds.rpc("perms.echo")
async def echo_perms(conn: Any, params: Perms) -> Perms:
    return params


@odds.rpc("sentinel.echo")
async def echo_sentinel(conn: Any, params: Sentinel) -> Sentinel:
    return params


@odds.rpc("shapes.set")
async def set_shapes(conn: Any, params: Knobs) -> Shapes:
    raise NotImplementedError


@odds.rpc("loops.get")
async def get_loop(conn: Any, params: Ouro) -> Boros:
    raise NotImplementedError


class Subscription(BaseModel):
    """Named like the SDK's typed subscription: renamed."""

    plan: str


# Channels the sample lacks: a plain union (no tag field named), two placeholders, an SDK name.
channel("pets.seen:{owner}/{kind}", Union[CatPet, DogPet], registry=odds)
channel("plans.changed:all", Subscription, registry=odds, subscribe="public")


def shapes_sample() -> Shapes:
    return Shapes(
        pet=Cat(lives=7), pets=[Cat(), Dog(kind="hound", good=False)], either="five", animal=Dog(kind="dog", good=True),
        mixed=True, pair=(1, None, 2), tree=Tree(label="root", children=[Tree(label="leaf")]), maybe_pair=(0.5, 1e300),
    )


def everything_sample() -> Everything:
    return Everything.model_validate(
        {
            "blob": b"hi", "amount": Decimal("12.50"), "anything": {"a": [1, None]}, "unique_tags": {"a", "b"},
            "at": dt.time(12, 30), "span": dt.timedelta(hours=1, minutes=30), "day": dt.date(2024, 1, 2),
            "code": 2, "flag": True, "matrix": [[1.5, -2.0]], "lookup": {"k": [1, None]}, "maybe_list": None,
            "shade": Shade.DARK_BLUE, "user_id": "u1", "userId": "u2", "odd-name.v2": "o", "stress": "s",
        }
    )


def kitchen_item() -> kitchen_sink.Item:
    return kitchen_sink.Item(
        id=7, title="t", score=0.5, note=None, created_at=dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.timezone.utc),
        owner=uuid.UUID("123e4567-e89b-12d3-a456-426614174000"), tags=[kitchen_sink.Tag(name="x", color=kitchen_sink.Color.DARK_BLUE)],
        attributes={"a": 1}, priority=kitchen_sink.Priority.HIGH, kind="bug", parent=None, user_id="u",
    )


# --- fixtures ---------------------------------------------------------------------------------


def sdk_info(api_hash: str, module: str, package: str) -> SdkInfo:
    return SdkInfo("kitchen-sink", "2.1.0rc1", api_hash, "2.1.0-rc.1", GoOptions(module, package))


@pytest.fixture(scope="session")
def kitchen_files() -> dict[str, str]:
    api = parse_api(kitchen_sink.registry)
    return render(api, sdk_info(api.hash, KITCHEN, "kitchensdk"))


@pytest.fixture(scope="session")
def odds_files() -> dict[str, str]:
    api = parse_api(odds)
    return render(api, sdk_info(api.hash, ODDS, "oddsdk"))


@pytest.fixture(scope="session")
def go_env() -> dict[str, str]:
    assert shutil.which("go"), "the Go toolchain (go on PATH) is needed to test the Go SDK"
    env = dict(os.environ)
    env["GOFLAGS"] = (env.get("GOFLAGS", "") + " -mod=mod").strip()
    return env


def go(env: dict[str, str], cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(["go", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    if check and done.returncode != 0:
        pytest.fail(f"go {' '.join(args)} failed in {cwd}:\n{done.stdout}\n{done.stderr}")
    return done


@pytest.fixture(scope="session")
def modules(tmp_path_factory: pytest.TempPathFactory, kitchen_files: dict[str, str], odds_files: dict[str, str]) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("go-sdks")
    return {
        KITCHEN: write_module(kitchen_files, root / "kitchensdk"),
        ODDS: write_module(odds_files, root / "oddsdk"),
    }


CONSUMER_MAIN = """package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"example.com/acme/kitchensdk/v2"
	"example.com/acme/oddsdk"
)

func main() {
	client := kitchensdk.NewClient(os.Args[1], kitchensdk.Config{
		Token:       "token",
		GetToken:    func(ctx context.Context) (string, error) { return "", kitchensdk.ErrUnauthorized },
		ReadTimeout: time.Second,
	})
	defer client.Close()
	ctx := context.Background()
	if err := client.Connect(ctx); err != nil {
		panic(err)
	}
	api := kitchensdk.NewAPI(client)
	limit := int64(10)
	page, err := api.ItemsSearch(ctx, kitchensdk.ItemQuery{Query: "q", Limit: &limit, Colors: []kitchensdk.Color{kitchensdk.ColorRed}})
	if err != nil {
		panic(err)
	}
	var items []kitchensdk.Item = page.Items
	item, err := api.ItemsGetStats(ctx, kitchensdk.ItemRef{ItemID: 1})
	if err != nil {
		panic(err)
	}
	var when time.Time = item.CreatedAt.Time
	var kind kitchensdk.ItemKind = item.Kind
	var color kitchensdk.Color = item.Tags[0].Color
	fmt.Println(len(items), when, kind, item.Priority == kitchensdk.PriorityHigh, color, kitchensdk.APIHash, kitchensdk.SDKVersion, kitchensdk.CodeInvalidParams)

	odd := oddsdk.NewAPI(oddsdk.NewClient(os.Args[1], oddsdk.Config{}))
	everything, err := odd.CloseMethod(ctx, oddsdk.ConfigModel{})
	if err != nil {
		panic(err)
	}
	shapes, err := odd.ShapesSet(ctx, oddsdk.Knobs{Limit: oddsdk.Some[int64](3), Tags: oddsdk.Null[[]string](), Note: nil})
	if err != nil {
		panic(err)
	}
	var pet oddsdk.ShapesPetVariant = shapes.Pet.Value
	var either *string = shapes.Either.String
	var second *string = shapes.Pair.Item1
	var loop *oddsdk.Boros = oddsdk.Ouro{}.Boros
	fmt.Println(pet, either, second, loop.Ouro, loop.Pair.Item0, shapes.Tree.Children[0].Parent)
	var shade oddsdk.Shade = oddsdk.ShadeDarkBlueToo
	var code oddsdk.EverythingInputCode = oddsdk.EverythingInputCodeValue2
	fmt.Println(everything.UserID, everything.UserID2, everything.OddNameV2, shade, code, oddsdk.LevelMinusOne)
}
"""

# Go side of the JSON round trips: decode what Python wrote, check, encode back for Python.
CONSUMER_TEST = """package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"testing"
	"time"

	"example.com/acme/kitchensdk/v2"
	"example.com/acme/oddsdk"
	"github.com/centrifugal/centrifuge-go"
)

func roundTrip[T any](t *testing.T, name string, check func(*T)) {
	t.Helper()
	in, err := os.ReadFile("testdata/" + name + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var value T
	if err := json.Unmarshal(in, &value); err != nil {
		t.Fatalf("decoding %s: %v", name, err)
	}
	check(&value)
	out, err := json.Marshal(value)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile("testdata/"+name+".out.json", out, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestItem(t *testing.T) {
	roundTrip(t, "item", func(item *kitchensdk.Item) {
		if item.Parent != nil || item.Note != nil {
			t.Errorf("null parent and note should decode to nil: %+v %+v", item.Parent, item.Note)
		}
		if item.Priority != kitchensdk.PriorityHigh || item.Kind != kitchensdk.ItemKindBug {
			t.Errorf("priority, kind: %v %v", item.Priority, item.Kind)
		}
		if c := item.Tags[0].Color; c != kitchensdk.ColorDarkBlue {
			t.Errorf("tag colour: %v", c)
		}
		if !item.CreatedAt.Equal(time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)) {
			t.Errorf("created_at: %v", item.CreatedAt)
		}
	})
}

func TestEverything(t *testing.T) {
	roundTrip(t, "everything", func(e *oddsdk.EverythingOutput) {
		if e.Shade != oddsdk.ShadeDarkBlue || e.Code != oddsdk.EverythingOutputCodeValue2 || !e.Flag {
			t.Errorf("shade, code, flag: %v %v %v", e.Shade, e.Code, e.Flag)
		}
		if e.Amount != "12.50" || e.MaybeList != nil || e.UserID2 != "u2" || e.OddNameV2 != "o" {
			t.Errorf("amount, maybe_list, userId, odd: %v %v %v %v", e.Amount, e.MaybeList, e.UserID2, e.OddNameV2)
		}
	})
}

func TestShapes(t *testing.T) {
	roundTrip(t, "shapes", func(s *oddsdk.Shapes) {
		if cat, ok := s.Pet.Value.(oddsdk.Cat); !ok || cat.Lives != 7 {
			t.Errorf("pet: %#v", s.Pet.Value)
		}
		if dog, ok := s.Pets[1].Value.(oddsdk.Dog); !ok || dog.Kind != oddsdk.DogKindHound {
			t.Errorf("pets[1]: %#v", s.Pets[1].Value)
		}
		if s.Either.String == nil || *s.Either.String != "five" || s.Either.Int != nil {
			t.Errorf("either: %#v", s.Either)
		}
		if s.Animal.Dog == nil || s.Animal.Cat != nil || !s.Animal.Dog.Good {
			t.Errorf("animal: a dog has no lives, so it is not a cat: %#v", s.Animal)
		}
		if s.Mixed.True == nil || !*s.Mixed.True || s.Mixed.A != nil {
			t.Errorf("mixed: %#v", s.Mixed)
		}
		if s.Pair.Item0 != 1 || s.Pair.Item1 != nil || s.Pair.Item2.Int == nil || *s.Pair.Item2.Int != 2 {
			t.Errorf("pair: %#v", s.Pair)
		}
		if s.Tree.Children[0].Label != "leaf" || s.MaybePair == nil || s.MaybePair.Item1 != 1e300 {
			t.Errorf("tree, maybe_pair: %#v %#v", s.Tree, s.MaybePair)
		}
	})
}

func TestUnionsRefuseWhatNoVariantTakes(t *testing.T) {
	for _, data := range []string{`{"pet":{"kind":"cow"}}`, `{"either":true}`, `{"pair":[1,null]}`, `{"mixed":[]}`} {
		var s oddsdk.Shapes
		if err := json.Unmarshal([]byte(data), &s); err == nil {
			t.Errorf("%s: decoded without error: %#v", data, s)
		}
	}
	if _, err := json.Marshal(oddsdk.Shapes{}); err == nil {
		t.Error("a union with no variant set must not encode")
	}
}

func TestZeroValuesTheServiceAccepts(t *testing.T) {
	owner := oddsdk.PetOwner{Pet: oddsdk.PetOwnerPet{CatPet: &oddsdk.CatPet{Meows: 2}}, Nickname: oddsdk.Ptr("Tom")}
	out, err := json.Marshal(owner)
	want := `{"order":{"lines":[],"meta":{},"maybe_lines":null},"pet":{"pet_type":"cat","meows":2},"nickname":"Tom"}`
	if err != nil || string(out) != want {
		t.Errorf("got %s (%v), want %s", out, err, want)
	}
	if err := os.WriteFile("testdata/owner.out.json", out, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestOpenModelsKeepUndeclaredMembers(t *testing.T) {
	in := `{"issues":"read","pages":"write","extra":3,"nested":{"a":[1,null]}}`
	var p oddsdk.PermsOutput
	if err := json.Unmarshal([]byte(in), &p); err != nil {
		t.Fatal(err)
	}
	if p.Issues != "read" || p.Extra != 3 || len(p.Extra2) != 2 || string(p.Extra2["pages"]) != `"write"` {
		t.Errorf("decoded: %#v", p)
	}
	out, err := json.Marshal(p)
	if want := `{"issues":"read","extra":3,"nested":{"a":[1,null]},"pages":"write"}`; err != nil || string(out) != want {
		t.Errorf("got %s (%v), want %s", out, err, want)
	}
	out, err = json.Marshal(oddsdk.PermsInput{Issues: "read", Extra2: map[string]json.RawMessage{"issues": []byte(`"x"`)}})
	if want := `{"issues":"read"}`; err != nil || string(out) != want {
		t.Errorf("a declared member wins: got %s (%v), want %s", out, err, want)
	}
}

func TestLiteralSlotsTakeOnlyTheirLiteral(t *testing.T) {
	var s oddsdk.Sentinel
	if err := json.Unmarshal([]byte(`{"name":"octocat","model":"custom-model"}`), &s); err != nil {
		t.Fatal(err)
	}
	if s.Name.Unset != nil || s.Name.String == nil || *s.Name.String != "octocat" {
		t.Errorf("name: a real value belongs in String, not the literal's slot: %#v", s.Name)
	}
	if s.Model.String == nil || *s.Model.String != "custom-model" || s.Model.Literal != nil || s.Model.O3 != nil {
		t.Errorf("model: %#v", s.Model)
	}
	if err := json.Unmarshal([]byte(`{"name":"<UNSET>","model":"o1"}`), &s); err != nil {
		t.Fatal(err)
	}
	if s.Name.Unset == nil || *s.Name.Unset != oddsdk.SentinelNameUnset || s.Name.String != nil {
		t.Errorf("name: the literal belongs in its own slot: %#v", s.Name)
	}
	if s.Model.Literal == nil || *s.Model.Literal != "o1" || s.Model.String != nil {
		t.Errorf("model: a known name belongs in the literal's slot: %#v", s.Model)
	}
}

func TestTaggedUnionWritesTheTag(t *testing.T) {
	out, err := json.Marshal(oddsdk.ShapesPet{Value: oddsdk.Cat{Lives: 1}})
	if err != nil || string(out) != `{"kind":"cat","lives":1}` {
		t.Errorf("got %s (%v)", out, err)
	}
}

func TestUnknownEnumValuesPassThrough(t *testing.T) {
	var e oddsdk.EverythingOutput
	if err := json.Unmarshal([]byte(`{"shade":"ultraviolet","level":7}`), &e); err != nil {
		t.Fatal(err)
	}
	if e.Shade != "ultraviolet" || e.Level != 7 {
		t.Errorf("shade, level: %q %d", e.Shade, e.Level)
	}
	out, _ := json.Marshal(e)
	var back map[string]any
	if json.Unmarshal(out, &back) != nil || back["shade"] != "ultraviolet" || back["level"] != float64(7) {
		t.Errorf("re-encoded: %s", out)
	}
}

func TestNullableKeepsAbsentNullAndValueApart(t *testing.T) {
	for _, c := range []struct {
		value oddsdk.Knobs
		want  string
	}{
		{oddsdk.Knobs{}, `{}`},
		{oddsdk.Knobs{Limit: oddsdk.Null[int64](), Tags: oddsdk.Null[[]string]()}, `{"limit":null,"tags":null}`},
		{oddsdk.Knobs{Limit: oddsdk.Some[int64](0), Tags: oddsdk.Some([]string{})}, `{"limit":0,"tags":[]}`},
	} {
		out, err := json.Marshal(c.value)
		if err != nil || string(out) != c.want {
			t.Errorf("got %s (%v), want %s", out, err, c.want)
		}
		var back oddsdk.Knobs
		if err := json.Unmarshal(out, &back); err != nil || back.Limit != c.value.Limit || back.Tags.Set != c.value.Tags.Set {
			t.Errorf("%s decoded to %#v (%v)", out, back, err)
		}
	}
}

func TestWireForms(t *testing.T) {
	zero := int64(0)
	for _, c := range []struct {
		value any
		want  string
	}{
		{kitchensdk.ItemQuery{Query: "q"}, `{"query":"q"}`},
		{kitchensdk.ItemQuery{Query: "q", Limit: &zero, Colors: []kitchensdk.Color{}}, `{"query":"q","limit":0,"colors":[]}`},
		{kitchensdk.ItemQuery{Query: "q", Colors: []kitchensdk.Color{kitchensdk.ColorDarkBlue}}, `{"query":"q","colors":["dark-blue"]}`},
		{oddsdk.ConfigModel{}, `{}`},
		{oddsdk.EverythingInput{MaybeList: nil}, `{"blob":"","amount":"","anything":null,"unique_tags":[],` +
			`"at":"","span":"","day":"","code":0,"flag":true,"matrix":[],"lookup":{},"maybe_list":null,` +
			`"shade":"","user_id":"","userId":"","stress":""}`},
	} {
		out, err := json.Marshal(c.value)
		if err != nil || string(out) != c.want {
			t.Errorf("%T: got %s (%v), want %s", c.value, out, err, c.want)
		}
	}
}

func TestCallWithoutConnection(t *testing.T) {
	client := kitchensdk.NewClient(os.Getenv("CLOSED_URL"), kitchensdk.Config{})
	defer client.Close()
	_, err := kitchensdk.NewAPI(client).ItemsSearch(context.Background(), kitchensdk.ItemQuery{Query: "q"})
	var rpcErr *kitchensdk.RPCError
	if !errors.As(err, &rpcErr) || rpcErr.Code != kitchensdk.CodeConnectionClosed || !rpcErr.Temporary {
		t.Fatalf("want an RPCError with CodeConnectionClosed, got %#v", err)
	}
	if !errors.Is(err, centrifuge.ErrClientDisconnected) {
		t.Errorf("the library's error should stay reachable: %v", err)
	}
}

func TestConnectTimesOut(t *testing.T) {
	client := kitchensdk.NewClient(os.Getenv("CLOSED_URL"), kitchensdk.Config{})
	defer client.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	err := client.Connect(ctx)
	var rpcErr *kitchensdk.RPCError
	if !errors.As(err, &rpcErr) || rpcErr.Code != kitchensdk.CodeTimeout || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want an RPCError with CodeTimeout wrapping the deadline, got %#v", err)
	}
}

func TestConnectAfterClose(t *testing.T) {
	client := kitchensdk.NewClient(os.Getenv("CLOSED_URL"), kitchensdk.Config{})
	client.Close()
	err := client.Connect(context.Background())
	var rpcErr *kitchensdk.RPCError
	if !errors.As(err, &rpcErr) || rpcErr.Code != kitchensdk.CodeConnectionClosed {
		t.Fatalf("want an RPCError with CodeConnectionClosed, got %#v", err)
	}
}
"""


def write_consumer(root: Path, modules: dict[str, Path], files: dict[str, str]) -> Path:
    requires = "".join(f"require {m} {local_version(m)}\n" for m in sorted(modules))
    replaces = "".join(f"replace {m} => {modules[m]}\n" for m in sorted(modules))
    (root / "go.mod").write_text(f"module example.com/consumer\n\ngo 1.25.0\n\n{requires}\n{replaces}")
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def readme_example(files: dict[str, str]) -> str:
    return files["README.md"].split("```go\n", 1)[1].split("```", 1)[0]


@pytest.fixture(scope="session")
def consumer(
    tmp_path_factory: pytest.TempPathFactory, modules: dict[str, Path], kitchen_files: dict[str, str], go_env: dict[str, str]
) -> Path:
    root = write_consumer(
        tmp_path_factory.mktemp("consumer"),
        modules,
        {"main.go": CONSUMER_MAIN, "main_test.go": CONSUMER_TEST, "example/main.go": readme_example(kitchen_files)},
    )
    go(go_env, root, "mod", "tidy")
    return root


# --- tests --------------------------------------------------------------------------------------


def test_module_files(kitchen_files: dict[str, str]) -> None:
    assert list(kitchen_files) == [
        "README.md", "client.go", "doc.go", "errors.go", "go.mod", "go.sum", "models.go", "version.go",
    ]
    for name, text in kitchen_files.items():
        if name.endswith(".go") and name != "doc.go":  # doc.go: the package doc comment sits above the clause
            assert text.startswith(GENERATED + "\n\npackage kitchensdk\n"), name
    assert kitchen_files["doc.go"].startswith(GENERATED + "\n\n// Package kitchensdk is the typed Go client of ")
    assert kitchen_files["go.mod"].startswith(f"module {KITCHEN}\n\ngo 1.25.0\n")
    assert "github.com/centrifugal/centrifuge-go v0.12.1 h1:" in kitchen_files["go.sum"]
    api = parse_api(kitchen_sink.registry)
    assert f'const APIHash = "{api.hash}"' in kitchen_files["version.go"]
    assert 'const SDKVersion = "2.1.0-rc.1"' in kitchen_files["version.go"]


def squeeze(text: str) -> str:
    """Text with gofmt's alignment padding collapsed to single spaces."""
    return " ".join(text.split())


def test_models_map_each_kind(kitchen_files: dict[str, str], odds_files: dict[str, str]) -> None:
    models = kitchen_files["models.go"]
    for line in (
        "type Color string",
        'ColorDarkBlue Color = "dark-blue"',
        "type Priority int",
        "PriorityHigh Priority = 2",  # the IntEnum's own member names
        "type ItemKind string",  # a literal field's own type, its values typed constants
        'ItemKindBug ItemKind = "bug"',
        "ID int64 `json:\"id\"`",
        "UserID string `json:\"user_id\"`",
        "CreatedAt DateTime `json:\"created_at\"`",  # a time.Time, and whether it came without a zone
        "Limit *int64 `json:\"limit,omitempty\"`",  # optional: pointer, left out when nil
        "Colors []Color `json:\"colors,omitzero\"`",  # optional slice: nil left out, [] sent
        "Parent *Tag `json:\"parent\"`",  # required but nullable: pointer, null kept
        "Note *string `json:\"note\"`",  # results carry every field: defaulted ones are required
        "Tags []Tag `json:\"tags\"`",
        "Attributes map[string]int64 `json:\"attributes\"`",
        "Priority Priority `json:\"priority\"`",
        "Kind ItemKind `json:\"kind\"`",
        "Items []Item `json:\"items\"`",
    ):
        assert squeeze(line) in squeeze(models), line
    odd = odds_files["models.go"]
    for line in (
        "Anything json.RawMessage `json:\"anything\"`",
        "MaybeAnything json.RawMessage `json:\"maybe_anything,omitzero\"`",
        "Blob string `json:\"blob\"`",
        "Amount string `json:\"amount\"`",
        "Lookup map[string][]*int64 `json:\"lookup\"`",
        "Matrix [][]float64 `json:\"matrix\"`",
        "MaybeList []string `json:\"maybe_list\"`",
        "UserID2 string `json:\"userId\"`",
        "OddNameV2 *string `json:\"odd-name.v2,omitempty\"`",
        "Config *ConfigModel `json:\"config,omitempty\"`",
        "type ConfigModel struct{}",
        'ShadeEmpty Shade = ""',
        "LevelMinusOne Level = -1",
        "LevelOne Level = 1",
        "EverythingInputCodeValue3 EverythingInputCode = 3",
        "EverythingOutputCodeValue3 EverythingOutputCode = 3",
        "OddNameV2 string `json:\"odd-name.v2\"`",
        "// Format: decimal number as a string, e.g. 12.50.",
        "// Format: ISO 8601 duration, e.g. P1DT2H30M.",
    ):
        assert squeeze(line) in squeeze(odd), line
    assert "func (a *API) CloseMethod(ctx context.Context, params ConfigModel, opts ...CallOption) (*EverythingOutput, error)" in odds_files["client.go"]
    assert "\x00" not in odd and "\ufeff" not in odd


def test_rendering_is_deterministic(tmp_path: Path, kitchen_files: dict[str, str], odds_files: dict[str, str]) -> None:
    api = parse_api(odds)
    assert render(api, sdk_info(api.hash, ODDS, "oddsdk")) == odds_files
    first = write_module(odds_files, tmp_path / "a")
    second = write_module(odds_files, tmp_path / "b")
    names = sorted(p.relative_to(first).as_posix() for p in first.rglob("*"))
    assert names == sorted(odds_files)
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes() == odds_files[name].encode()
    with pytest.raises(FileExistsError):
        write_module(odds_files, first)


def test_gofmt_finds_nothing_to_change(tmp_path: Path, modules: dict[str, Path], go_env: dict[str, str]) -> None:
    listed = subprocess.run(["gofmt", "-l", *map(str, modules.values())], capture_output=True, text=True, env=go_env)
    assert listed.returncode == 0 and listed.stdout == "", listed.stdout + listed.stderr
    # The same check does flag a file gofmt would change.
    bad = tmp_path / "bad.go"
    bad.write_text("package bad\n\n// Old heading\n//\n// Overview\n//\n// Text.\nconst  X = 1\n")
    listed = subprocess.run(["gofmt", "-l", str(tmp_path)], capture_output=True, text=True, env=go_env)
    assert listed.stdout.strip() == str(bad)


def test_doc_comments_are_written_as_gofmt_prints_them() -> None:
    assert doc_comment("Intro.\n\nOverview\n\nText ``x`` here.\n[a]: http://x.y") == (
        "// Intro.", "//", "// # Overview", "//", "// Text `x` here.", "// [a]: <http://x.y>",
    )


# Pieces of docstrings that gofmt's doc-comment rules react to, and characters Go rejects.
DOC_PIECES = (
    "Overview", "The API's", "A.B", "x.", "``", "''", "'", "```", "`", "#", "# ", "#\t", "[a]:", " http://x.y/z",
    "- ", "1. ", "  ", "\t", "\n", "\n\n", "Upper", "ü", "(x)", ",", ";", "*/", "{", "}", "\\", "[Name]", "'s",
    ".", ":", "\x00", "\ufeff", "\u2028", "\r\n", "  indented", "func main() {", "[x]: https://a.b/c", "line 5",
)


def test_any_text_survives_gofmt(tmp_path: Path, go_env: dict[str, str]) -> None:
    rng = random.Random(7)
    decls = []
    for i in range(1500):
        text = "".join(rng.choice(DOC_PIECES) for _ in range(rng.randint(1, 30)))
        field = "".join(f"\t{line}\n" for line in comment_lines(text))
        decls.append("".join(f"{line}\n" for line in doc_comment(text)) + f"type T{i} struct {{\n{field}\tA int\n}}\n")
    source = tmp_path / "docs.go"
    source.write_text("package docs\n\n" + "\n".join(decls))
    diff = subprocess.run(["gofmt", "-d", str(source)], capture_output=True, text=True, env=go_env)
    assert diff.returncode == 0 and diff.stdout == "", diff.stdout[:3000] + diff.stderr


def test_sdk_module_is_tidy_and_vets(modules: dict[str, Path], go_env: dict[str, str]) -> None:
    for directory in modules.values():
        go(go_env, directory, "mod", "tidy", "-diff")  # go.mod and go.sum are complete and exact
        go(go_env, directory, "vet", "./...")
        go(go_env, directory, "build", "./...")


def test_consumer_vets_and_builds(consumer: Path, go_env: dict[str, str]) -> None:
    go(go_env, consumer, "vet", "./...")  # includes the README's usage example
    go(go_env, consumer, "build", "./...")


def test_a_type_error_fails_the_build(
    tmp_path: Path, modules: dict[str, Path], go_env: dict[str, str], consumer: Path
) -> None:
    root = write_consumer(tmp_path, modules, {"main.go": CONSUMER_MAIN, "go.sum": (consumer / "go.sum").read_text()})
    (root / "broken.go").write_text(
        'package main\n\nimport "example.com/acme/kitchensdk/v2"\n\nvar wrong int64 = kitchensdk.Tag{}.Name\n'
    )
    built = go(go_env, root, "build", "./...", check=False)
    assert built.returncode != 0
    assert "broken.go" in built.stderr and "cannot use" in built.stderr, built.stderr


def test_json_round_trips_and_offline_errors(consumer: Path, go_env: dict[str, str]) -> None:
    testdata = consumer / "testdata"
    testdata.mkdir(exist_ok=True)
    item, everything = kitchen_item(), everything_sample()
    (testdata / "item.json").write_text(item.model_dump_json(by_alias=True))
    (testdata / "shapes.json").write_text(shapes_sample().model_dump_json(by_alias=True))
    (testdata / "everything.json").write_text(everything.model_dump_json(by_alias=True))
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        closed_url = f"ws://127.0.0.1:{s.getsockname()[1]}/connection/websocket"
    go(dict(go_env, CLOSED_URL=closed_url), consumer, "test", "-count=1", "./...")

    item_out = (testdata / "item.out.json").read_text()
    assert '"parent":null' in item_out and '"note":null' in item_out  # null stays null
    assert kitchen_sink.Item.model_validate_json(item_out) == item
    assert Everything.model_validate_json((testdata / "everything.out.json").read_text()) == everything
    assert Shapes.model_validate_json((testdata / "shapes.out.json").read_text()) == shapes_sample()
    assert PetOwner.model_validate_json((testdata / "owner.out.json").read_text()).pet == CatPet(pet_type="cat", meows=2)
    # The three forms the Go test writes of Knobs mean three different things to the service.
    assert [Knobs.model_validate_json(text).limit for text in ("{}", '{"limit":null}', '{"limit":0}')] == [10, None, 0]


def api_of(model: type[BaseModel]) -> Any:
    """The API of one method taking and returning ``model``."""
    registry = Registry()

    async def handler(conn, params):  # type: ignore[no-untyped-def]
        return params

    handler.__annotations__ = {"params": model, "return": model}  # objects: the models are local
    registry.rpc("things.get")(handler)
    return parse_api(registry)


def test_a_tagged_union_without_tags_names_model_and_field() -> None:
    # Pydantic refuses such a model; an api.json written by hand can still hold one.
    plain = ObjectModel("Plain", (IrField("size", Ref("Plain"), True),))
    holder = ObjectModel("Holder", (IrField("thing", IrUnion((Ref("Plain"), Ref("Holder")), "kind"), True),))
    api = Api((Method("things.get", "Holder", "Holder"),), (holder, plain))
    with pytest.raises(UnsupportedType, match=r"model 'Holder', field 'thing': a variant of the union told apart by 'kind'"):
        render(api, sdk_info(api.hash, ODDS, "oddsdk"))


def test_helper_types_and_cycles(odds_files: dict[str, str]) -> None:
    models = squeeze(odds_files["models.go"])
    for line in (
        "Limit Nullable[int64] `json:\"limit,omitzero\"`",  # default 10: absent, null and 3 differ
        "Note *string `json:\"note,omitempty\"`",  # default null: absent and null mean the same
        "Pet ShapesPet `json:\"pet\"`",
        "Pets []ShapesPets `json:\"pets\"`",
        "MaybePair *ShapesMaybePair `json:\"maybe_pair\"`",
        "type ShapesPetVariant interface { isShapesPet() }",
        "func (Cat) isShapesPet() {}",
        "type ShapesPair struct { Item0 int64 Item1 *string Item2 ShapesPairItem2 }",
        "type ShapesEither struct { Int *int64 String *string }",
        "Boros *Boros `json:\"boros\"`",  # the by-value cycle broken by pointers
        "Ouro *Ouro `json:\"ouro\"`",
        "type BorosPair struct { Item0 *Ouro Item1 int64 }",
        "Children []Tree `json:\"children\"`",
    ):
        assert squeeze(line) in models, line


def test_wire_names_json_cannot_tag_are_refused() -> None:
    class Odd(BaseModel):
        value: int = Field(alias="a,b")

    api = api_of(Odd)
    with pytest.raises(UnsupportedType, match=r"model 'Odd', field 'a,b'"):
        render(api, sdk_info(api.hash, ODDS, "oddsdk"))


def test_declarations_with_one_name_are_refused() -> None:
    class Color(str, Enum):
        RED = "red"

    class ColorRed(BaseModel):
        color: Color

    ColorRed.model_rebuild(_types_namespace={"Color": Color})
    api = api_of(ColorRed)
    with pytest.raises(NameClash, match="'ColorRed'"):
        render(api, sdk_info(api.hash, ODDS, "oddsdk"))


def test_a_type_named_like_a_declaration_of_the_sdk_is_renamed() -> None:
    """The SDK's declared names are one list: a model named like any of them is renamed, not refused."""

    class DateTime(BaseModel):
        at: str

    class Ptr(BaseModel):
        to: DateTime

    api = api_of(Ptr)
    models = render(api, sdk_info(api.hash, ODDS, "oddsdk"))["models.go"]
    assert "type DateTimeModel struct {" in models and "type PtrModel struct {" in models


def test_channels_are_typed_subscriptions(odds_files: dict[str, str]) -> None:
    """A plain union's events are its union struct (a pointer per variant), a model's are the
    model (renamed away from the SDK's Subscription); placeholders are checked, then joined."""
    subscriptions, models = odds_files["subscriptions.go"], odds_files["models.go"]
    assert "type PetsSeenEvent struct {" in models and "type SubscriptionModel struct {" in models
    assert "func (a *API) PetsSeen(params PetsSeenParams, handlers PetsSeenHandlers) (*Subscription[PetsSeenEvent], error) {" in subscriptions
    assert 'checkChannelParams("owner", params.Owner, "kind", params.Kind)' in subscriptions
    assert 'channel := "pets.seen:" + params.Owner + "/" + params.Kind' in subscriptions
    assert "type PlansChangedHandlers = SubscriptionHandlers[SubscriptionModel]" in subscriptions
    readme = odds_files["README.md"]
    assert "## Channels" in readme and "### PetsSeen" in readme and "api.PetsSeen(oddsdk.PetsSeenParams{" in readme


def test_an_api_without_channels_has_no_subscriptions(kitchen_files: dict[str, str]) -> None:
    assert "subscriptions.go" not in kitchen_files
