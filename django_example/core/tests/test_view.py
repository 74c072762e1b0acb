"""The RPC proxy view, through Django's URLconf, middleware and signals."""
import asyncio
import json
import logging

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import request_finished, request_started
from django.test import AsyncClient, AsyncRequestFactory, override_settings
from pydantic import BaseModel

from apps.todos.models import Todo
from core.tests.test_guide_traps import guide_get_task_stats
from hatch_centrifugo_sdk import Registry
from hatch_centrifugo_sdk.asgi import RpcProxyApp
from hatch_centrifugo_sdk.django import dispatcher_from_settings, rpc_proxy_view
from hatch_centrifugo_sdk.runtime.limits import proxy_body_limit

HEADER = "X-Centrifugo-Proxy-Secret"


def proxy_request(method, data, user="alice"):
    return json.dumps({"client": "c1", "transport": "websocket", "protocol": "json", "user": user,
                       "method": method, "data": data})


async def post(body, secret=None, client=None):
    client = client or AsyncClient(enforce_csrf_checks=True)
    headers = {HEADER: settings.CENTRIFUGO_PROXY_SECRET if secret is None else secret}
    return await client.post("/centrifugo/rpc", body, content_type="application/json", headers=headers)


@pytest.mark.django_db(transaction=True)
async def test_a_call_through_urls_py_with_csrf_checks_on():
    seen = []

    def record(sender, **kwargs):
        seen.append(sender)

    request_started.connect(record)
    request_finished.connect(record)
    try:
        reply = await post(proxy_request("todos.create", {"title": "through django"}))
    finally:
        request_started.disconnect(record)
        request_finished.disconnect(record)
    assert reply.status_code == 200 and reply["Content-Type"] == "application/json"
    todo = reply.json()["result"]["data"]["todo"]
    assert todo["title"] == "through django" and todo["completed"] is False
    assert (await Todo.objects.aget(id=todo["id"])).user_id == "alice"  # conn.user_id from Centrifugo's user
    assert len(seen) == 2  # the request cycle's signals ran for the call


async def test_refusals_match_the_asgi_endpoint():
    wrong = await post(proxy_request("todos.list", {}), secret="wrong")
    assert (wrong.status_code, wrong.json()) == (403, {"detail": f"missing or wrong {HEADER} header"})
    get = await AsyncClient().get("/centrifugo/rpc", headers={HEADER: settings.CENTRIFUGO_PROXY_SECRET})
    assert (get.status_code, get["Allow"]) == (405, "POST")
    unknown = await post(proxy_request("todos.nope", {}))
    assert unknown.json()["error"]["code"] == 404
    invalid = await post(proxy_request("todos.create", {"title": 5}))
    assert invalid.json()["error"]["code"] == 422


def body_of(response):
    return json.loads(response.content)


def call(view, body, secret="s"):
    request = AsyncRequestFactory().post("/centrifugo/rpc", body, content_type="application/json", headers={HEADER: secret})
    return view(request)


@override_settings(CENTRIFUGO_PROXY_SECRET="s", CENTRIFUGO_MAX_PAYLOAD_BYTES=200)
async def test_payload_limit_from_settings():
    view = rpc_proxy_view()
    reply = await call(view, proxy_request("todos.create", {"title": "x" * 300}))
    assert reply.status_code == 200
    assert body_of(reply)["error"]["code"] == 413


class SlowParams(BaseModel):
    """Nothing."""


class SlowResult(BaseModel):
    """Nothing."""


@override_settings(CENTRIFUGO_PROXY_SECRET="s", CENTRIFUGO_HANDLER_TIMEOUT=0.05)
async def test_handler_timeout_from_settings():
    registry = Registry()

    @registry.rpc("slow.call")
    async def slow(conn, params: SlowParams) -> SlowResult:
        """Sleeps past the timeout."""
        await asyncio.sleep(30)
        return SlowResult()

    reply = await call(rpc_proxy_view(registry), proxy_request("slow.call", {}))
    assert body_of(reply)["error"]["code"] == 408


