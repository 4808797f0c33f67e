"""Helpers shared by the tests (and bench/bench_render.py): imported as ``support.<module>``,
with ``tests/`` on ``sys.path`` as pytest puts it there (the rootdir conftest)."""
