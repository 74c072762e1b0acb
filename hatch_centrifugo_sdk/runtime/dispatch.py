"""The service side of Centrifugo's RPC proxy, free of any web framework.

Centrifugo posts one JSON request per client RPC call; :class:`Dispatcher` checks the
shared secret, validates the request and its params in one pass, runs the handler and
turns every outcome into the reply Centrifugo expects (HTTP 200, ``result`` or ``error``).
Only the secret check answers with another status (403), because that caller is not
Centrifugo.
"""

from __future__ import annotations

import asyncio
import dis
import functools
import hmac
import json
import logging
import math
import os
import site
import sys
import sysconfig
import time
import types
from dataclasses import dataclass
from time import perf_counter
from typing import Annotated, Any, Generator, Literal, Mapping, Optional, Union

from pydantic import AliasPath, BaseModel, Field, RootModel, TypeAdapter, ValidationError
from typing_extensions import NotRequired, Required, TypedDict

from .connection import Connection
from .deadlines import Deadlines as _Deadlines
from .deadlines import HandlerTimeout as _Timeout
from .errors import BY_NAME, RpcError
from .idempotency import IDEMPOTENCY_KEY, MAX_KEY_CHARS, InProcessOutcomes, OutcomeStore, StillRunning
from .limits import DEFAULT_MAX_PARAMS_BYTES, proxy_body_limit
from .registry import Handler, Registry, default_registry

REDIS_URL_ENV = "RPC_IDEMPOTENCY_REDIS_URL"  # also in redis_outcomes, which needs the [redis] extra

PROXY_SECRET_HEADER = "X-Centrifugo-Proxy-Secret"
SECRET_ENV = "CENTRIFUGO_PROXY_SECRET"
INSECURE_ENV = "CENTRIFUGO_PROXY_INSECURE"

logger = logging.getLogger("hatch_centrifugo_sdk")

# The end of a temporary 408 or 500's message: what the service knows of the handler, which
# Centrifugo forwards (it passes code, message and temporary only). The SDKs retry such an
# error only when the handler did not start, or when the service deduplicates the call's key,
# and take the note off the message; older SDKs show it.
HANDLER_NOT_STARTED = " [handler not started]"
HANDLER_STARTED = " [handler started]"
HANDLER_STARTED_DEDUPLICATED = " [handler started; key deduplicated]"


@dataclass(frozen=True)
class Reply:
    """What to answer Centrifugo: an HTTP status and a JSON body."""

    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


_NOT_ALLOWED = Reply(405, b'{"detail":"method not allowed"}', (("Allow", "POST"),))


# Centrifugo's RPC proxy request, validated into a dict (a TypedDict costs less per request than
# a model instance); members it leaves out take their defaults where they are read.
_SHARED_FIELDS: dict[str, Any] = {
    "client": Required[str],
    "transport": NotRequired[str],  # "websocket"
    "protocol": NotRequired[str],  # "json"
    "user": NotRequired[str],  # "" or absent: an anonymous connection
    "meta": NotRequired[Any],
}


def _request_model(index: int, handler: Handler, key_field: bool) -> Any:
    fields = dict(_SHARED_FIELDS)
    fields["method"] = Required[Literal[handler.method]]
    fields["data"] = NotRequired[handler.params_model]  # absent when the client sent none
    if key_field:
        # The params' idempotency key, read in the same pass (the params model ignores it).
        fields["idempotency_key"] = NotRequired[Annotated[Any, Field(validation_alias=AliasPath("data", IDEMPOTENCY_KEY))]]
    if handler.requires_auth:
        # An anonymous caller fails on "user", which the dispatcher answers with 401.
        fields["user"] = Required[Annotated[str, Field(min_length=1)]]
    return TypedDict(f"ProxyRequest{index}", fields)  # type: ignore[operator]