@pytest.mark.django_db(transaction=True)
@override_settings(CENTRIFUGO_PROXY_SECRET="s")
async def test_the_guides_sync_orm_handler_answers_internal_error(caplog):
    registry = Registry()
    registry.rpc("tasks.get_stats")(guide_get_task_stats)
    with caplog.at_level(logging.ERROR, logger="hatch_centrifugo_sdk"):
        reply = await call(rpc_proxy_view(registry), proxy_request("tasks.get_stats", {"user_id": "test"}))
    assert body_of(reply)["error"] == {"code": 500, "message": "internal error [handler started]", "temporary": True}
    assert "SynchronousOnlyOperation" in caplog.text


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"CENTRIFUGO_PROXY_SECRET": None}, "settings.CENTRIFUGO_PROXY_SECRET is not set: anyone who can reach"),
        ({"CENTRIFUGO_PROXY_SECRET": ""}, "settings.CENTRIFUGO_PROXY_SECRET = '': must be the non-empty secret"),
        ({"CENTRIFUGO_PROXY_INSECURE": "yes"}, "settings.CENTRIFUGO_PROXY_INSECURE = 'yes': must be True or False"),
        ({"CENTRIFUGO_HANDLER_TIMEOUT": 0}, "settings.CENTRIFUGO_HANDLER_TIMEOUT = 0: must be a positive number"),
        ({"CENTRIFUGO_HANDLER_TIMEOUT": "10"}, "settings.CENTRIFUGO_HANDLER_TIMEOUT = '10': must be a positive"),
        ({"CENTRIFUGO_MAX_PAYLOAD_BYTES": True}, "settings.CENTRIFUGO_MAX_PAYLOAD_BYTES = True: must be a positive"),
        ({"CENTRIFUGO_MAX_PARAMS_BYTES": 0}, "settings.CENTRIFUGO_MAX_PARAMS_BYTES = 0: must be a positive"),
    ],
)
def test_bad_settings_are_refused_when_the_view_is_built(overrides, message):
    with override_settings(**overrides), pytest.raises(ImproperlyConfigured) as caught:
        rpc_proxy_view()
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


async def test_the_body_limit_follows_the_params_limit_by_default():
    with override_settings(CENTRIFUGO_PROXY_SECRET="s"):
        assert dispatcher_from_settings().max_payload_bytes == proxy_body_limit(1_048_576)
    with override_settings(CENTRIFUGO_PROXY_SECRET="s", CENTRIFUGO_MAX_PARAMS_BYTES=1000):
        assert dispatcher_from_settings().max_payload_bytes == proxy_body_limit(1000)


async def test_insecure_mode_needs_no_header():
    with override_settings(CENTRIFUGO_PROXY_SECRET=None, CENTRIFUGO_PROXY_INSECURE=True):
        view = rpc_proxy_view()
    reply = await view(AsyncRequestFactory().post("/centrifugo/rpc", proxy_request("nope", {}), content_type="application/json"))
    assert body_of(reply)["error"]["code"] == 404


def test_defaults_are_the_asgi_endpoints():
    with override_settings(CENTRIFUGO_PROXY_SECRET="s"):
        del settings.CENTRIFUGO_HANDLER_TIMEOUT  # the example sets it; the default is what is compared
        ours = dispatcher_from_settings()
    asgi = RpcProxyApp(proxy_secret="s").dispatcher
    assert (ours.handler_timeout, ours.max_payload_bytes) == (asgi.handler_timeout, asgi.max_payload_bytes) == (10.0, proxy_body_limit(1_048_576))


async def test_the_subscribe_proxy_view_applies_each_channels_rule():
    from hatch_centrifugo_sdk.channels import channel
    from hatch_centrifugo_sdk.django import subscribe_proxy_view

    class Ping(BaseModel):
        n: int

    registry = Registry()
    channel("pings.user:{user_id}", Ping, subscribe="user", registry=registry)
    with override_settings(CENTRIFUGO_PROXY_SECRET="s"):
        view = subscribe_proxy_view(registry)

    def subscribe(channel_name, user, secret="s"):
        body = json.dumps({"client": "c1", "transport": "websocket", "protocol": "json", "encoding": "json",
                           "user": user, "channel": channel_name})
        request = AsyncRequestFactory().post("/centrifugo/subscribe", body, content_type="application/json",
                                             headers={HEADER: secret})
        return view(request)

    assert body_of(await subscribe("pings.user:alice", "alice")) == {"result": {}}
    assert body_of(await subscribe("pings.user:alice", "bob"))["error"]["code"] == 403
    assert body_of(await subscribe("pings.user:alice", ""))["error"]["code"] == 401
    assert body_of(await subscribe("nopes.user:alice", "alice"))["error"]["code"] == 404
    refused = await subscribe("pings.user:alice", "alice", secret="wrong")
    assert (refused.status_code, body_of(refused)) == (403, {"detail": f"missing or wrong {HEADER} header"})
    assert view.csrf_exempt is True
