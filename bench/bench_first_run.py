"""The README's first command against its floor: WeasyPrint alone on the same final HTML.

    python bench/bench_first_run.py [--rounds 3] [--cores 1]

Each round, in a fresh temporary folder and HOME (so an empty store: the run fetches everything
from the sandbox, as on a fresh clone):
  run     `reporter run reports.example.toml --sandbox`    (wall time of the whole command)
  floor   WeasyPrint alone on the HTML files that run wrote, one after the other in one process
          (the PDFs' layout and drawing, nothing else: no import, no fetch, no template)
  imports the modules the run's own process had imported when it ended, imported again in
          that order in a fresh process (time inside it: interpreter start not included)
and prints the best of each, the ratio run / floor of each round and their median (target: at
most 1.25), and the imports.

``--cores 1`` runs every process of the round (the run, its render workers, the floor) on one
CPU: the run then cannot render its two reports side by side, so its ratio is what everything
but WeasyPrint's layout costs, as on a machine busy with other work.
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "reports.example.toml"

# In a process of its own: the floor of each HTML file given, and WeasyPrint's import.
_FLOOR = """
import sys, time
from pathlib import Path
start = time.perf_counter()
from reporter.render.environment import template_folders
from reporter.render.pdf import write_pdf
imported = time.perf_counter() - start
folders = template_folders(None)
took = 0.0
for name in sys.argv[1:]:
    html = Path(name).read_text(encoding="utf-8")
    start = time.perf_counter()
    write_pdf(html, roots=folders, base_url=folders[-1])
    took += time.perf_counter() - start
print(f"{took} {imported}")
"""


def _environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPORTER_")}
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_STATE_HOME=str(home / ".local" / "state"),
        XDG_CONFIG_HOME=str(home / ".config"),
    )
    return env


# `reporter ARGS...` as the console script runs it, then the modules it imported, into argv[1].
_RUN = """
import json, sys
from reporter.cli import main
try:
    main(sys.argv[2:])
except SystemExit as exit:
    status = exit.code
with open(sys.argv[1], "w", encoding="utf-8") as file:
    json.dump(list(sys.modules), file)
sys.exit(status)
"""

# Import those modules again, in the same order; print the seconds it took.
_IMPORTS = """
import importlib, json, sys, time
names = json.load(open(sys.argv[1], encoding="utf-8"))
start = time.perf_counter()
for name in names:
    if name not in sys.modules and not name.startswith("__"):
        try:
            importlib.import_module(name)
        except Exception:
            pass
print(time.perf_counter() - start)
"""


def one_round(folder: Path, cpus: set[int] | None) -> tuple[float, float, float, float]:
    """Wall time of the run, its imports, the floor and WeasyPrint's import (``cpus``: every
    process on these CPUs only)."""
    home, modules = folder / "home", folder / "modules.json"
    home.mkdir()
    env = _environment(home)
    pin = None if cpus is None else functools.partial(os.sched_setaffinity, 0, cpus)
    command = [sys.executable, "-c", _RUN, str(modules), "run", str(EXAMPLE), "--sandbox"]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True,
                          check=False, preexec_fn=pin)  # fmt: skip
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"the run failed ({done.returncode}):\n{done.stdout}\n{done.stderr[-3000:]}")
    htmls = sorted(str(p) for p in (folder / "reports").rglob("*.html"))
    if len(htmls) < 2:
        sys.exit(f"expected the example's two reports, found {htmls}")
    floor = subprocess.run([sys.executable, "-c", _FLOOR, *htmls], env=env, capture_output=True,
                           text=True, check=True, preexec_fn=pin)  # fmt: skip
    took, weasy_import = (float(x) for x in floor.stdout.split())
    imports = subprocess.run(
        [sys.executable, "-c", _IMPORTS, str(modules)],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        preexec_fn=pin,
    )
    return wall, float(imports.stdout), took, weasy_import


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cores", type=int, help="run every process on this many CPUs only")
    args = parser.parse_args()
    cpus = None if args.cores is None else set(sorted(os.sched_getaffinity(0))[: args.cores])
    results, loads = [], []
    for _ in range(args.rounds):
        loads.append(os.getloadavg()[0])  # what else the machine was doing (1-minute average)
        with tempfile.TemporaryDirectory() as tmp:
            results.append(one_round(Path(tmp), cpus))
    wall, imports, floor, weasy = (min(column) for column in zip(*results, strict=True))
    used = f"{len(cpus)} of {os.cpu_count()} (--cores)" if cpus else os.cpu_count()
    print(f"CPUs:                        {used}")
    print(f"reporter run --sandbox:      {wall:6.2f} s   (best of {args.rounds})")
    print(f"floor, WeasyPrint alone:     {floor:6.2f} s   (both final HTML files, one process)")
    ratio = statistics.median(w / f for w, _, f, _ in results)  # each round side by side
    print(f"ratio run / floor:           {ratio:6.2f}x  (median of the rounds; target: 1.25x)")
    print(f"imports of the run process:  {imports:6.2f} s   (the renderer's are in the workers)")
    print(f"import of WeasyPrint:        {weasy:6.2f} s   (not in the floor)")
    for n, ((w, i, f, _), load) in enumerate(zip(results, loads, strict=True), start=1):
        print(f"  round {n}: run {w:.2f} s, floor {f:.2f} s ({w / f:.2f}x), imports {i:.2f} s, "
              f"load average {load:.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
