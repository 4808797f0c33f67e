"""Render benchmark: our overhead over WeasyPrint, and reports per minute.

    python bench/bench_render.py [--reports 50] [--rounds 5]

1. One report end to end (context, charts, Jinja, WeasyPrint, atomic writes of HTML and PDF)
   against WeasyPrint alone on the same final HTML, interleaved in the same process, after a
   warm-up render (imports, template compilation). Target: our overhead under 25 %.
2. Throughput: N reports (different datasets) over a process pool of one worker per core.

The datasets are the tests' hand-built ones (tests/support/render.py): 40 media, 31 days of
series, demographics, unavailable metrics, a comparison period. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from support import render as rs

from reporter.render import build_html, render_report
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
    ours, weasy, build = [], [], []
    for _ in range(rounds):
        ours.append(_one_report(1))
        start = time.perf_counter()
        write_pdf(html.html, roots=roots, base_url=roots[-1])
        weasy.append(time.perf_counter() - start)
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
    e2e, alone = statistics.median(ours), statistics.median(weasy)
    print(f"one report end to end (median of {rounds}): {e2e * 1000:7.0f} ms")
    print(f"  WeasyPrint alone, same HTML:            {alone * 1000:7.0f} ms")
    print(f"  building the HTML (context, charts, Jinja): {statistics.median(build) * 1000:.0f} ms")
    print(f"  HTML size {len(html.html) / 1024:.0f} KiB")
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
