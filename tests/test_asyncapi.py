"""asyncapi.json: every RPC method and channel, validated by the reference AsyncAPI parser (@asyncapi/parser)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from hatch_centrifugo_sdk.build.asyncapi import asyncapi_document
from hatch_centrifugo_sdk.ir.parser import parse_api
from tests.fixtures.kitchen_sink import registry as kitchen_sink

JS = Path(__file__).parent / "js"
sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
import channel_service as svc  # noqa: E402


def parsed(document: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    path = tmp_path / "asyncapi.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    done = subprocess.run(["node", str(JS / "asyncapi_check.cjs"), str(path)], capture_output=True, text=True, cwd=JS)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_channels_are_sent_and_rpc_methods_received_with_a_reply(tmp_path: Path) -> None:
    result = parsed(asyncapi_document(parse_api(svc.registry), title="notes", version="1.0.0"), tmp_path)
    assert result["errors"] == []
    operations = {op["id"]: op for op in result["operations"]}
    # the application (the service) sends on channels, which clients receive
    assert operations["publish.notes.events"] == {
        "id": "publish.notes.events", "action": "send", "address": ["notes.events:{user_id}"],
        "messages": ["NoteAdded", "NoteRemoved"], "reply": None,
    }
    assert operations["publish.notes.feed"]["action"] == "send"
    # and receives each RPC request, replying with its result
    assert operations["rpc.notes.add"] == {
        "id": "rpc.notes.add", "action": "receive", "address": ["notes.add"],
        "messages": ["AddParams"], "reply": ["AddResult"],
    }
    assert result["parameters"]["notes.events"] == ["user_id"]
    assert result["parameters"]["notes.rooms"] == ["room"]


def test_every_type_the_sdks_know_is_a_valid_schema(tmp_path: Path) -> None:
    api = parse_api(kitchen_sink)
    result = parsed(asyncapi_document(api, title="kitchen-sink", version="0.1.0"), tmp_path)
    assert result["errors"] == []
    assert len(result["operations"]) == len(api.methods)


def test_the_document_is_deterministic() -> None:
    api = parse_api(svc.registry)
    assert json.dumps(asyncapi_document(api, title="n", version="1")) == json.dumps(asyncapi_document(api, title="n", version="1"))
