"""How long `reporter validate` takes, per spec and fixed, against starting Python at all.

    python bench/bench_validate.py [--specs 200] [--more 2000] [--repeat 5]

Writes client specs (each extending one agency layout, like a real repository of report
definitions) into two temporary folders, SPECS and MORE of them, then times, in the same run and
interleaved (best of REPEAT each):
  baseline  `python -c pass`                        (the floor of any Python command)
  validate  `python -m reporter validate FOLDER`    (all specs of a folder in one process)
and prints (wall time, and CPU time, which load from other processes disturbs less), from the
two folder sizes, the cost of one more spec (the slope), the fixed cost
beyond interpreter start (the intercept less the baseline) and how the time grows: linear is
MORE / SPECS times at most. Validation must stay cheap enough for pre-commit.
"""

from __future__ import annotations

import argparse
import resource
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
        (folder / f"client-{n:04}.toml").write_text(
            'extends = "layout.toml"\n\n'
            f'[report]\nclient = "Client {n}"\n\n'
            f'[[accounts]]\nid = "1784140{n:010}"\nname = "Client {n}"\n'
            f'token_env = "CLIENT_{n}_TOKEN"\n',
            encoding="utf-8",
        )


def timed(command: list[str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run of ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=False, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def summary(command: list[str]) -> str:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    return (done.stdout.strip().splitlines() or ["?"])[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--specs", type=int, default=200)
    parser.add_argument("--more", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        few, many = Path(tmp, "few"), Path(tmp, "many")
        for folder, count in ((few, args.specs), (many, args.more)):
            folder.mkdir()
            write_specs(folder, count)
        commands = {
            "pass": [sys.executable, "-c", "pass"],
            "few": [sys.executable, "-m", "reporter", "validate", str(few)],
            "many": [sys.executable, "-m", "reporter", "validate", str(many)],
        }
        checked = summary(commands["many"])
        wall = dict.fromkeys(commands, float("inf"))
        cpu = dict.fromkeys(commands, float("inf"))
        for _ in range(args.repeat):  # interleaved: a burst of load hits all three alike
            for name, command in commands.items():
                took, used = timed(command)
                wall[name], cpu[name] = min(wall[name], took), min(cpu[name], used)
    print(f"specs validated:          {args.more + 1} ({checked})")
    print(f"{f'best of {args.repeat}':26}{'wall':>12} {'CPU':>12}")
    rows = [
        ("python -c pass", "pass"),
        (f"validate {args.specs} specs", "few"),
        (f"validate {args.more} specs", "many"),
    ]
    for title, name in rows:
        print(f"{title + ':':26}{wall[name] * 1000:9.1f} ms {cpu[name] * 1000:9.1f} ms")
    slopes = [(b["many"] - b["few"]) / (args.more - args.specs) for b in (wall, cpu)]
    fixed = [
        b["few"] - slope * args.specs - b["pass"]
        for b, slope in zip((wall, cpu), slopes, strict=True)
    ]
    print(f"{'per spec (the slope):':26}{slopes[0] * 1000:9.3f} ms {slopes[1] * 1000:9.3f} ms")
    print(f"{'fixed, beyond python:':26}{fixed[0] * 1000:9.1f} ms {fixed[1] * 1000:9.1f} ms")
    linear = args.more / args.specs
    growth = [b["many"] / b["few"] for b in (wall, cpu)]
    print(
        f"{f'{args.more} / {args.specs} specs:':26}{growth[0]:9.2f} x  {growth[1]:9.2f} x  "
        f"(linear: at most {linear:.1f}x)"
    )
    print(f"{f'{args.specs} specs / python:':26}{wall['few'] / wall['pass']:9.1f} x")


if __name__ == "__main__":
    main()
