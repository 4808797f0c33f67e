"""Where reports are rendered: worker processes, one per CPU (rendering is CPU bound), or this
process when one is enough (no start-up cost for a single report)."""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import threading
import time
from typing import Any

from reporter.errors import sigterm_held


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

    def __exit__(self, kind: object, error: BaseException | None, trace: object) -> None:
        if error is not None and not isinstance(error, Exception):
            # ProcessPoolExecutor has no public way to stop a busy worker before Python 3.14
            # (terminate_workers); a render has nothing to clean up, so ending it is safe.
            processes = list((self._processes or {}).values())
            self.shutdown(wait=False, cancel_futures=True)
            for process in processes:
                process.terminate()
        self.shutdown(wait=True)


def pool_of(workers: int) -> cf.Executor:
    if workers <= 1:
        return _Inline()
    # forkserver: the run holds threads (the fetcher's pools, the sandbox), which a plain fork
    # must not copy; the server imports the renderer once and forks each worker from it.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["reporter.run.jobs", "reporter.render.report"])
    pool = _Workers(workers, mp_context=context, initializer=watch_parent, initargs=(os.getpid(),))
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
