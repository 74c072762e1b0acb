"""Go union decoding reads each union value once: the work to decode nested unions grows with
the size of the value, not exponentially with how deep the unions nest.

Measured in allocations (testing.AllocsPerRun), which are deterministic, not in time.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal, Union

from pydantic import BaseModel

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
