"""`reporter worker`: a Celery worker that runs the reports `reporter run --send` enqueues."""

from __future__ import annotations

import socket
from collections.abc import Sequence

from reporter.errors import UsageError
from reporter.world import World

QUEUES = {"fetch": "reporter.fetch", "render": "reporter.render"}


def worker(*, queues: Sequence[str], concurrency: int | None, world: World) -> int:
    settings = world.settings
    if settings.broker_url is None:
        raise UsageError("reporter worker needs REPORTER_BROKER_URL (redis://… or amqp://…)")
    from reporter.work.app import make_app

    app = make_app(settings.broker_url.get_secret_value(),
                   visibility_timeout=settings.broker_visibility_timeout,
                   namespace=settings.broker_namespace)  # fmt: skip
    argv = [
        "worker",
        "--loglevel=INFO",
        f"--queues={','.join(QUEUES[q] for q in queues)}",
        f"--hostname=reporter-{'-'.join(queues)}-%d@{socket.gethostname()}",
        "--without-gossip",
        "--without-mingle",
    ]
    if concurrency is not None:
        argv.append(f"--concurrency={concurrency}")
    app.worker_main(argv)
    return 0
