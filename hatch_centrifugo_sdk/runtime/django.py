"""Centrifugo's RPC proxy as an async Django view, routed in ``urls.py``::

    from hatch_centrifugo_sdk.django import rpc_proxy_view

    urlpatterns = [path("centrifugo/rpc", rpc_proxy_view())]

Served through Django's request cycle: middleware runs, ``request_started`` and
``request_finished`` close stale database connections as for any request, and the async
ORM's queries run in the request's own thread. Exempt from CSRF (Centrifugo sends no
token; the shared secret authenticates it). Read from Django settings, with the defaults and
refusals of ``RpcProxyApp``: ``CENTRIFUGO_PROXY_SECRET`` (required unless
``CENTRIFUGO_PROXY_INSECURE = True``, for local development only),
``CENTRIFUGO_HANDLER_TIMEOUT`` (seconds, 10), ``CENTRIFUGO_MAX_PAYLOAD_BYTES`` (1 MiB) and
``CENTRIFUGO_SERVICE_VERSION`` (optional, answered by ``system.api_version``).
"""

from __future__ import annotations

import inspect
from typing import Any, Awaitable, Callable

from .dispatch import PROXY_SECRET_HEADER, Dispatcher, Reply
from .registry import Registry, default_registry

View = Callable[[Any], Awaitable[Any]]

_DEFAULTS = {name: p.default for name, p in inspect.signature(Dispatcher.__init__).parameters.items()}


def rpc_proxy_view(registry: Registry = default_registry) -> View:
    """An async view answering Centrifugo's RPC proxy POSTs with the handlers of ``registry``.

    Settings are read (and refused) when the URLconf is loaded.
    """
    dispatcher = dispatcher_from_settings(registry)
    header = dispatcher.secret_header
    limit = dispatcher.max_payload_bytes

    async def centrifugo_rpc_proxy(request: Any) -> Any:
        secret = request.headers.get(header)
        # Django decodes header values as latin-1; encoding back gives the bytes sent.
        refused = dispatcher.refusal(
            request.method, secret.encode("latin-1") if secret is not None else None, request.META.get("CONTENT_LENGTH")
        )
        if refused is not None:
            return _response(refused)
        # Never more than one byte past the limit into memory.
        return _response(await dispatcher.answer(request.read(limit + 1)))

    # The attribute CsrfViewMiddleware reads; the csrf_exempt decorator would wrap the
    # coroutine function in a sync one before Django 5.0.
    centrifugo_rpc_proxy.csrf_exempt = True  # type: ignore[attr-defined]
    return centrifugo_rpc_proxy


def subscribe_proxy_view(registry: Registry = default_registry) -> View:
    """An async view answering Centrifugo's subscribe proxy POSTs for the channels of ``registry``::

        path("centrifugo/subscribe", subscribe_proxy_view())

    The same secret settings as :func:`rpc_proxy_view`, read (and refused) when the URLconf is loaded.
    """
    from .subscribe import MAX_BODY, SubscribeProxy

    secret, insecure = _secret_settings(_reader())
    proxy = SubscribeProxy(registry, proxy_secret=secret, allow_insecure=insecure)

    async def centrifugo_subscribe_proxy(request: Any) -> Any:
        given = request.headers.get(proxy.secret_header)
        refused = proxy.secret.refusal(request.method, given.encode("latin-1") if given is not None else None)
        if refused is not None:
            return _response(refused)
        body = request.read(MAX_BODY + 1)
        if len(body) > MAX_BODY:
            return _response(Reply(413, b'{"detail":"request too large"}'))
        return _response(Reply(200, await proxy.handle(body)))

    centrifugo_subscribe_proxy.csrf_exempt = True  # type: ignore[attr-defined]
    return centrifugo_subscribe_proxy


Read = Callable[[str, Any, Callable[[Any], bool], str], Any]


def _reader() -> Read:
    """Reads one Django setting, refusing a bad value with ImproperlyConfigured."""
    from django.conf import settings  # type: ignore[import-untyped]
    from django.core.exceptions import ImproperlyConfigured  # type: ignore[import-untyped]

    def read(name: str, default: Any, accept: Callable[[Any], bool], rule: str) -> Any:
        value = getattr(settings, name, default)
        if not accept(value):
            raise ImproperlyConfigured(f"settings.{name} = {value!r}: {rule}")
        return value

    return read


def _secret_settings(read: Read) -> tuple[str | None, bool]:
    from django.core.exceptions import ImproperlyConfigured

    secret = read(
        "CENTRIFUGO_PROXY_SECRET", None, lambda v: v is None or (isinstance(v, str) and v != ""),
        "must be the non-empty secret Centrifugo sends in its proxy header; fix: set it, or leave it unset "
        "with CENTRIFUGO_PROXY_INSECURE = True for local development only",
    )
    insecure = read("CENTRIFUGO_PROXY_INSECURE", False, lambda v: isinstance(v, bool), "must be True or False")
    if secret is None and not insecure:
        raise ImproperlyConfigured(
            "settings.CENTRIFUGO_PROXY_SECRET is not set: anyone who can reach the view could call any handler "
            f"as any user; fix: set it to the secret Centrifugo sends in its {PROXY_SECRET_HEADER!r} proxy header "
            "(e.g. os.environ['CENTRIFUGO_PROXY_SECRET']), or CENTRIFUGO_PROXY_INSECURE = True for local development only"
        )
    return secret, insecure


def dispatcher_from_settings(registry: Registry = default_registry) -> Dispatcher:
    """A :class:`Dispatcher` configured from ``django.conf.settings`` (ImproperlyConfigured on a bad value)."""
    read = _reader()

    def is_number(v: Any) -> bool:
        return isinstance(v, (int, float)) and not isinstance(v, bool)

    secret, insecure = _secret_settings(read)
    timeout = read(
        "CENTRIFUGO_HANDLER_TIMEOUT", _DEFAULTS["handler_timeout"], lambda v: is_number(v) and v > 0,
        "must be a positive number of seconds; fix: set it, e.g. 10, or remove it for the default",
    )
    def is_size(v: Any) -> bool:
        return isinstance(v, int) and not isinstance(v, bool) and v > 0

    params_limit = read(
        "CENTRIFUGO_MAX_PARAMS_BYTES", _DEFAULTS["max_params_bytes"], is_size,
        "must be a positive number of bytes, the hook's max-params-bytes; fix: set it, e.g. 1048576, "
        "or remove it for the default",
    )
    # None: the body limit follows from the params limit, as for RpcProxyApp.
    limit = read(
        "CENTRIFUGO_MAX_PAYLOAD_BYTES", None, lambda v: v is None or is_size(v),
        "must be a positive number of bytes; fix: set it, or remove it to derive it from CENTRIFUGO_MAX_PARAMS_BYTES",
    )
    version = read("CENTRIFUGO_SERVICE_VERSION", None, lambda v: v is None or isinstance(v, str), "must be a string")
    return Dispatcher(
        registry,
        proxy_secret=secret,
        allow_insecure=insecure,
        handler_timeout=float(timeout),
        max_params_bytes=params_limit,
        max_payload_bytes=limit,
        service_version=version,
    )


def _response(reply: Reply) -> Any:
    from django.http import HttpResponse  # type: ignore[import-untyped]

    response = HttpResponse(reply.body, status=reply.status, content_type="application/json")
    for name, value in reply.headers:
        response[name] = value
    return response