def _request_adapter(handlers: tuple[Handler, ...], key_field: bool) -> TypeAdapter[Any]:
    """One validator for every method: the request and its params are parsed together."""
    models = tuple(_request_model(i, h, key_field) for i, h in enumerate(handlers))
    if not models:
        return TypeAdapter(TypedDict("ProxyRequestAny", {**_SHARED_FIELDS, "method": Required[str]}))  # type: ignore[operator]
    if len(models) == 1:
        return TypeAdapter(models[0])
    tagged: Any = Annotated[Union[models], Field(discriminator="method")]
    return TypeAdapter(tagged)


def _ignores_the_key(params_model: type[BaseModel]) -> bool:
    """Whether ``params_model`` validates params with a key member as it would without it:
    it ignores unknown members (Pydantic's default), and is not a RootModel (whose root
    would take the member in)."""
    return params_model.model_config.get("extra") in (None, "ignore") and not issubclass(params_model, RootModel)


API_VERSION_METHOD = "system.api_version"


class ApiVersionParams(BaseModel):
    """No parameters."""


class ApiVersionResult(BaseModel):
    """What the service is: SDKs compare it with what they were generated from."""

    api_hash: str = Field(..., description="sha256 of the service's API model, as embedded in every SDK")
    service_version: Optional[str] = Field(None, description="The service's version, when it was configured")


class SecretCheck:
    """One proxy endpoint's shared secret: the constant-time comparison, and the 403 with its
    warning. A probe sends thousands of refused requests: the first is logged, then a count
    per interval."""

    def __init__(self, secret: str | None, header: str, request: str, requests: str) -> None:
        self._secret = secret.encode() if secret is not None else None  # None: insecure, all pass
        self.header = header
        self.request, self.requests = request, requests  # "an RPC proxy request", "RPC proxy requests"
        self.log_interval = 60.0  # seconds between two warnings
        self._refusals = 0
        self._logged_at = -math.inf

    def matches(self, given: bytes | None) -> bool:
        """Whether ``given``, the secret header's value (None: absent), is the shared secret."""
        if self._secret is None:
            return True
        return given is not None and hmac.compare_digest(given, self._secret)

    def refusal(self, http_method: str, given: bytes | None) -> Reply | None:
        """405 for a method other than POST, 403 (logged) for a wrong secret, else None."""
        if http_method != "POST":
            return _NOT_ALLOWED
        return None if self.matches(given) else self.forbidden()

    def forbidden(self) -> Reply:
        self._refusals += 1
        now = time.monotonic()
        if now - self._logged_at >= self.log_interval:
            if self._logged_at == -math.inf:
                logger.warning(
                    "refused %s without the right %s header (the caller is not Centrifugo, or its "
                    "secret differs); more refusals are logged at most once every %gs, with their count",
                    self.request, self.header, self.log_interval,
                )
            else:
                logger.warning(
                    "refused %d %s without the right %s header in the last %.0fs",
                    self._refusals, self.requests, self.header, now - self._logged_at,
                )
            self._refusals, self._logged_at = 0, now
        return Reply(403, _json({"detail": f"missing or wrong {self.header} header"}))


