"""Channels at run time, through a real Centrifugo: publishing, the subscribe proxy, history.

The service (tests/fixtures/channel_service.py) runs under uvicorn; subscribers are raw
centrifuge-python clients, so what is checked is what Centrifugo itself delivers and refuses.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest
from centrifuge import Client, SubscriptionEventHandler

from hatch_centrifugo_sdk.channels import PublishError, Publisher, SubscribeProxy, publication
from stack import Stack, free_ports, run_stack

FIXTURES = Path(__file__).parent / "fixtures"
sys.path.insert(0, str(FIXTURES))
import channel_service as svc  # noqa: E402  (its own registry: imports register nothing globally)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with run_stack(
        "channel_service:create_app", factory=True, app_dir=FIXTURES, channels=svc.registry.channels(),
        workdir=tmp_path_factory.mktemp("channels"),
    ) as running:
        yield running


class Events(SubscriptionEventHandler):
    def __init__(self) -> None:
        self.outcome: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        self.publications: asyncio.Queue[Any] = asyncio.Queue()

    async def on_subscribed(self, ctx: Any) -> None:
        await self.outcome.put(("subscribed", ctx))

    async def on_unsubscribed(self, ctx: Any) -> None:
        await self.outcome.put(("unsubscribed", ctx))

    async def on_publication(self, ctx: Any) -> None:
        await self.publications.put(ctx.pub.data)


async def subscribe(stack: Stack, user: str, channel: str) -> tuple[Client, Events, str, Any]:
    client = Client(stack.ws_url, token=stack.token(user), proxy=None)
    await client.connect()
    events = Events()
    await client.new_subscription(channel, events=events).subscribe()
    outcome, ctx = await asyncio.wait_for(events.outcome.get(), 10)
    return client, events, outcome, ctx


def refusal(stack: Stack, user: str, channel: str) -> tuple[int, str] | None:
    async def run() -> tuple[int, str] | None:
        client, _, outcome, ctx = await subscribe(stack, user, channel)
        await client.disconnect()
        return None if outcome == "subscribed" else (ctx.code, ctx.reason)

    return asyncio.run(run())


def test_a_handler_publishes_and_the_subscriber_receives_the_events_json(stack: Stack) -> None:
    async def run() -> None:
        alice, mine, outcome, ctx = await subscribe(stack, "alice", "notes.events:alice")
        anonymous, everyone, feed_outcome, _ = await subscribe(stack, "", "notes.feed:all")
        assert (outcome, feed_outcome) == ("subscribed", "subscribed")
        # history + force_recovery in the generated config: Centrifugo makes the subscription recoverable
        assert ctx.recoverable and ctx.positioned
        assert (await alice.rpc("notes.add", {"text": "milk"})).data == {"ok": True}
        # serialised as results are: by alias, the union's tag included
        assert await asyncio.wait_for(mine.publications.get(), 10) == {"type": "added", "noteText": "milk"}
        assert await asyncio.wait_for(everyone.publications.get(), 10) == {"type": "added", "noteText": "milk"}
        await alice.disconnect()
        await anonymous.disconnect()

    asyncio.run(run())


@pytest.mark.parametrize(
    ("user", "channel", "refused"),
    [
        ("bob", "notes.events:alice", (403, "permission denied")),
        ("", "notes.events:alice", (401, "channel needs an authenticated user")),
        ("", "notes.rooms:lobby", (401, "channel needs an authenticated user")),
        ("carol", "notes.rooms:lobby", (403, "permission denied")),  # the channel's own check
        ("alice", "notes.rooms:closed", (403, "permission denied")),
        ("alice", "notes.events:a/b", (404, "unknown channel")),  # not a value the pattern allows
        ("alice", "notes.events:alice", None),
        ("bob", "notes.rooms:lobby", None),
        ("", "notes.feed:all", None),
    ],
)
def test_who_may_subscribe_is_the_channels_declaration(
    stack: Stack, user: str, channel: str, refused: tuple[int, str] | None
) -> None:
    assert refusal(stack, user, channel) == refused


def test_batch_publish_delivers_every_event_in_order(stack: Stack) -> None:
    publisher = Publisher(stack.api_url, stack.api_key)

    async def run() -> None:
        alice, events, _, _ = await subscribe(stack, "alice", "notes.events:alice")
        await publisher.publish_many([
            publication(svc.notes, svc.NoteAdded(noteText="a"), user_id="alice"),
            publication(svc.notes, {"type": "removed", "id": 7}, user_id="alice"),  # validated from plain data
            publication(svc.feed, svc.NoteAdded(noteText="b")),
        ])
        received = [await asyncio.wait_for(events.publications.get(), 10) for _ in range(2)]
        assert received == [{"type": "added", "noteText": "a"}, {"type": "removed", "id": 7}]
        await alice.disconnect()

    asyncio.run(run())


def test_a_publication_that_fails_raises_and_says_why(stack: Stack) -> None:
    with pytest.raises(PublishError, match=r"answered HTTP 401 \(wrong API key\?\)") as wrong_key:
        asyncio.run(svc.notes.publish(svc.NoteRemoved(id=1), publisher=Publisher(stack.api_url, "nope"), user_id="a"))
    assert wrong_key.value.status == 401
    (closed,) = free_ports(1)
    with pytest.raises(PublishError, match="is unreachable") as unreachable:
        asyncio.run(svc.feed.publish(svc.NoteAdded(noteText="x"), publisher=Publisher(f"http://127.0.0.1:{closed}/api", "k")))
    assert unreachable.value.temporary
    with pytest.raises(PublishError, match="1 of 2 publications refused: channel 'nowhere:x'"):
        from hatch_centrifugo_sdk.channels import Publication

        asyncio.run(Publisher(stack.api_url, stack.api_key).publish_many(
            [publication(svc.feed, svc.NoteAdded(noteText="x")), Publication("nowhere:x", b"{}")]
        ))


def test_an_event_of_the_wrong_type_or_a_bad_parameter_is_refused_before_sending() -> None:
    publisher = Publisher("http://127.0.0.1:9/api", "k")  # never reached
    with pytest.raises(ValueError, match="noteText"):
        asyncio.run(svc.notes.publish({"type": "added"}, publisher=publisher, user_id="alice"))
    with pytest.raises(ValueError, match="user_id='a:b' is not a valid channel parameter"):
        asyncio.run(svc.notes.publish(svc.NoteRemoved(id=1), publisher=publisher, user_id="a:b"))
    with pytest.raises(TypeError, match=r"missing: user_id"):
        asyncio.run(svc.notes.publish(svc.NoteRemoved(id=1), publisher=publisher))


def test_the_subscribe_proxy_needs_the_secret_and_a_proxy_request() -> None:
    proxy = SubscribeProxy(svc.registry, proxy_secret="s3cret")
    assert not proxy.secret_matches(None) and not proxy.secret_matches(b"other") and proxy.secret_matches(b"s3cret")
    with pytest.raises(ValueError, match="no proxy secret"):
        SubscribeProxy(svc.registry, proxy_secret=None)
    answer = json.loads(asyncio.run(proxy.handle(b'{"user": "alice"}')))
    assert answer["error"]["code"] == 400


def test_refused_subscribe_requests_are_logged_at_most_once_per_interval(caplog: pytest.LogCaptureFixture) -> None:
    """The subscribe endpoint refuses a wrong secret as the RPC endpoint does: a probe is one warning, not thousands."""
    from hatch_centrifugo_sdk.channels import SubscribeProxyApp

    app = SubscribeProxyApp(svc.registry, proxy_secret="s3cret")

    async def post(headers: list[tuple[bytes, bytes]]) -> int:
        sent: list[dict[str, Any]] = []
        received = iter([{"type": "http.request", "body": b'{"channel": "x"}', "more_body": False}])

        async def receive() -> dict[str, Any]:
            return next(received)

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        await app({"type": "http", "method": "POST", "headers": headers}, receive, send)
        return int(sent[0]["status"])

    with caplog.at_level("WARNING", logger="hatch_centrifugo_sdk"):
        statuses = [asyncio.run(post([(b"x-centrifugo-proxy-secret", b"wrong")])) for _ in range(200)]
    assert set(statuses) == {403}
    assert len(caplog.records) == 1
    assert caplog.records[0].getMessage().startswith("refused a subscribe proxy request without the right ")
