"""The Python side of the conformance vectors, run in a venv where only the SDK wheel is installed.

    python python_sdk_check.py decode|call|events < given.json

``given``: the vectors' cases, the SDK's import name, its class and method names, and for
``call`` the Centrifugo address and a token. ``decode`` builds each params model from the
values and compares its wire form, and decodes each result wire form and compares the
values; ``call`` sends the params through Centrifugo and checks the answer the same way;
``events`` subscribes to the channel, publishes each event's wire form and reports each delivered.
Prints case name → list of problems (empty when the case holds).
"""

from __future__ import annotations

import asyncio
import importlib
import json
import sys
import urllib.request
from typing import Any

import pydantic
import vectors

given = json.load(sys.stdin)
sdk = importlib.import_module(given["package"])
types: dict[str, str] = given["types"]  # API model name → SDK class name


def enum_member(name: str, value: Any) -> Any:
    return getattr(sdk, types[name])(value)


def wire_names(cls: type[pydantic.BaseModel]) -> dict[str, str]:
    """Wire name → attribute name of a model's fields."""
    return {(f.serialization_alias or f.alias or name): name for name, f in cls.model_fields.items()}


def build(type_name: str, values: dict[str, Any]) -> pydantic.BaseModel:
    """The SDK's params model from values, by attribute names, as a user writes it."""
    cls = getattr(sdk, types[type_name])
    attrs = wire_names(cls)
    return cls(**{attrs[k]: vectors.to_python(v, enum_member) for k, v in values.items()})


def compare(path: str, got: Any, want: Any, problems: list[str]) -> None:
    tagged = vectors.tag_of(want)
    if isinstance(got, pydantic.BaseModel):
        attrs = wire_names(type(got))
        if not isinstance(want, dict) or set(attrs) != set(want):
            problems.append(f"{path}: fields {sorted(attrs)}, want {want!r}")
            return
        for key, value in want.items():
            compare(f"{path}.{key}", getattr(got, attrs[key]), value, problems)
    elif tagged is not None:
        expected = vectors.to_python(want, enum_member)
        offset = getattr(expected, "utcoffset", lambda: None)
        if type(got) is not type(expected) or got != expected or (tagged[0] == "$datetime" and got.utcoffset() != offset()):
            problems.append(f"{path}: got {got!r} ({type(got).__name__}), want {expected!r} ({type(expected).__name__})")
    elif isinstance(want, dict):
        if not isinstance(got, dict) or set(got) != set(want):
            problems.append(f"{path}: got {got!r}, want {want!r}")
            return
        for key, value in want.items():
            compare(f"{path}[{key!r}]", got[key], value, problems)
    elif isinstance(want, list):
        if not isinstance(got, list) or len(got) != len(want):
            problems.append(f"{path}: got {got!r}, want {want!r}")
            return
        for i, (g, w) in enumerate(zip(got, want)):
            compare(f"{path}[{i}]", g, w, problems)
    elif type(got) is not type(want) or got != want:
        problems.append(f"{path}: got {got!r} ({type(got).__name__}), want {want!r}")


def wire(model: pydantic.BaseModel) -> Any:
    return model.model_dump(mode="json", by_alias=True, exclude_unset=True)


def decode() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for case in given["cases"]:
        problems: list[str] = []
        params = build(case["params_type"], case["params"]["values"])
        if wire(params) != case["params"]["wire"]:
            problems.append(f"params encode to {wire(params)!r}, want {case['params']['wire']!r}")
        result = getattr(sdk, types[case["result_type"]]).model_validate(case["result"]["wire"])
        compare("result", result, case["result"]["values"], problems)
        if result.model_dump(mode="json", by_alias=True) != case["result"]["wire"]:
            problems.append(f"result encodes back to {result.model_dump(mode='json', by_alias=True)!r}")
        out[case["name"]] = problems
    for rejected in given["rejected"]:
        try:
            getattr(sdk, types[rejected["params_type"]]).model_validate(rejected["wire"])
            out[rejected["name"]] = ["the SDK's model accepted it"]
        except pydantic.ValidationError:
            out[rejected["name"]] = []
    return out


async def call() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    async with sdk.CentrifugoRPCClient(given["url"], token=given["token"], timeout=10.0) as rpc:
        api = sdk.APIClient(rpc)
        for case in given["cases"]:
            problems: list[str] = []
            try:
                result = await getattr(api, given["methods"][case["method"]])(build(case["params_type"], case["params"]["values"]))
            except sdk.RpcError as error:
                out[case["name"]] = [f"{type(error).__name__} {error.code}: {error}"]
                continue
            compare("result", result, case["result"]["values"], problems)
            out[case["name"]] = problems
    return out


def publish(data: Any) -> None:
    """Publish as the service (or a newer one) would: through Centrifugo's server API."""
    request = urllib.request.Request(
        f"{given['api_url']}/publish", method="POST", data=json.dumps({"channel": given["channel_name"], "data": data}).encode(),
        headers={"X-API-Key": given["api_key"], "Content-Type": "application/json"},
    )
    with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=10) as response:
        assert "error" not in json.loads(response.read())


async def events() -> dict[str, Any]:
    """Subscribe, publish each event's wire form, report how the SDK delivered each (in order)."""
    unknown = importlib.import_module(f"{given['package']}.subscriptions").UnknownEvent
    out: dict[str, Any] = {}
    async with sdk.CentrifugoRPCClient(given["url"], token=given["token"], timeout=10.0) as rpc:
        subscribe = getattr(sdk.APIClient(rpc), given["channel"])
        async with subscribe(**given["params"]) as subscription:
            for case in given["events"]:
                publish(case["wire"])
            delivered = aiter(subscription)
            for case in given["events"]:
                event = await asyncio.wait_for(anext(delivered), 10)
                if isinstance(event, unknown):
                    out[case["name"]] = {"known": False, "tag": event.tag, "data": event.data}
                else:
                    out[case["name"]] = {"known": True, "type": type(event).__name__,
                                         "data": event.model_dump(mode="json", by_alias=True)}
    return out


modes = {"decode": decode, "call": lambda: asyncio.run(call()), "events": lambda: asyncio.run(events())}
print(json.dumps(modes[sys.argv[1]]()))
