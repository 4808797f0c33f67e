"""Reports across several machines: Celery carries each account's work from the host that runs
`reporter run --send` to `reporter worker` processes, which share only the store (PostgreSQL)
and the broker. ``app`` configures Celery, ``bundle`` packs a spec's folder into a task,
``tasks`` is what a worker runs, ``dispatch`` what the enqueuing host does."""
