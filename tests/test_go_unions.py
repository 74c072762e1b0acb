"""Go union decoding reads each union value once: the work to decode nested unions grows with
the size of the value, not exponentially with how deep the unions nest.

Measured in allocations (testing.AllocsPerRun), which are deterministic, not in time.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal, Union

from pydantic import BaseModel, ConfigDict

from hatch_centrifugo_sdk import Registry
from hatch_centrifugo_sdk.build.targets.go import names as go_names
from hatch_centrifugo_sdk.ir.parser import parse_api
from tests.conformance.sdks import go, go_workspace, output, render_sdks, run


class Node(BaseModel):
    """githubkit's shape: a field that is unset (a literal), a nested model, or a number."""

    name: str
    child: Union[Literal["<UNSET>"], "Node", int] = "<UNSET>"
    other: Union["Leaf", "Node", None] = None


class Leaf(BaseModel):
    leaf: int


ALLOCS = """\
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"

	fastjson "github.com/segmentio/encoding/json"

	sdk "example.com/proof/nested"
)

func main() {
	out := map[string]any{}
	for _, raw := range os.Args[1:] {
		var again []byte
		allocs := testing.AllocsPerRun(5, func() {
			var node sdk.RESULT
			if err := fastjson.Unmarshal([]byte(raw), &node); err != nil {
				panic(err)
			}
			again, _ = json.Marshal(node)
		})
		out[raw] = map[string]any{"allocs": allocs, "wire": json.RawMessage(again)}
	}
	text, _ := json.Marshal(out)
	fmt.Println(string(text))
}
"""


def nested(depth: int, added: bool) -> dict[str, object]:
    """Nodes nested ``depth`` deep; ``added``: each also has a member a newer service added (last, so
    a decoder that refuses unknown members finds it only after decoding the rest)."""
    node: dict[str, object] = {"name": "leaf", "child": 7, "other": {"leaf": 1}}
    for i in range(depth):
        node = {"name": f"n{i}", "child": node, "other": None, **({"added": i} if added else {})}
    return node


def test_nested_unions_decode_in_work_linear_in_depth(tmp_path: Path) -> None:
    registry = Registry()

    async def get(conn, params: Node) -> Node:  # type: ignore[no-untyped-def]
        return params

    registry.rpc("nodes.get")(get)
    api = parse_api(registry)
    sdks = render_sdks("nested", api)
    root = go_workspace([sdks], tmp_path, {"main.go": ALLOCS.replace("RESULT", go_names.go_type(api.methods[0].result))})
    done = go(root, "build", "-o", "allocs", ".")
    assert done.returncode == 0, output(done)
    payloads = {depth: json.dumps(nested(depth, added=True)) for depth in (4, 8)}
    ran = run([str(root / "allocs"), *payloads.values()], root)
    assert ran.returncode == 0, output(ran)
    report = json.loads(ran.stdout)
    for depth, raw in payloads.items():
        assert report[raw]["wire"] == nested(depth, added=False)  # decoded; the added member is not the SDK's
    four, eight = (report[payloads[d]]["allocs"] for d in (4, 8))
    # Twice the depth: about twice the allocations when each value is decoded once (2^4 times when
    # every level decodes its subtree once per variant tried).
    assert eight < 3 * four, (four, eight)


PICK = """\
package main

import (
	"encoding/json"
	"fmt"
	"os"

	fastjson "github.com/segmentio/encoding/json"

	sdk "example.com/proof/patches"
)

func main() {
	var call sdk.ResponseApplyPatchToolCall
	if err := fastjson.Unmarshal([]byte(os.Args[1]), &call); err != nil {
		panic(err)
	}
	op := call.Operation
	// Typed literals: each compiles only when the field's type is its own named type.
	var status sdk.ResponseApplyPatchToolCallStatus = call.Status
	var kind sdk.OperationUpdateFileType
	if op.OperationUpdateFile != nil {
		kind = op.OperationUpdateFile.Type
	}
	again, err := json.Marshal(call)
	if err != nil {
		panic(err)
	}
	text, _ := json.Marshal(map[string]any{
		"create": op.OperationCreateFile != nil, "delete": op.OperationDeleteFile != nil,
		"update": op.OperationUpdateFile != nil, "kind": kind, "is_update": kind == sdk.OperationUpdateFileTypeUpdateFile,
		"status": status, "wire": json.RawMessage(again),
	})
	fmt.Println(string(text))
}
"""


