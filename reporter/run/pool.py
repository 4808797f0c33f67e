"""Where reports are rendered: worker processes, one per CPU (rendering is CPU bound), or this
process when one is enough (no start-up cost for a single report). Every path that renders uses
it: `run --send`, `approve`, and `render` / `run` without ``--send``.

Each worker is replaced after ``TASKS_PER_WORKER`` renders, so that its memory stays flat however
many reports a run renders (a render leaves about 1 MiB behind, in WeasyPrint's and the fonts'
caches); a new worker forks from the forkserver, which has the renderer imported already."""

from __future__ import annotations

import collections
import concurrent.futures as cf
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from reporter.errors import sigterm_held

T = TypeVar("T")
R = TypeVar("R")

TASKS_PER_WORKER = 25  # about 25 MiB of growth at most, for ~0.1 s of a new worker's start


class _Inline(cf.Executor):
    """One worker: render in this process (no start-up cost for a single report)."""

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> cf.Future[Any]:
        future: cf.Future[Any] = cf.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as error:
            future.set_exception(error)
        return future


class _Workers(cf.ProcessPoolExecutor):
    """Worker processes that stop with the run: on Ctrl-C or SIGTERM (anything but an
    Exception) the queued renders are dropped and the workers ended, instead of rendering every
    queued report first as a plain shutdown would."""

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> cf.Future[Any]:
        # A submit may start a worker; cut short by SIGTERM, that worker would be unknown to the
        # pool and fail to start once the pool is gone (a traceback on stderr).
        with sigterm_held():
            return super().submit(fn, *args, **kwargs)

    def _adjust_process_count(self) -> None:
        # Python 3.11-3.13: a worker that exits at max_tasks_per_child is replaced only when the
        # idle-worker semaphore holds no token, and it can hold a stale one, so queued renders
        # wait forever (https://github.com/python/cpython/issues/115634). The fix (3.13.8,
        # 3.14.1) replaces an exited worker whenever the pool is short of one; so does this.
        manager: object = self._executor_manager_thread
        if threading.current_thread() is manager:
            if len(self._processes) < self._max_workers:  # type: ignore[attr-defined]
                self._spawn_process()  # type: ignore[attr-defined]
            return
        super()._adjust_process_count()

    def __exit__(self, kind: object, error: BaseException | None, trace: object) -> None:
        if error is not None and not isinstance(error, Exception):
            # ProcessPoolExecutor has no public way to stop a busy worker before Python 3.14
            # (terminate_workers); a render has nothing to clean up, so ending it is safe.
            processes = list((self._processes or {}).values())
            self.shutdown(wait=False, cancel_futures=True)
            for process in processes:
                process.terminate()
        self.shutdown(wait=True)


def pool_of(workers: int, *, tasks_per_worker: int = TASKS_PER_WORKER) -> cf.Executor:
    if workers <= 1:
        return _Inline()
    # forkserver: the run holds threads (the fetcher's pools, the sandbox), which a plain fork
    # must not copy; the server imports the renderer once and forks each worker from it. With
    # WeasyPrint (reporter.render.pdf, 1.4 s): otherwise each worker imports it at its first
    # render, after the fetch, instead of the server while the fetch runs.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["reporter.run.preload"])  # and one page rendered: warm
    pool = _Workers(
        workers,
        mp_context=context,
        initializer=watch_parent,
        initargs=(os.getpid(),),
        max_tasks_per_child=tasks_per_worker,
    )
    # Started now, in the background, so the forkserver's start (2-3.5 s: it imports WeasyPrint)
    # overlaps the fetch instead of waiting for the first render. A worker starts on a submit
    # when none is idle: one empty task per worker starts them all.
    threading.Thread(
        target=_start, args=(pool, workers), name="reporter-start-workers", daemon=True
    ).start()
    return pool


def _start(pool: cf.Executor, workers: int) -> None:
    try:
        for _ in range(workers):
            pool.submit(os.getpid)
    except RuntimeError:  # the run ended (shut down) before the workers were needed
        pass


class InOrder(Generic[T, R]):
    """Renders handed to a pool and taken back in the order given, as each finishes: ``done``
    gets each one's tag and finished future (in this thread). At most ``ahead`` wait in the pool,
    so a fetch that outruns the renders waits instead of queueing every report's data."""

    def __init__(
        self, pool: cf.Executor, *, ahead: int, done: Callable[[T, cf.Future[R]], None]
    ) -> None:
        self.pool, self.ahead, self.done = pool, max(1, ahead), done
        self._waiting: collections.deque[tuple[T, cf.Future[R]]] = collections.deque()

    def submit(self, tag: T, fn: Callable[..., R], /, *args: Any) -> None:
        self._waiting.append((tag, self.pool.submit(fn, *args)))
        self.take(block=len(self._waiting) > self.ahead)

    def take(self, *, block: bool = False) -> None:
        """Hand on the finished renders at the head of the line (``block``: at least one)."""
        while self._waiting and (block or self._waiting[0][1].done()):
            tag, future = self._waiting.popleft()
            cf.wait([future])
            self.done(tag, future)  # and the future dropped: nothing kept of a finished report
            block = False

    def finish(self) -> None:
        while self._waiting:
            self.take(block=True)


def watch_parent(pid: int) -> None:
    """In each worker: exit when the run is gone. A run killed with SIGKILL cannot stop its
    workers, and they would otherwise wait for work forever. Ctrl-C reaches every process of
    the terminal's group: the run decides (and stops the workers), not each worker on its own
    with a traceback."""
    import signal
    import threading

    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while True:
            time.sleep(0.5)
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:
                pass

    threading.Thread(target=watch, name="reporter-watch-run", daemon=True).start()
