"""Render benchmark: our overhead over WeasyPrint, and reports per minute.

    python bench/bench_render.py [--reports 50] [--rounds 5]

1. One report end to end (context, charts, Jinja, WeasyPrint, atomic writes of HTML and PDF)
   against WeasyPrint alone on the same final HTML (its charts already drawn and inlined as
   SVG, so the floor is layout and PDF only), interleaved in the same process, after a warm-up
   render (imports, template compilation). Target: our overhead under 25 %.
2. Charts: the time spent in ``reporter.render.charts``' drawing functions while one report's
   HTML is built, on its own line and as a share of the end-to-end report; and with what their
   SVG costs WeasyPrint (the same HTML with every chart's <svg> emptied, its box kept, measured
   beside it). Target: at most 5 % of the report.
3. Throughput: N reports (different datasets) over a process pool of one worker per core.

The datasets are the tests' hand-built ones (tests/support/render.py): 40 media, 31 days of
series, demographics, unavailable metrics, a comparison period. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from support import render as rs

from reporter.render import build_html, charts, render_report
from reporter.render.pdf import write_pdf


def _inputs(seed: int) -> tuple[rs.Spec, rs.Dataset, rs.Dataset, dict[str, bytes]]:
    spec = rs.spec()
    current = rs.dataset(rs.OCTOBER, seed=seed)
    previous = rs.dataset(rs.SEPTEMBER, seed=seed + 1000, scale=0.9)
    return spec, current, previous, rs.thumbnails(current)


def _one_report(seed: int) -> float:
    spec, current, previous, thumbs = _inputs(seed)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as out:
        render_report(
            spec,
            spec.accounts[0],
            current,
            previous,
            catalogue=rs.CATALOGUE,
            thumbnails=thumbs,
            out_root=Path(out),
            now=rs.FETCHED_AT,
        )
    return time.perf_counter() - start


def _timed_charts() -> tuple[list[float], list[str]]:
    """Wrap every public drawing function of ``charts`` with a timer; returns the list the
    timings land in and the names wrapped."""
    spent: list[float] = []
    names = [n for n in ("line", "bars", "grouped", "heatmap") if hasattr(charts, n)]
    for name in names:
        draw = getattr(charts, name)

        def timed(*args: Any, _draw: Callable[..., Any] = draw, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return _draw(*args, **kwargs)
            finally:
                spent.append(time.perf_counter() - start)

        setattr(charts, name, timed)
    return spent, names


def overhead(rounds: int) -> None:
    spec, current, previous, thumbs = _inputs(1)
    _one_report(1)  # warm-up: imports, fonts, template compilation
    html = build_html(
        spec,
        spec.accounts[0],
        current,
        previous,
        catalogue=rs.CATALOGUE,
        thumbnails=thumbs,
        now=rs.FETCHED_AT,
    )
    roots = html.template_folders
    # The same page with every chart emptied (its <svg> box kept, so the pages stay the same):
    # what drawing the charts' SVG costs WeasyPrint.
    bare = re.sub(r"(<svg[^>]*>).*?</svg>", r"\1</svg>", html.html, flags=re.DOTALL)
    spent, _ = _timed_charts()
    ours, weasy, plain, build, drawing = [], [], [], [], []
    for _ in range(rounds):
        ours.append(_one_report(1))
        start = time.perf_counter()
        write_pdf(html.html, roots=roots, base_url=roots[-1])
        weasy.append(time.perf_counter() - start)
        start = time.perf_counter()
        write_pdf(bare, roots=roots, base_url=roots[-1])
        plain.append(time.perf_counter() - start)
        spent.clear()
        start = time.perf_counter()
        build_html(
            spec,
            spec.accounts[0],
            current,
            previous,
            catalogue=rs.CATALOGUE,
            thumbnails=thumbs,
            now=rs.FETCHED_AT,
        )
        build.append(time.perf_counter() - start)
        drawing.append(sum(spent))
    count = len(spent)
    e2e, alone, without = (statistics.median(t) for t in (ours, weasy, plain))
    drawn = statistics.median(drawing)
    print(f"one report end to end (median of {rounds}): {e2e * 1000:7.0f} ms")
    print(f"  WeasyPrint alone, same final HTML:      {alone * 1000:7.0f} ms (charts inlined)")
    print(f"  WeasyPrint, same HTML, charts emptied:  {without * 1000:7.0f} ms")
    print(f"  building the HTML (context, charts, Jinja): {statistics.median(build) * 1000:.0f} ms")
    print(f"  HTML size {len(html.html) / 1024:.0f} KiB")
    print(
        f"charts: drawing {drawn * 1000:.1f} ms ({count} drawings), "
        f"{100 * drawn / e2e:.2f} % of the report; with their SVG in WeasyPrint "
        f"{(drawn + alone - without) * 1000:.0f} ms, {100 * (drawn + alone - without) / e2e:.1f} % "
        "(target <= 5 %)"
    )
    print(f"our overhead over WeasyPrint: {100 * (e2e - alone) / alone:.1f} % (target < 25 %)")


def throughput(reports: int) -> None:
    workers = os.cpu_count() or 1
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        times = list(pool.map(_one_report, range(100, 100 + reports)))
    wall = time.perf_counter() - start
    print(
        f"{reports} reports on {workers} worker(s): {wall:.1f} s wall, "
        f"{60 * reports / wall:.0f} reports/minute "
        f"(per report: median {statistics.median(times):.2f} s in its worker, "
        "first ones include imports)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    overhead(args.rounds)
    throughput(args.reports)


if __name__ == "__main__":
    main()