class Dispatcher:
    """Answers Centrifugo's RPC proxy requests with the handlers of ``registry``."""

    def __init__(
        self,
        registry: Registry = default_registry,
        *,
        proxy_secret: str | None,
        secret_header: str = PROXY_SECRET_HEADER,
        allow_insecure: bool = False,
        handler_timeout: float = 10.0,
        max_params_bytes: int = DEFAULT_MAX_PARAMS_BYTES,
        max_payload_bytes: int | None = None,
        service_version: str | None = None,
        blocking_threshold: float | None = 0.1,
        outcomes: OutcomeStore | None = None,
        deduplicate: bool = True,
    ) -> None:
        if proxy_secret == "":
            raise ValueError("proxy_secret is empty; pass the secret Centrifugo sends, or None with allow_insecure=True")
        if proxy_secret is None and not allow_insecure:
            raise ValueError(
                "proxy_secret is required: anyone who can reach the endpoint could call any handler as any user. "
                f"Pass the secret Centrifugo sends in its {secret_header!r} proxy header "
                "(RpcProxyApp.from_env reads CENTRIFUGO_PROXY_SECRET), or allow_insecure=True "
                "(CENTRIFUGO_PROXY_INSECURE=1) for local development only."
            )
        if not handler_timeout > 0:
            raise ValueError(f"handler_timeout={handler_timeout!r} must be a positive number of seconds")
        if max_params_bytes <= 0:
            raise ValueError(f"max_params_bytes={max_params_bytes!r} must be positive")
        if max_payload_bytes is None:
            # Whatever params the SDKs send (up to max-params-bytes) fits, as Centrifugo forwards it.
            max_payload_bytes = proxy_body_limit(max_params_bytes)
        if blocking_threshold is not None and not blocking_threshold > 0:
            raise ValueError(f"blocking_threshold={blocking_threshold!r} must be a positive number of seconds, or None")
        if max_payload_bytes <= 0:
            raise ValueError(f"max_payload_bytes={max_payload_bytes!r} must be positive")
        if proxy_secret is None:
            logger.warning("RPC proxy endpoint runs WITHOUT a proxy secret: for local development only")
        self.registry = registry
        self.secret_header = secret_header
        self.handler_timeout = handler_timeout
        self.max_payload_bytes = max_payload_bytes
        self.blocking_threshold = blocking_threshold
        self.secret = SecretCheck(proxy_secret, secret_header, "an RPC proxy request", "RPC proxy requests")
        self.service_version = service_version
        self._revision = -1
        self._adapter: TypeAdapter[Any] | None = None
        self._key_in_request = False
        self._by_method: dict[str, Handler] = {}
        self._api_hash: str | None = None
        # Calls that carry an idempotency key run once per user, method and key.
        self.outcomes = None
        if deduplicate:  # not `outcomes or ...`: an empty store is falsy when it has a length
            self.outcomes = outcomes if outcomes is not None else InProcessOutcomes()

    @property
    def outcomes(self) -> OutcomeStore | None:
        """Where the outcomes of keyed calls are kept; None: no deduplication."""
        return self._outcomes

    @outcomes.setter
    def outcomes(self, store: OutcomeStore | None) -> None:
        self._outcomes = store
        # The in-process store is called without a coroutine per call (a cost on every keyed call).
        self._local_outcomes = store if isinstance(store, InProcessOutcomes) and store.direct else None

    def _timeout_of(self, handler: Handler) -> float:
        return handler.timeout if handler.timeout is not None else self.handler_timeout

    @classmethod
    def from_env(cls, registry: Registry = default_registry, **options: Any) -> Dispatcher:
        """Secret from ``CENTRIFUGO_PROXY_SECRET``; ``CENTRIFUGO_PROXY_INSECURE=1`` allows none (local dev).

        ``RPC_IDEMPOTENCY_REDIS_URL`` keeps the outcomes of keyed calls in that Redis (the
        ``[redis]`` extra) instead of the process's memory.
        """
        options.setdefault("proxy_secret", os.environ.get(SECRET_ENV) or None)
        options.setdefault("allow_insecure", os.environ.get(INSECURE_ENV) == "1")
        if "outcomes" not in options and os.environ.get(REDIS_URL_ENV):
            from .redis_outcomes import RedisOutcomes

            options["outcomes"] = RedisOutcomes.from_env()
        return cls(registry, **options)

    def refusal(self, http_method: str, secret: bytes | None, content_length: bytes | str | None = None) -> Reply | None:
        """The reply refusing a request before its body is read, or None to read it and call :meth:`answer`.

        The one check of every endpoint: POST only (405), the shared secret (403, ``secret``
        is the header's value, None when absent), and a declared size over the limit (413).
        """
        if http_method != "POST" or not self.secret.matches(secret):
            return self.secret.refusal(http_method, secret)
        if content_length is not None and content_length.isdigit() and int(content_length) > self.max_payload_bytes:
            return self.payload_too_large()
        return None

    async def answer(self, body: bytes) -> Reply:
        """The reply to a request that passed :meth:`refusal`; ``body`` may be cut one byte past the limit."""
        if len(body) > self.max_payload_bytes:
            return self.payload_too_large()
        return await self.handle(body)

    def authorized(self, headers: Mapping[str, str]) -> bool:
        """Whether the request carries the shared secret (always true when insecure)."""
        given = _header(headers, self.secret_header)
        return self.secret_matches(given.encode() if given is not None else None)

    def secret_matches(self, given: bytes | None) -> bool:
        """Whether ``given``, the secret header's value (None: absent), is the shared secret."""
        return self.secret.matches(given)

    def forbidden(self) -> Reply:
        return self.secret.forbidden()

    @property
    def refusal_log_interval(self) -> float:
        """Seconds between two warnings about refused requests."""
        return self.secret.log_interval

    @refusal_log_interval.setter
    def refusal_log_interval(self, seconds: float) -> None:
        self.secret.log_interval = seconds

    def payload_too_large(self) -> Reply:
        return _error("PAYLOAD_TOO_LARGE", f"request body exceeds the service's limit of {self.max_payload_bytes} bytes")

    async def dispatch(self, body: bytes, headers: Mapping[str, str]) -> Reply:
        """The reply to one proxy request; header names match case-insensitively.

        Every failure becomes a reply (the service keeps serving); only cancellation propagates.
        """
        given = _header(headers, self.secret_header)
        refused = self.refusal("POST", given.encode() if given is not None else None)
        return refused if refused is not None else await self.answer(body)

    async def handle(self, body: bytes) -> Reply:
        """The reply to a request body whose secret and size the caller has checked.

        A call whose params carry an idempotency key runs once per user, method and key: its
        first outcome is its only one (one coroutine for both kinds: each layer costs).
        """
        key = None
        if self._revision != self.registry.revision:
            self._validator()
        if not self._key_in_request:
            peeled: tuple[str | None, bytes] | Reply | None = _peel_key(body)
            if peeled is None and _KEY_MEMBER in body:
                peeled = _find_key(body)
            if isinstance(peeled, Reply):
                return peeled
            if peeled is not None:
                key, body = peeled
        parsed = self._parse(body, key)
        if type(parsed) is Reply:
            return parsed
        handler, conn, params = parsed  # type: ignore[misc]
        key = conn.idempotency_key
        outcomes = self.outcomes
        if key is None or outcomes is None:
            return await self._call(handler, conn, params, HANDLER_STARTED)
        scope = f"{conn.user_id or ''}\x00{handler.method}\x00{key}"
        local = self._local_outcomes
        try:
            stored = local.claim(scope) if local is not None else None
            if local is None or (stored is not None and type(stored) is not bytes):  # another store, or a twin runs
                stored = await outcomes.begin(scope, wait=self._timeout_of(handler))
        except StillRunning:
            message = f"a call of {handler.method!r} with this idempotency key is still running"
            return _error("HANDLER_TIMEOUT", message + HANDLER_STARTED_DEDUPLICATED)
        except Exception:
            logger.exception("idempotency store failed before %r ran (answered a temporary 500)", handler.method)
            return _error("INTERNAL_ERROR", "internal error" + HANDLER_NOT_STARTED)
        if stored is not None:
            return _ok(stored)
        reply = None
        try:
            reply = await self._call(handler, conn, params, HANDLER_STARTED_DEDUPLICATED)
        finally:
            # A temporary failure is forgotten: its retry runs the handler again.
            try:
                outcome = None if reply is None or _is_temporary(reply) else reply.body
                if local is not None:
                    local.keep(scope, outcome)
                else:
                    await outcomes.finish(scope, outcome)
            except Exception:
                logger.exception("idempotency store failed to keep the outcome of %r (a retry runs it again)", handler.method)
        return reply

    def _parse(self, body: bytes, key: str | None = None) -> Reply | tuple[Handler, Connection, BaseModel]:
        try:
            adapter = self._adapter if self._revision == self.registry.revision else None
            # The core validator: no wrapper.
            request = (adapter or self._validator()).validator.validate_json(body)
        except ValidationError as exc:
            return _invalid_request(exc, len(self._by_method) == 1)
        handler = self._by_method.get(request["method"])
        if handler is None:
            return _method_not_found(request["method"])
        if self._key_in_request:
            key = request.get("idempotency_key")
            if key is not None and (type(key) is not str or not 1 <= len(key) <= MAX_KEY_CHARS):
                return _bad_key()
        params = request.get("data")
        if params is None:  # no params sent: validated as {} (and refused as such when fields are required)
            try:
                params = self._validator().validate_python({**request, "data": {}})["data"]
            except ValidationError as exc:
                return _invalid_request(exc, len(self._by_method) == 1)
        conn = _connection(
            request.get("user") or None, request["client"], request.get("transport", "websocket"),
            request.get("protocol", "json"), request.get("meta"), key,
        )
        return handler, conn, params

    def _validator(self) -> TypeAdapter[Any]:
        # Rebuilt only when the registry changed (handlers imported after startup).
        if self._adapter is None or self.registry.revision != self._revision:
            handlers = self.registry.handlers()
            served = (*handlers, self._api_version_handler()) if API_VERSION_METHOD not in self.registry else handlers
            # When every params model ignores the key, the request's validation reads it and
            # the body goes as it came; otherwise the key is taken out of the body first.
            self._key_in_request = all(_ignores_the_key(h.params_model) for h in served)
            self._adapter = _request_adapter(served, self._key_in_request)
            self._by_method = {h.method: h for h in served}
            self._revision = self.registry.revision
            self._api_hash = None
        return self._adapter

    def _api_version_handler(self) -> Handler:
        async def api_version(conn: Connection, params: ApiVersionParams) -> ApiVersionResult:
            return ApiVersionResult(api_hash=self.api_hash(), service_version=self.service_version)

        return Handler(API_VERSION_METHOD, api_version, ApiVersionParams, ApiVersionResult, False, None)

    def api_hash(self) -> str:
        """The hash of the registry's API model, computed as the build computes it (once)."""
        if self._api_hash is None:
            from ..ir.parser import parse_api  # JSON schema generation: only when asked

            self._api_hash = parse_api(self.registry).hash
        return self._api_hash

    async def _call(self, handler: Handler, conn: Connection, params: BaseModel, note: str) -> Reply:
        """Run the handler; ``note`` (what the service knows of it) ends a temporary 408 or 500's message."""
        timeout = self._timeout_of(handler)
        call: Any = handler.func(conn, params)
        threshold = self.blocking_threshold or math.inf
        try:
            if type(call) is not types.CoroutineType:  # another kind of awaitable: no steps to time
                result = await _run_with_timeout(call, timeout)
            else:
                # The first step runs here: a handler that finishes without suspending needs
                # no deadline (sync code cannot be interrupted anyway) and no wrapper.
                rest = None
                start = perf_counter()
                try:
                    rest = _timed_steps(call, call.send(None), handler, threshold, timeout)
                except StopIteration as done:
                    result = done.value
                finally:
                    if perf_counter() - start > threshold:
                        _held_the_loop(handler, perf_counter() - start, threshold, timeout)
                if rest is not None:
                    result = await _run_with_timeout(rest, timeout - (perf_counter() - start))
            return _result(handler, result, note)
        except RpcError as exc:
            logger.debug("handler for %r rejected the call (%d): %s", handler.method, exc.code, exc.message)
            noted = exc.temporary and exc.code in _HANDLER_CODES
            return _reply_error(exc.code, exc.message + note if noted else exc.message, exc.temporary)
        except _Timeout:
            return _error("HANDLER_TIMEOUT", f"method {handler.method!r} did not finish within {timeout:g}s{note}")
        except ValueError as exc:
            if _written_for_the_client(exc, handler):
                message = str(exc) or "bad request"
                logger.debug("handler for %r rejected the call (400): %s", handler.method, message)
                return _error("BAD_REQUEST", message)
            # int("..."), bytes.decode, json.loads, a library, a model the handler built: a bug,
            # whose message may hold internals.
            logger.exception(
                "handler for %r failed (answered 500: only a plain ValueError raised by a raise statement of "
                "package %r or of a module outside site-packages reaches the client; raise RpcError(400, ...) "
                "to send a message from anywhere else)",
                handler.method, _package(getattr(handler.func, "__module__", None) or ""),
            )
        except Exception:
            logger.exception("handler for %r failed", handler.method)
        return _error("INTERNAL_ERROR", "internal error" + note)