def test_a_plain_union_of_open_models_picks_the_variant_its_literal_tag_names(tmp_path: Path) -> None:
    """openai's models allow unknown fields and its patch operations share their required keys, told
    apart only by their one-value `type` literal (a discriminator pydantic does not see): an
    update_file operation must decode as OperationUpdateFile, not as the first variant listed."""
    from openai.types.responses.response_apply_patch_tool_call import ResponseApplyPatchToolCall

    class Name(BaseModel):
        name: str

    registry = Registry()

    async def get(conn, params: Name) -> ResponseApplyPatchToolCall:  # type: ignore[no-untyped-def]
        raise NotImplementedError

    get.__annotations__ = {"conn": object, "params": Name, "return": ResponseApplyPatchToolCall}
    registry.rpc("patches.get")(get)
    api = parse_api(registry)
    assert go_names.go_type(api.methods[0].result) == "ResponseApplyPatchToolCall"
    sdks = render_sdks("patches", api)
    root = go_workspace([sdks], tmp_path, {"main.go": PICK})
    for args in (("vet", "./..."), ("build", "-o", "pick", ".")):
        done = go(root, *args)
        assert done.returncode == 0, output(done)
    wire = {
        "id": "apc_1", "call_id": "call_1", "status": "completed", "type": "apply_patch_call",
        "operation": {"diff": "@@ -1 +1 @@\n-a\n+b\n", "path": "a.txt", "type": "update_file"},
        "caller": None, "created_by": None,  # results always carry fields with defaults
    }
    assert ResponseApplyPatchToolCall.model_validate(wire).operation.type == "update_file"
    ran = run([str(root / "pick"), json.dumps(wire)], root)
    assert ran.returncode == 0, output(ran)
    report = json.loads(ran.stdout)
    assert (report["create"], report["delete"], report["update"]) == (False, False, True), report
    assert report["kind"] == "update_file" and report["is_update"] and report["status"] == "completed"
    assert report["wire"] == wire


class Unset(BaseModel):
    """githubkit's shape: an open model whose fields are Missing[str] (a literal or a string)."""

    model_config = ConfigDict(extra="allow")

    f0: Union[Literal["<UNSET>"], str] = "<UNSET>"
    f1: Union[Literal["<UNSET>"], str] = "<UNSET>"
    f2: Union[Literal["<UNSET>"], str] = "<UNSET>"
    f3: Union[Literal["<UNSET>"], str] = "<UNSET>"
    f4: Union[Literal["<UNSET>"], str] = "<UNSET>"
    f5: Union[Literal["<UNSET>"], str] = "<UNSET>"
    f6: Union[Literal["<UNSET>"], str] = "<UNSET>"
    f7: Union[Literal["<UNSET>"], str] = "<UNSET>"
    f8: Union[Literal["<UNSET>"], str] = "<UNSET>"
    f9: Union[Literal["<UNSET>"], str] = "<UNSET>"


def test_open_models_and_literal_slots_decode_each_member_once(tmp_path: Path) -> None:
    """Each string of an open model's union fields costs its own value (the string and the slot's
    pointer): the literal slot compares the JSON text without decoding it, and the unknown-member
    scan copies only the members it keeps (it copied every member)."""
    registry = Registry()

    async def get(conn, params: Unset) -> Unset:  # type: ignore[no-untyped-def]
        return params

    get.__annotations__ = {"conn": object, "params": Unset, "return": Unset}
    registry.rpc("unset.get")(get)
    api = parse_api(registry)
    sdks = render_sdks("nested", api)
    # Allocations of the decode alone: the encode is run once, after.
    program = ALLOCS.replace("RESULT", go_names.go_type(api.methods[0].result)).replace(
        "\t		again, _ = json.Marshal(node)\n\t\t})", "\t\t})\n\t\tvar node sdk.RESULT\n\t\t_ = fastjson.Unmarshal([]byte(raw), &node)\n\t\tagain, _ = json.Marshal(node)"
    ).replace("RESULT", go_names.go_type(api.methods[0].result))
    assert program.count("json.Marshal(node)") == 1 and "})\n\t\tvar node" in program
    root = go_workspace([sdks], tmp_path, {"main.go": program})
    done = go(root, "build", "-o", "allocs", ".")
    assert done.returncode == 0, output(done)
    known = {f"f{i}": f"value {i}" for i in range(10)}
    raw = json.dumps({**known, "added": "by a newer service"})
    ran = run([str(root / "allocs"), raw], root)
    assert ran.returncode == 0, output(ran)
    report = json.loads(ran.stdout)[raw]
    assert report["wire"] == json.loads(raw)
    # Per field: the string and its pointer; then a few for the model, the member map, the kept member.
    assert report["allocs"] <= 2 * len(known) + 12, report["allocs"]  # 79 when every member was copied
