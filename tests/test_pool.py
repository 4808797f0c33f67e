"""The render pool (reporter/run/pool.py): workers replaced after a few tasks without the
standard library's hang, and renders handed back in the order they were submitted."""

from __future__ import annotations

import concurrent.futures as cf
import io
import os
import sys
from collections import Counter

import pypdf
import pytest
import support.render as rs

from reporter.run.pool import InOrder, pool_of


@pytest.mark.slow
def test_workers_are_replaced_after_their_tasks_and_the_queue_still_drains() -> None:
    # 30 tasks queued at once on 2 workers of 3 tasks each: the standard library's pool stops
    # for good after the first replacements (cpython#115634); this one must finish them all.
    pool = pool_of(2, tasks_per_worker=3)
    with pool:
        futures = [pool.submit(os.getpid) for _ in range(30)]
        done, waiting = cf.wait(futures, timeout=60)
        assert not waiting, f"{len(waiting)} tasks never ran"
    per_worker = Counter(f.result() for f in done)
    assert os.getpid() not in per_worker  # rendered in worker processes
    assert len(per_worker) >= 10  # 30 tasks (and 2 start-up ones), 3 a worker
    assert max(per_worker.values()) <= 3


def test_in_order_hands_back_in_submission_order_with_few_waiting() -> None:
    seen: list[tuple[int, int]] = []
    in_flight: list[int] = []
    with cf.ThreadPoolExecutor(3) as pool:
        queue: InOrder[int, int] = InOrder(
            pool, ahead=2, done=lambda tag, future: seen.append((tag, future.result()))
        )
        for n in range(20):
            queue.submit(n, pow, n, 2)
            in_flight.append(n + 1 - len(seen))
        queue.finish()
    assert seen == [(n, n * n) for n in range(20)]
    assert max(in_flight) <= 2  # the fetch waits rather than queueing every report's data


def test_a_failed_render_reaches_done_and_the_others_go_on() -> None:
    results: list[str] = []

    def done(tag: str, future: cf.Future[float]) -> None:
        results.append(f"{tag}: {future.exception() or future.result()}")

    with cf.ThreadPoolExecutor(2) as pool:
        queue: InOrder[str, float] = InOrder(pool, ahead=4, done=done)
        for tag, value in (("a", 4.0), ("b", -1.0), ("c", 9.0)):
            queue.submit(tag, _root, value)
        queue.finish()
    assert results == ["a: 2.0", "b: no root of a negative number", "c: 3.0"]


def _root(value: float) -> float:
    if value < 0:
        raise ValueError("no root of a negative number")
    return float(value**0.5)


def _worker_start() -> tuple[bool, list[str]]:
    """In a worker, before it renders: WeasyPrint imported? the default templates compiled?"""
    from reporter.render import environment

    if environment.environment.cache_info().currsize != 1:
        return "weasyprint" in sys.modules, []
    compiled = environment.environment(None).cache or {}
    return "weasyprint" in sys.modules, sorted(key[1] for key in compiled)


def _pdf_text(html: str) -> list[str]:
    from reporter.render import environment
    from reporter.render.pdf import write_pdf

    folders = environment.template_folders(None)
    data = write_pdf(html, roots=folders, base_url=folders[-1])
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


@pytest.mark.slow
def test_workers_start_warm_and_render_the_same_reports() -> None:
    from reporter.render import build_html

    spec = rs.spec(report={"client": "Acme"})
    current, before = rs.dataset(rs.OCTOBER), rs.dataset(rs.SEPTEMBER, seed=2)
    html = build_html(spec, spec.accounts[0], current, before, catalogue=rs.CATALOGUE,
                      thumbnails=rs.thumbnails(current), now=rs.FETCHED_AT).html  # fmt: skip
    with pool_of(2) as pool:
        imported, compiled = pool.submit(_worker_start).result(timeout=120)
        in_worker = pool.submit(_pdf_text, html).result(timeout=120)
    # the forkserver imported the renderer and rendered a page of its own (run/preload.py)
    assert imported and {"report.html.j2", "cover.html.j2", "report.css.j2"} <= set(compiled)
    here = _pdf_text(html)  # this process never rendered that page
    assert len(here) >= 6 and in_worker == here
