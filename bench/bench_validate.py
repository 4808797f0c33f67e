"""How long `reporter validate` takes on 200 specs, against starting Python at all.

    python bench/bench_validate.py [--specs 200] [--repeat 5]

Writes 200 client specs (each extending one agency layout, like a real repository of report
definitions) into a temporary folder, then times, in the same run and interleaved:
  baseline  `python -c pass`                        (the floor of any Python command)
  validate  `python -m reporter validate FOLDER`    (all 200 specs in one process)
and prints the best of each and their ratio. Validation must stay cheap enough for pre-commit.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def write_specs(folder: Path, count: int) -> None:
    example = (ROOT / "reports.example.toml").read_text(encoding="utf-8")
    layout = example.split("[[accounts]]")[0] + example[example.index("[account_metrics]") :]
    (folder / "layout.toml").write_text("abstract = true\n" + layout, encoding="utf-8")
    for n in range(count):
        (folder / f"client-{n:03}.toml").write_text(
            'extends = "layout.toml"\n\n'
            f'[report]\nclient = "Client {n}"\n\n'
            f'[[accounts]]\nid = "1784140{n:010}"\nname = "Client {n}"\n'
            f'token_env = "CLIENT_{n}_TOKEN"\n',
            encoding="utf-8",
        )


def best_of(command: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, check=False, capture_output=True)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--specs", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_specs(folder, args.specs)
        validate = [sys.executable, "-m", "reporter", "validate", str(folder)]
        check = subprocess.run(validate, capture_output=True, text=True, check=False)
        summary = (check.stdout.strip().splitlines() or ["?"])[-1]
        baseline = best_of([sys.executable, "-c", "pass"], args.repeat)
        ours = best_of(validate, args.repeat)
    print(f"specs validated:        {args.specs + 1} ({summary})")
    print(f"python -c pass:         {baseline * 1000:8.1f} ms")
    print(f"reporter validate:      {ours * 1000:8.1f} ms")
    print(f"per spec:               {(ours - baseline) / args.specs * 1000:8.2f} ms")
    print(f"ratio validate / pass:  {ours / baseline:8.1f}x")


if __name__ == "__main__":
    main()
