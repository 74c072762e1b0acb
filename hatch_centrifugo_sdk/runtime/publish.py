"""Publishing typed events through Centrifugo's server HTTP API, with the standard library only.

``await todo_events.publish(TodoCreated(...), user_id="alice")`` validates the event against the
channel's event type, serialises it as results are (JSON, by alias) and POSTs it to
``/api/publish`` with the API key. Nothing is dropped silently: an unreachable Centrifugo, a
refused key, a non-JSON answer or an error reply raises :class:`PublishError`.

The HTTP call runs in a worker thread (``urllib``), so the event loop never waits on the network.
"""

from __future__ import annotations

import asyncio
import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Iterable

from .channels import Channel

API_URL_ENV = "CENTRIFUGO_API_URL"
API_KEY_ENV = "CENTRIFUGO_API_KEY"


class PublishError(Exception):
    """A publication did not reach Centrifugo, or Centrifugo refused it.

    ``code`` is Centrifugo's error code when it answered with one (``None`` otherwise),
    ``status`` the HTTP status when there was an answer, ``temporary`` whether retrying may help.
    """

    def __init__(
        self, message: str, *, channel: str | None = None, code: int | None = None,
        status: int | None = None, temporary: bool = False,
    ) -> None:
        super().__init__(message)
        self.channel = channel
        self.code = code
        self.status = status
        self.temporary = temporary


@dataclass(frozen=True)
class Publication:
    """One event ready to publish: the Centrifugo channel and the event's JSON."""

    channel: str
    data: bytes

    def command(self) -> bytes:
        return b'{"channel":' + json.dumps(self.channel).encode() + b',"data":' + self.data + b"}"


def publication(channel: Channel[Any], event: Any, **params: str) -> Publication:
    """Validate and serialise ``event`` for the channel ``params`` name (for :meth:`Publisher.publish_many`)."""
    return Publication(channel.channel_name(**params), channel.serialize(event))


class Publisher:
    """Centrifugo's server API at ``api_url`` (``http://centrifugo:8000/api``), authorised by ``api_key``."""

    def __init__(self, api_url: str, api_key: str, *, timeout: float = 5.0) -> None:
        if not api_url.startswith(("http://", "https://")):
            raise ValueError(f"api_url {api_url!r} is not an http(s) URL such as 'http://127.0.0.1:8000/api'")
        if not api_key:
            raise ValueError("api_key is empty: pass Centrifugo's http_api.key")
        self.api_url = api_url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout

    @classmethod
    def from_env(cls, **options: Any) -> Publisher:
        """From ``CENTRIFUGO_API_URL`` and ``CENTRIFUGO_API_KEY``."""
        url, key = os.environ.get(API_URL_ENV), os.environ.get(API_KEY_ENV)
        if not url or not key:
            missing = " and ".join(n for n, v in ((API_URL_ENV, url), (API_KEY_ENV, key)) if not v)
            raise PublishError(
                f"{missing} not set: publishing needs Centrifugo's server API; fix: set {API_URL_ENV} "
                f"(e.g. http://127.0.0.1:8000/api) and {API_KEY_ENV} (its http_api.key), or call "
                "configure_publisher(Publisher(url, key))"
            )
        return cls(url, key, **options)

    async def publish(self, channel: Channel[Any], event: Any, **params: str) -> None:
        """Publish one event; raises :class:`PublishError` unless Centrifugo accepted it."""
        item = publication(channel, event, **params)
        reply = await self._call("publish", item.command(), item.channel)
        _check(reply, item.channel)

    async def publish_many(self, publications: Iterable[Publication]) -> None:
        """Publish several events in one request (Centrifugo's ``/api/batch``), in order.

        Raises :class:`PublishError` naming every publication Centrifugo refused; the others
        were published.
        """
        items = list(publications)
        if not items:
            return
        body = b'{"commands":[' + b",".join(b'{"publish":' + p.command() + b"}" for p in items) + b"]}"
        reply = await self._call("batch", body, None)
        replies = reply.get("replies") if isinstance(reply, dict) else None
        if not isinstance(replies, list) or len(replies) != len(items):
            raise PublishError(f"Centrifugo answered the batch of {len(items)} publications with {reply!r:.200}")
        failed = []
        for item, one in zip(items, replies):
            try:
                _check(one, item.channel)
            except PublishError as exc:
                failed.append(exc)
        if failed:
            first = failed[0]
            raise PublishError(
                f"{len(failed)} of {len(items)} publications refused: " + "; ".join(str(e) for e in failed[:5]),
                channel=first.channel, code=first.code, temporary=all(e.temporary for e in failed),
            )

    async def _call(self, method: str, body: bytes, channel: str | None) -> Any:
        return await asyncio.to_thread(self._post, method, body, channel)

    def _post(self, method: str, body: bytes, channel: str | None) -> Any:
        request = urllib.request.Request(
            f"{self.api_url}/{method}", data=body, method="POST",
            headers={"Content-Type": "application/json", "X-API-Key": self.api_key},
        )
        where = f"channel {channel!r}: " if channel else ""
        try:
            with _DIRECT.open(request, timeout=self.timeout) as response:
                raw = response.read()
        except urllib.error.HTTPError as exc:
            hint = " (wrong API key?)" if exc.code == 401 else ""
            raise PublishError(
                f"{where}Centrifugo at {self.api_url} answered HTTP {exc.code}{hint}",
                channel=channel, status=exc.code, temporary=exc.code >= 500,
            ) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise PublishError(
                f"{where}Centrifugo at {self.api_url} is unreachable: {reason}", channel=channel, temporary=True
            ) from None
        try:
            return json.loads(raw)
        except ValueError:
            raise PublishError(
                f"{where}Centrifugo at {self.api_url} answered with something other than JSON: {raw[:100]!r}",
                channel=channel, status=200,
            ) from None


def _check(reply: Any, channel: str) -> None:
    error = reply.get("error") if isinstance(reply, dict) else None
    if error:
        code = error.get("code")
        raise PublishError(
            f"channel {channel!r}: Centrifugo refused the publication: {code} {error.get('message', '')}".rstrip(),
            channel=channel, code=code, temporary=bool(error.get("temporary", False)),
        )


# Centrifugo's server API is an internal address: HTTP_PROXY and friends are not for it.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))

_default: Publisher | None = None


def configure_publisher(publisher: Publisher | None) -> None:
    """Set the publisher ``Channel.publish`` uses (None: read the environment on next use)."""
    global _default
    _default = publisher


def default_publisher() -> Publisher:
    global _default
    if _default is None:
        _default = Publisher.from_env()
    return _default
