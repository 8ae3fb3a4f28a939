"""Ctrl-C and SIGTERM during a build: stop the workers at once, but never in the middle of a write.

The first stop raises KeyboardInterrupt in the driver (unless a finished report's page, CSV and record
are being written: then it waits until they are all written, or a page could be on disk that the
manifest does not know). Every later stop is only recorded: the driver is already stopping, and the
manifest, the landing pages and the summary must still be written whatever the user presses.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class Interrupts:
    """The stops a build received, and whether one may interrupt the driver right now."""

    def __init__(self) -> None:
        self.holding = False
        self.pending = False
        self.stopped = False  # a stop was received (raised, or recorded while holding)

    def stop(self, signum, frame) -> None:
        first = not self.stopped
        self.stopped = True
        if self.holding or not first:
            self.pending = self.pending or first
        else:
            raise KeyboardInterrupt

    @contextmanager
    def held(self) -> Iterator[None]:
        """Finish the block, then raise the stop that arrived during it (if any)."""
        self.holding = True
        try:
            yield
        finally:
            self.holding = False
        if self.pending:
            self.pending = False
            raise KeyboardInterrupt

    @contextmanager
    def quiet(self) -> Iterator[None]:
        """Finish the block whatever arrives; a stop is only recorded (`stopped`)."""
        self.holding = True
        try:
            yield
        finally:
            self.holding = False
            self.pending = False


@contextmanager
def interrupts() -> Iterator[Interrupts]:
    """Ctrl-C and SIGTERM handled as above (main thread only: signals cannot be set elsewhere; there Ctrl-C
    stays Python's own). A SIGINT inherited as ignored (nohup) stays ignored."""
    state = Interrupts()
    if threading.current_thread() is not threading.main_thread():
        yield state
        return
    previous = {signum: signal.signal(signum, state.stop) for signum in (signal.SIGINT, signal.SIGTERM)
                if not (signum == signal.SIGINT and signal.getsignal(signum) is signal.SIG_IGN)}
    try:
        yield state
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@contextmanager
def blocked_while_spawning() -> Iterator[None]:
    """Ctrl-C and SIGTERM held back while worker processes are started, then delivered.

    Two things go wrong otherwise. A spawned process inherits the blocked mask through exec, so with SIGINT
    blocked a Ctrl-C that reaches the whole process group while a worker imports its modules stays
    pending there until the worker has set SIGINT to ignored (`worker.init_worker`), and no worker prints
    a KeyboardInterrupt traceback. And the mask alone does not hold back the driver's own handler: the
    signal is taken by another thread of the driver and Python runs the handler in the main thread at
    once, so a KeyboardInterrupt could land between starting a worker and sending it what it must run
    (the worker then dies with an EOFError traceback). So the handlers only record the stop while the
    workers start, and it is raised again, to the usual handler, when the block ends."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    held = [s for s in (signal.SIGINT, signal.SIGTERM) if signal.getsignal(s) is not signal.SIG_IGN]
    previous = {signum: signal.signal(signum, lambda signum, frame: received.append(signum)) for signum in held}
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if received:
        signal.raise_signal(received[0])
