"""The built-in `system.api_version` method: the service says which API it serves."""

from __future__ import annotations

import json

from pydantic import BaseModel

from hatch_centrifugo_sdk import Connection, Registry
from hatch_centrifugo_sdk.dispatch import API_VERSION_METHOD, Dispatcher
from hatch_centrifugo_sdk.ir.parser import parse_api
from tests.fixtures.kitchen_sink import registry as kitchen_sink

SECRET = "s3cret"


class Empty(BaseModel):
    pass


def request(method: str, data: object = None) -> bytes:
    body = {"client": "c1", "transport": "websocket", "protocol": "json", "encoding": "json", "user": "", "method": method}
    if data is not None:
        body["data"] = data
    return json.dumps(body).encode()


async def call(dispatcher: Dispatcher, method: str, data: object = None) -> dict:
    reply = await dispatcher.dispatch(request(method, data), {"X-Centrifugo-Proxy-Secret": SECRET})
    assert reply.status == 200
    return json.loads(reply.body)


async def test_api_version_reports_the_hash_the_build_embeds() -> None:
    dispatcher = Dispatcher(kitchen_sink, proxy_secret=SECRET, service_version="1.4.0")
    answer = await call(dispatcher, API_VERSION_METHOD, {})
    assert answer == {"result": {"data": {"api_hash": parse_api(kitchen_sink).hash, "service_version": "1.4.0"}}}
    # Without data, and without a configured version.
    plain = Dispatcher(kitchen_sink, proxy_secret=SECRET)
    assert (await call(plain, API_VERSION_METHOD))["result"]["data"]["service_version"] is None


async def test_the_hash_follows_handlers_registered_later() -> None:
    local = Registry()

    @local.rpc("a.one")
    async def one(conn: Connection, params: Empty) -> Empty:
        return Empty()

    dispatcher = Dispatcher(local, proxy_secret=SECRET)
    first = (await call(dispatcher, API_VERSION_METHOD))["result"]["data"]["api_hash"]

    @local.rpc("a.two")
    async def two(conn: Connection, params: Empty) -> Empty:
        return Empty()

    second = (await call(dispatcher, API_VERSION_METHOD))["result"]["data"]["api_hash"]
    assert first != second == parse_api(local).hash
    assert (await call(dispatcher, "a.two", {})) == {"result": {"data": {}}}


async def test_the_builtin_is_not_part_of_the_api_model() -> None:
    assert API_VERSION_METHOD not in {m.name for m in parse_api(kitchen_sink).methods}
