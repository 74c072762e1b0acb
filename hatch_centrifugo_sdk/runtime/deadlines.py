"""One timer per event loop for the deadlines of the handler calls running on it."""

from __future__ import annotations

import asyncio
import itertools
import math
import time
import weakref
from typing import Any


class HandlerTimeout(Exception):
    """A handler call ran past its deadline (and was cancelled at an await)."""


class Deadlines:
    """The deadlines of the handler calls running on one event loop, watched by one timer.

    ``asyncio.timeout`` arms and cancels a timer per call, which was most of the
    dispatcher's own cost per request. Here a call only records its deadline; the timer is
    due at the earliest deadline recorded (under steady load it fires about once per
    timeout period) and cancels each call that is late, in the call's own task, as
    ``asyncio.timeout`` would. Python 3.11+ (``Task.uncancel``).
    """

    _of_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Deadlines] = weakref.WeakKeyDictionary()
    _resolution = time.get_clock_info("monotonic").resolution

    def __init__(self) -> None:
        self.running: dict[int, tuple[float, asyncio.Task[Any]]] = {}  # call number -> deadline, task
        self._numbers = itertools.count()
        self._timer: asyncio.TimerHandle | None = None
        self._due = math.inf

    @classmethod
    async def run(cls, call: Any, timeout: float) -> Any:
        """``await call`` in this task, cancelled and raising HandlerTimeout after ``timeout`` seconds."""
        loop = asyncio.get_running_loop()
        deadlines = cls._of_loop.get(loop)
        if deadlines is None:
            deadlines = cls._of_loop[loop] = cls()
        task = asyncio.current_task()
        assert task is not None
        cancelling = task.cancelling()
        number = deadlines._watch(loop, task, loop.time() + timeout)
        try:
            result = await call
        except BaseException as exc:
            # Only our own cancellation is a timeout, and only when nobody else cancelled too.
            if deadlines.running.pop(number, None) is None:
                if task.uncancel() <= cancelling and isinstance(exc, asyncio.CancelledError):
                    raise HandlerTimeout from None
            raise
        if deadlines.running.pop(number, None) is None:
            task.uncancel()  # late, but the handler finished all the same
        return result

    def _watch(self, loop: asyncio.AbstractEventLoop, task: asyncio.Task[Any], deadline: float) -> int:
        number = next(self._numbers)
        self.running[number] = (deadline, task)
        if deadline < self._due:
            self._arm(loop, deadline)
        return number

    def _arm(self, loop: asyncio.AbstractEventLoop, when: float) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer, self._due = loop.call_at(when, self._expire, loop), when

    def _expire(self, loop: asyncio.AbstractEventLoop) -> None:
        self._timer, self._due = None, math.inf
        now = loop.time() + self._resolution  # the loop runs timers up to this early
        for number, (deadline, task) in list(self.running.items()):
            if deadline <= now:
                del self.running[number]  # tells the call that the cancellation is ours
                task.cancel()
        if self.running:
            self._arm(loop, min(deadline for deadline, _ in self.running.values()))