@types.coroutine
def _timed_steps(
    call: Any, suspended_at: Any, handler: Handler, threshold: float, timeout: float
) -> Generator[Any, Any, Any]:
    """The rest of ``call``, whose first step suspended at ``suspended_at``, timing each step.

    A step is the code between two awaits that suspend: while it runs, the event loop
    runs nothing else. Sync code cannot be pre-empted, but a step longer than
    ``threshold`` can be seen, and is logged.
    """
    send, throw = call.send, call.throw
    yielded = suspended_at
    while True:
        value = error = None
        try:
            value = yield yielded
        except GeneratorExit:
            call.close()
            raise
        except BaseException as exc:  # cancellation included: the handler gets it
            error = exc
        start = perf_counter()
        try:
            yielded = send(value) if error is None else throw(error)
        except StopIteration as done:
            if perf_counter() - start > threshold:
                _held_the_loop(handler, perf_counter() - start, threshold, timeout)
            return done.value
        except BaseException:
            if perf_counter() - start > threshold:
                _held_the_loop(handler, perf_counter() - start, threshold, timeout)
            raise
        if perf_counter() - start > threshold:
            _held_the_loop(handler, perf_counter() - start, threshold, timeout)


def _held_the_loop(handler: Handler, seconds: float, threshold: float, timeout: float) -> None:
    overran = f"; it overran its {timeout:g}s timeout, which only interrupts a handler at an await" if seconds > timeout else ""
    logger.warning(
        "handler for %r (%s) held the event loop for %.3fs without awaiting (more than %gs): every other call "
        "waited meanwhile%s; fix: run blocking work with `await asyncio.to_thread(...)` or an async library",
        handler.method, handler.location, seconds, threshold, overran,
    )


