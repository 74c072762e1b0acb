"""The error codes every part of the product agrees on.

Server codes live in 400..1999, the range Centrifugo reserves for applications
(100..113 are Centrifugo's own). Client-side codes 1..3 are the ones centrifuge-js
uses for a timeout and a lost connection; the Python and Go SDKs reuse them so that
one table describes every SDK. Code 5 is centrifuge-js's own for a failed token
getter; the SDKs widen it to every token problem (Centrifugo's 401 would be taken by
the service's UNAUTHENTICATED, its 109 is a temporary "get a new token" and its 3500
a disconnect code). The README's error table is rendered from this list.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ErrorCode:
    code: int
    name: str  # neutral UPPER_SNAKE name; each SDK derives its own identifiers from it
    meaning: str
    temporary: bool = False
    side: str = "server"  # "server": sent by the service; "client": raised by the SDK itself


ERROR_CODES: tuple[ErrorCode, ...] = (
    ErrorCode(1, "TIMEOUT", "The call got no reply within its timeout.", True, "client"),
    ErrorCode(2, "CONNECTION_CLOSED", "The connection was lost or closed before the reply.", True, "client"),
    ErrorCode(
        5,
        "TOKEN_ERROR",
        "Centrifugo refused the connection token (invalid, expired without a token getter, or missing) or the token getter failed.",
        False,
        "client",
    ),
    ErrorCode(100, "CENTRIFUGO_INTERNAL", "Centrifugo could not reach the service or read its answer.", True, "centrifugo"),
    ErrorCode(400, "BAD_REQUEST", "The handler rejected the call (it raised ValueError); the message is the handler's."),
    ErrorCode(401, "UNAUTHENTICATED", "The method or channel needs an authenticated user and the connection is anonymous."),
    ErrorCode(403, "PERMISSION_DENIED", "The connection's user may not subscribe to this channel."),
    ErrorCode(404, "METHOD_NOT_FOUND", "No handler is registered under this method name (subscribing: no declared channel has this name)."),
    ErrorCode(408, "HANDLER_TIMEOUT", "The handler did not finish within the service's timeout.", True),
    ErrorCode(413, "PAYLOAD_TOO_LARGE", "The params are larger than the service accepts."),
    ErrorCode(422, "INVALID_PARAMS", "The params failed validation; the message lists each field error."),
    ErrorCode(500, "INTERNAL_ERROR", "The handler failed unexpectedly; details are in the service's log.", True),
)

BY_CODE = {e.code: e for e in ERROR_CODES}
BY_NAME = {e.name: e for e in ERROR_CODES}

APP_CODE_RANGE = range(400, 2000)


class UserError(Exception):
    """A mistake in the user's code or configuration, not in this package.

    The hook and the command line print its message (one line per problem, led by the place:
    ``file:line`` or the full TOML key) without a traceback.
    """


class RpcError(Exception):
    """Raise from a handler to answer the client with ``code`` and ``message``.

    ``code`` must be in 400..1999; codes of the table above keep their meaning, the
    others are the application's own.
    """

    def __init__(self, code: int, message: str, *, temporary: bool = False) -> None:
        if code not in APP_CODE_RANGE:
            raise ValueError(f"RpcError code {code} is outside 400..1999, the range Centrifugo leaves to applications")
        if not message:
            raise ValueError("RpcError needs a non-empty message")
        super().__init__(message)
        self.code = code
        self.message = message
        self.temporary = temporary
