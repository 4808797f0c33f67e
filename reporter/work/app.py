"""The Celery application: one per process, built from the settings, never at import time.

Exactly once does not rest on the broker: a task may run twice (a worker killed after it sent a
mail, a Redis visibility timeout), and the store's delivery ledger decides every recipient, as in
a local run. What the broker settings buy is that work is not lost:
- ``task_acks_late`` with ``task_reject_on_worker_lost``: a task is acknowledged when it is done,
  so one whose worker dies runs again on another (Celery's "Should I use retry or acks_late?").
- ``worker_prefetch_multiplier = 1``: a worker takes one task at a time per process, so a long
  render does not hold a queue of reports another worker could start.
- Redis's ``visibility_timeout``: after it, a task a dead worker had taken is delivered again.
"""

from __future__ import annotations

from typing import Any

from celery import Celery  # type: ignore[import-untyped]
from kombu import Queue  # type: ignore[attr-defined]

from reporter.work import tasks
from reporter.work.tasks import FETCH, RENDER


def make_app(broker_url: str, *, visibility_timeout: float = 3600.0, namespace: str = "") -> Any:
    """The Celery app for ``broker_url``; results travel back through the broker (Redis), or
    over AMQP replies (``rpc://``) with RabbitMQ."""
    backend = broker_url if broker_url.startswith(("redis://", "rediss://")) else "rpc://"
    app = Celery("reporter", broker=broker_url, backend=backend, set_as_current=False)
    options: dict[str, Any] = {"visibility_timeout": visibility_timeout}
    if namespace:  # kombu's Redis transport and Celery's Redis backend prefix every key
        options["global_keyprefix"] = f"{namespace}:"
    app.conf.update(
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_track_started=True,
        task_queues=(Queue(FETCH), Queue(RENDER)),  # type: ignore[no-untyped-call]
        task_default_queue=FETCH,
        broker_connection_retry_on_startup=True,
        broker_transport_options=options,
        result_backend_transport_options=options,
        result_expires=7 * 24 * 3600,
        worker_hijack_root_logger=False,
    )
    tasks.register(app)
    return app