async def _run_with_timeout(call: Any, timeout: float) -> Any:
    # Not asyncio.wait_for: a TimeoutError raised inside the handler must stay a handler
    # failure, not look like the handler running out of time.
    if sys.version_info >= (3, 11):
        return await _Deadlines.run(call, timeout)
    task = asyncio.ensure_future(call)
    try:
        done, _ = await asyncio.wait((task,), timeout=timeout)
    finally:
        if not task.done():  # timed out, or this request was cancelled
            task.cancel()
            task.add_done_callback(_discard_outcome)
    if not done:
        raise _Timeout
    return task.result()


_RAISE = dis.opmap["RAISE_VARARGS"]


def _written_for_the_client(exc: ValueError, handler: Handler) -> bool:
    """Whether ``exc`` is a plain ValueError raised by a ``raise`` statement of the service's own code.

    The innermost traceback entry is where the exception started: a ``raise`` statement
    in Python code, or the call of a builtin that raised it (``int("x")`` shows the
    caller's frame at a call instruction). Subclasses (UnicodeDecodeError,
    json.JSONDecodeError, ValidationError) come from parsers, not from messages.
    """
    if type(exc) is not ValueError or exc.__traceback__ is None:
        return False
    tb = exc.__traceback__
    while tb.tb_next is not None:
        tb = tb.tb_next
    code = tb.tb_frame.f_code
    if not 0 <= tb.tb_lasti < len(code.co_code) or code.co_code[tb.tb_lasti] != _RAISE:
        return False
    module = tb.tb_frame.f_globals.get("__name__", "")
    return _package(module) == _package(getattr(handler.func, "__module__", None) or "") or _in_source_tree(code.co_filename)


