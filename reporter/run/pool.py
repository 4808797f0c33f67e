"""Where reports are rendered: worker processes, one per CPU (rendering is CPU bound), or this
process when one is enough (no start-up cost for a single report)."""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import time
from typing import Any


class _Inline(cf.Executor):
    """One worker: render in this process (no start-up cost for a single report)."""

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> cf.Future[Any]:
        future: cf.Future[Any] = cf.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as error:
            future.set_exception(error)
        return future


def pool_of(workers: int) -> cf.Executor:
    if workers <= 1:
        return _Inline()
    # forkserver: the run holds threads (the fetcher's pools, the sandbox), which a plain fork
    # must not copy; the server imports the renderer once and forks each worker from it.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["reporter.run.jobs", "reporter.render.report"])
    return cf.ProcessPoolExecutor(
        workers, mp_context=context, initializer=watch_parent, initargs=(os.getpid(),)
    )


def watch_parent(pid: int) -> None:
    """In each worker: exit when the run is gone. A run killed with SIGKILL cannot stop its
    workers, and they would otherwise wait for work forever."""
    import threading

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