def _package(module: str) -> str:
    return module.partition(".")[0]


@functools.lru_cache(maxsize=1024)
def _in_source_tree(filename: str) -> bool:
    """Whether ``filename`` is a module file outside the Python installation and its site-packages.

    A service run from its source tree (a Django project and its apps) raises its messages
    from there; a service installed as a wheel is recognised by its package instead.
    """
    if not os.path.isabs(filename):  # "<frozen ...>", "<string>": generated or built in
        return False
    installed = {sysconfig.get_path(name) for name in ("stdlib", "platstdlib", "purelib", "platlib")}
    installed.update(getattr(site, "getsitepackages", list)())
    installed.add(site.getusersitepackages())
    return not any(filename.startswith(os.path.join(path, "")) for path in installed if path)


def _discard_outcome(task: asyncio.Future[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.warning("handler failed after its timeout", exc_info=task.exception())


def _result(handler: Handler, result: Any, note: str) -> Reply:
    if not isinstance(result, handler.result_model):
        try:
            result = handler.result_model.model_validate(result)
        except ValidationError:
            logger.exception(
                "handler for %r returned %s, not a valid %s",
                handler.method, type(result).__name__, handler.result_model.__name__,
            )
            return _error("INTERNAL_ERROR", "internal error" + note)
    try:
        # model_dump_json(by_alias=True) without its wrapper and its bytes -> str -> bytes.
        data = result.__pydantic_serializer__.to_json(result, by_alias=True)
    except Exception:
        logger.exception("result of %r cannot be serialised", handler.method)
        return _error("INTERNAL_ERROR", "internal error" + note)
    return _ok(b'{"result":{"data":' + data + b"}}")


def _invalid_request(exc: ValidationError, single_method: bool) -> Reply:
    """Sort validation errors into: unknown method, anonymous caller, bad params, not a proxy request."""
    errors = exc.errors(include_url=False)
    first = errors[0]
    # Only the request's own tag, the method, is an unknown method; an unknown tag of a
    # discriminated union inside the params (a newer client's variant) is invalid params.
    if first["type"] == "union_tag_invalid" and first["loc"] == ():
        return _method_not_found(first["ctx"]["tag"])
    if single_method and first["type"] == "literal_error" and first["loc"] == ("method",):
        return _method_not_found(first["input"])
    # A union prefixes each location with the method name; a single model does not.
    located = [(e["msg"], e["type"], e["loc"] if single_method else e["loc"][1:]) for e in errors]
    if any(loc == ("user",) and kind in ("string_too_short", "missing") for _, kind, loc in located):
        return _error("UNAUTHENTICATED", "this method requires an authenticated user")
    outside_params = [f"{_location(loc, 'request')}: {msg}" for msg, _, loc in located if loc[:1] != ("data",)]
    if outside_params:
        return _error("BAD_REQUEST", f"not a Centrifugo RPC proxy request ({_listed(outside_params)})")
    in_params = [f"{_location(loc[1:], 'params')}: {msg}" for msg, _, loc in located]
    return _error("INVALID_PARAMS", f"invalid params: {_listed(in_params)}")


# Replies echo what the caller sent only this far: a 100 kB method name or key is not
# sent back whole, nor a thousand field errors.
_ECHOED_CHARS = 64
_LISTED_CHARS = 200
_LISTED_ERRORS = 10


def _method_not_found(method: Any) -> Reply:
    return _error("METHOD_NOT_FOUND", f"method {_echo(method)} not found")


def _echo(value: Any) -> str:
    """``value``'s repr, cut to its first characters when the caller sent a long one."""
    if isinstance(value, str) and len(value) > _ECHOED_CHARS:
        return f"{value[:_ECHOED_CHARS]!r}... ({len(value)} characters)"
    text = repr(value)
    return text if len(text) <= _ECHOED_CHARS else f"{text[:_ECHOED_CHARS]}..."


def _listed(entries: list[str]) -> str:
    shown = [e if len(e) <= _LISTED_CHARS else f"{e[:_LISTED_CHARS]}..." for e in entries[:_LISTED_ERRORS]]
    more = len(entries) - len(shown)
    return "; ".join(shown) + (f"; and {more} more errors" if more else "")


def _location(loc: tuple[Any, ...], root: str) -> str:
    """``("tags", 0, "name")`` → ``tags[0].name``; an empty location is ``root`` itself."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or root


_KEY_MEMBER = f'"{IDEMPOTENCY_KEY}"'.encode()
_KEYED_DATA = b',"data":{' + _KEY_MEMBER + b':"'


def _peel_key(body: bytes) -> tuple[str, bytes] | None:
    """The key and the body without it, when the key is the first member of the params.

    Every SDK writes it there, so most keyed calls skip a JSON parse and re-encode. The
    match is exact or None (the caller parses): ``,"data":{`` can only be a member name (a
    quote inside a JSON string is escaped), and with no ``{`` or ``[`` before it, the
    member is the request's own ``data``; a key with escapes or of another length is
    left to the parse.
    """
    at = body.find(_KEYED_DATA)
    if at < 0 or body.find(b"{", 1, at) >= 0 or body.find(b"[", 0, at) >= 0:
        return None
    start = at + len(_KEYED_DATA)
    end = body.find(b'"', start, start + MAX_KEY_CHARS + 1)
    if end <= start or body.find(b"\\", start, end) >= 0:
        return None
    after = body[end + 1] if end + 1 < len(body) else 0
    if after == 44:  # ","
        rest = body[end + 2 :]
    elif after == 125:  # "}"
        rest = body[end + 1 :]
    else:
        return None
    try:
        key = body[start:end].decode()
    except UnicodeDecodeError:
        return None
    if not key.isprintable():  # a control character is invalid JSON: the parse says so
        return None
    return key, body[: at + 9] + rest


_HANDLER_CODES = (BY_NAME["HANDLER_TIMEOUT"].code, BY_NAME["INTERNAL_ERROR"].code)


def _find_key(body: bytes) -> tuple[str | None, bytes] | Reply:
    """The key and the body without it, parsing the request: a key not where the SDKs put it
    (None and the body as sent when the params have no key member), or a 400 for a bad key."""
    try:
        request = json.loads(body)
        key = request["data"].pop(IDEMPOTENCY_KEY)
    except (ValueError, TypeError, KeyError, AttributeError):  # no key where keys go: the params as sent
        return None, body
    if not isinstance(key, str) or not 1 <= len(key) <= MAX_KEY_CHARS:
        return _bad_key()
    return key, _json(request)


def _bad_key() -> Reply:
    return _error("BAD_REQUEST", f"{IDEMPOTENCY_KEY} must be a string of 1 to {MAX_KEY_CHARS} characters")


_new = object.__new__


def _ok(body: bytes) -> Reply:
    """``Reply(200, body)`` without the frozen dataclass's __init__ (every answered call makes one)."""
    reply = _new(Reply)
    fields = reply.__dict__
    fields["status"] = 200
    fields["body"] = body
    fields["headers"] = ()
    return reply


def _connection(
    user_id: str | None, client_id: str, transport: str, protocol: str, meta: Any, idempotency_key: str | None
) -> Connection:
    """``Connection(...)`` without the frozen dataclass's __init__ (a third of its cost per request)."""
    conn = _new(Connection)
    fields = conn.__dict__
    fields["user_id"] = user_id
    fields["client_id"] = client_id
    fields["transport"] = transport
    fields["protocol"] = protocol
    fields["meta"] = meta
    fields["idempotency_key"] = idempotency_key
    return conn


def _is_temporary(reply: Reply) -> bool:
    # _reply_error writes "temporary" last.
    return reply.body.startswith(b'{"error"') and reply.body.endswith(b'"temporary":true}}')


def _error(name: str, message: str) -> Reply:
    entry = BY_NAME[name]
    return _reply_error(entry.code, message, entry.temporary)


def _reply_error(code: int, message: str, temporary: bool) -> Reply:
    return Reply(200, _json({"error": {"code": code, "message": message, "temporary": temporary}}))


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def _header(headers: Mapping[str, str], name: str) -> str | None:
    """Header lookup that ignores case, whatever mapping the framework hands over."""
    value = headers.get(name.lower(), headers.get(name))
    if value is not None:
        return value
    wanted = name.lower()
    return next((v for k, v in headers.items() if k.lower() == wanted), None)
