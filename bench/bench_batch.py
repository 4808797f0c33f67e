"""The monthly batch: N reports from a filled store by `reporter run --send`, against WeasyPrint
alone on the same final HTML in the same number of processes, with the memory of every process.

    python bench/bench_batch.py [--reports 100] [--accounts 20] [--worker-reports 30] [--profile]

What the monthly cron does, on data it has: the accounts' October (and September, the example's
comparison) is fetched into a SQLite store first, from the sandbox, outside the timing; then one
`reporter run FOLDER... --send` renders and e-mails every report (aiosmtpd on loopback; the
sandbox stays up for whatever the run asks Meta again). The spec is reports.example.toml with one
account a file (each account of the sandbox has its own token); ``--reports`` is made of copies
of the folder of ``--accounts`` specs, each copy a client of its own (its own ledger rows and
report files).

  run     wall time from the command's start to its end, reports a minute, CPU seconds a report
          of the run's processes (its own, the workers' and the forkserver's, from /proc)
  floor   WeasyPrint alone on the HTML files the run wrote, in as many processes as the run had
          render workers (imported before the clock starts): the layout and drawing of the PDFs
  memory  every 0.2 s, the RSS of the run's process and of each render worker: the peak of each,
          and the slope of the run's process against the reports sent (MiB per 100 reports,
          after the first tenth: flat is 0)
  one process  ``--worker-reports`` reports rendered one after the other in one process never
          replaced (render_job, as a worker does), and WeasyPrint alone on their HTML the same
          way: RSS after each, the slope (MiB per 100 reports), CPU seconds a report; with
          ``--profile``, where one report's time goes beyond WeasyPrint (cProfile, cumulative)
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from support.fetch import context  # noqa: E402
from support.smtp import SmtpServer  # noqa: E402

from reporter import catalogue  # noqa: E402
from reporter.derived import definitions  # noqa: E402
from reporter.derived.ranking import pictured  # noqa: E402
from reporter.fetch.execute import Options, fetch  # noqa: E402
from reporter.periods import comparison, parse_period  # noqa: E402
from reporter.plan.build import plan  # noqa: E402
from reporter.sandbox import Sandbox  # noqa: E402
from reporter.spec.validate import load_spec  # noqa: E402
from reporter.store.database import Store  # noqa: E402

NOW = dt.datetime(2026, 11, 3, 8, 0, tzinfo=dt.UTC)
FIRST = 17841400000000100  # the sandbox's generated accounts
PAGE = os.sysconf("SC_PAGE_SIZE")
TICK = os.sysconf("SC_CLK_TCK")
MIB = 1024 * 1024


def example_spec(copy: int, n: int, account_id: str, login: str) -> str:
    """reports.example.toml with one account of the sandbox, the client named after the copy."""
    text = (ROOT / "reports.example.toml").read_text(encoding="utf-8")
    head, _, rest = text.partition("[[accounts]]")
    _, _, tail = rest.partition("[account_metrics]")
    head = head.replace('client = "Acme Coffee Roasters"', f'client = "Client {copy}-{n:03}"')
    account = (
        f'[[accounts]]\nid = "{account_id}"\nname = "Account {n:03}"\nlogin = "{login}"\n'
        f'token_env = "TOKEN_{n}"\n\n'
    )
    # The generated accounts' months are random: a move the rule would hold is no data error.
    quality = "\n[quality]\nmax_change_percent = 1000\n"
    return head + account + "[account_metrics]" + tail + quality


def write_specs(folder: Path, accounts: list[tuple[str, str]], copies: int) -> list[Path]:
    folders = []
    notes = ROOT / "notes"
    for copy in range(copies):
        where = folder / f"agency{copy:02}"
        (where / "notes").mkdir(parents=True)
        for note in notes.glob("*.md"):  # the example's commentary, as beside the example
            (where / "notes" / note.name).write_text(note.read_text(encoding="utf-8"))
        for n, (account_id, login) in enumerate(accounts):
            text = example_spec(copy, n, account_id, login)
            (where / f"account{n:03}.toml").write_text(text, encoding="utf-8")
        folders.append(where)
    return folders


def fill(store_at: Path, folder: Path, sb: Sandbox) -> None:
    """October and September of every account into the store, thumbnails included."""
    cat = catalogue.load()
    october = parse_period("2026-10")
    ctx = context(sb, now=NOW)
    with Store.open(store_at, lock_timeout=60) as store:
        for spec_path in sorted(folder.glob("*.toml")):
            spec = load_spec(spec_path, now=NOW, catalogue=cat)
            fetch_plan = plan(spec, cat, october, comparison(october, spec.report.compare),
                              today=NOW.date())  # fmt: skip
            pictures = pictured(spec.media, definitions(spec), cat)
            fetch(fetch_plan, store, ctx, Options(pictures=pictures))


def _stat(pid: int) -> tuple[int, float, int] | None:
    """Parent pid, CPU seconds (user + system) and RSS in bytes of a process."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as file:
            fields = file.read().rpartition(")")[2].split()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK, int(fields[21]) * PAGE


@dataclass
class Sampler:
    """The run's process tree, every 0.2 s: RSS and CPU of each process, reports sent so far."""

    root: int
    sent: object  # a callable: reports delivered so far
    main: list[tuple[int, float]] = field(default_factory=list)  # (reports sent, RSS MiB)
    peak: dict[int, float] = field(default_factory=dict)  # pid → peak RSS MiB
    cpu: dict[int, float] = field(default_factory=dict)  # pid → CPU seconds (last seen)
    role: dict[int, str] = field(default_factory=dict)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        while not self.stop.wait(0.2):
            self.sample()

    def sample(self) -> None:
        stats: dict[int, tuple[int, float, int]] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit() and (found := _stat(int(entry))) is not None:
                stats[int(entry)] = found
        tree = {self.root}
        grew = True
        while grew:
            more = {pid for pid, (parent, _, _) in stats.items() if parent in tree} - tree
            tree |= more
            grew = bool(more)
        done = self.sent()  # type: ignore[operator]
        for pid in tree & stats.keys():
            parent, cpu, rss = stats[pid]
            self.cpu[pid] = max(self.cpu.get(pid, 0.0), cpu)
            self.peak[pid] = max(self.peak.get(pid, 0.0), rss / MIB)
            if pid not in self.role:
                self.role[pid] = self._role(pid, parent)
            if pid == self.root:
                self.main.append((done, rss / MIB))

    def _role(self, pid: int, parent: int) -> str:
        if pid == self.root:
            return "main"
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return "other"
        if self.role.get(parent) == "forkserver":
            return "worker"
        if b"forkserver" in command:
            return "forkserver"
        if b"resource_tracker" in command:
            return "tracker"
        return "other"


def slope(points: list[tuple[int, float]], total: int) -> float:
    """MiB per 100 reports: least squares over the samples after the first tenth of the run."""
    kept = [(x, y) for x, y in points if total // 10 <= x < total]
    if len({x for x, _ in kept}) < 2:
        return float("nan")
    fit = statistics.linear_regression([x for x, _ in kept], [y for _, y in kept])
    return fit.slope * 100


def timed_run(folders: list[Path], env: dict[str, str], out: Path, smtp: SmtpServer,
              per_report: int) -> tuple[float, Sampler]:  # fmt: skip
    command = [sys.executable, "-m", "reporter", "run", *map(str, folders), "--send", "--quiet",
               "--period", "2026-10", "--now", NOW.isoformat(), "--out", str(out)]  # fmt: skip
    before = len(smtp.received)
    start = time.perf_counter()
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    sampler = Sampler(proc.pid, lambda: (len(smtp.received) - before) // per_report)
    thread = threading.Thread(target=sampler.run, daemon=True)
    thread.start()
    stdout, stderr = proc.communicate()
    took = time.perf_counter() - start
    sampler.stop.set()
    thread.join()
    if proc.returncode != 0:
        sys.exit(
            f"the run failed ({proc.returncode}):\n{stdout.decode()}\n{stderr.decode()[-3000:]}"
        )
    return took, sampler


# In a process of its own: WeasyPrint alone on the HTML files given, in N worker processes.
_FLOOR = """
import concurrent.futures as cf, sys, time
from pathlib import Path

def warm():
    import reporter.render.pdf

def one(name):
    from reporter.render.environment import template_folders
    from reporter.render.pdf import write_pdf
    folders = template_folders(None)
    start = time.process_time()
    write_pdf(Path(name).read_text(encoding="utf-8"), roots=folders, base_url=folders[-1])
    return time.process_time() - start

workers, names = int(sys.argv[1]), sys.argv[2:]
with cf.ProcessPoolExecutor(workers, initializer=warm) as pool:
    list(pool.map(time.sleep, [0.5] * workers))  # every worker started and imported
    start = time.perf_counter()
    cpu = sum(pool.map(one, names))
    print(time.perf_counter() - start, cpu)
"""

# In a process of its own: the reports of the spec files given rendered one after the other in
# this process (render_job, as a worker does, never replaced), or with "weasyprint" only
# WeasyPrint on the HTML files those renders wrote; the RSS after each.
_WORKER = """
import cProfile, datetime as dt, gc, os, pstats, sys, time
from pathlib import Path
from reporter import catalogue
from reporter.render.environment import template_folders
from reporter.render.pdf import write_pdf
from reporter.run.history import history
from reporter.run.jobs import RenderJob, render_job
from reporter.spec.validate import load_spec
from reporter.store.database import Store

mode, store_at, out, count, specs = sys.argv[1], sys.argv[2], Path(sys.argv[3]), \\
    int(sys.argv[4]), sys.argv[5:]
now = dt.datetime.fromisoformat(os.environ["BENCH_NOW"])
cat = catalogue.load()
jobs = []
with Store.open(store_at, lock_timeout=60) as store:
    for path in specs:
        spec = load_spec(Path(path), now=now, catalogue=cat)
        key, account = str(Path(path).resolve()), spec.accounts[0]
        kept = store.archived(key, account.id, "2026-10")
        jobs.append(RenderJob(
            spec=spec, spec_dir=Path(path).parent, account=account, current=kept.current,
            previous=kept.previous, thumbnails=store.thumbnails_for(kept.current),
            out_root=out, now=kept.rendered_at, commentary=kept.commentary, headline=True,
            catalogue=cat, simulated=False,
            history=history(store, spec_key=key, account_id=account.id, current=kept.current,
                            previous=kept.previous, as_of=kept.rendered_at,
                            months=spec.report.history_months)))
folders = template_folders(None)
htmls = []

def one(n):
    if mode == "weasyprint":
        write_pdf(htmls[n % len(htmls)], roots=folders, base_url=folders[-1])
    else:
        render_job(jobs[n % len(jobs)])

def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

if mode == "weasyprint":
    for job in jobs:
        render_job(job)
    htmls = [p.read_text(encoding="utf-8") for p in sorted(out.rglob("*.html"))]
one(0)  # imports, templates, fonts
gc.collect()
print("start", rss(), flush=True)
profiler = cProfile.Profile() if mode == "profile" else None
for n in range(count):
    if profiler is not None and n == 1:
        profiler.enable()
    start = time.process_time()
    one(n + 1)
    took = time.process_time() - start
    if profiler is not None and n == 1:
        profiler.disable()
    gc.collect()
    print("report", n + 1, rss(), took, flush=True)
if profiler is not None:
    pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(45)
"""


@dataclass(frozen=True)
class OneWorker:
    first: float  # RSS MiB after the first report
    last: float
    slope: float  # MiB per 100 reports
    cpu: float  # CPU seconds a report, median
    profile: str


def floor(htmls: list[str], workers: int, env: dict[str, str]) -> tuple[float, float]:
    command = [sys.executable, "-c", _FLOOR, str(workers), *htmls]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    wall, cpu = (float(x) for x in done.stdout.split())
    return wall, cpu


def one_worker(
    mode: str, store_at: Path, specs: list[Path], count: int, out: Path, env: dict[str, str]
) -> OneWorker:
    command = [sys.executable, "-c", _WORKER, mode, str(store_at), str(out), str(count)]
    done = subprocess.run(
        [*command, *map(str, specs)],
        env={**env, "BENCH_NOW": NOW.isoformat()},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"the one-worker bench ({mode}) failed:\n{done.stderr[-3000:]}")
    points, cpu = [], []
    for line in done.stdout.splitlines():
        words = line.split()
        if words[0] == "start":
            points.append((0, float(words[1])))
        elif words[0] == "report":
            points.append((int(words[1]), float(words[2])))
            cpu.append(float(words[3]))
    grown = slope(points, count + 1)
    return OneWorker(points[0][1], points[-1][1], grown, statistics.median(cpu), done.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=100)
    parser.add_argument("--accounts", type=int, default=20, help="sandbox accounts (at most 99)")
    parser.add_argument("--worker-reports", type=int, default=30)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    accounts_n = min(args.accounts, args.reports, 99)
    copies = max(1, args.reports // accounts_n)
    reports = copies * accounts_n
    workers = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="reporter-bench-") as folder:
        tmp = Path(folder)
        store_at = tmp / "store.sqlite3"
        with SmtpServer() as smtp, Sandbox(seed=1, now=NOW, extra_accounts=accounts_n) as sb:
            ids = [str(FIRST + n) for n in range(accounts_n)]
            logins = ["facebook" if n % 2 == 0 else "instagram" for n in range(accounts_n)]
            folders = write_specs(tmp / "specs", list(zip(ids, logins, strict=True)), copies)
            started = time.perf_counter()
            fill(store_at, folders[0], sb)
            filled = time.perf_counter() - started
            env = {
                **{k: v for k, v in os.environ.items() if not k.startswith("REPORTER_")},
                **{f"TOKEN_{n}": sb.token_for(a) for n, a in enumerate(ids)},
                "REPORTER_API_BASE_URL": sb.base_url,
                "REPORTER_STORE": str(store_at),
                "REPORTER_LOCK_TIMEOUT": "600",
                **smtp.env(),
                "HOME": str(tmp / "home"),
            }
            wall, sampler = timed_run(folders, env, tmp / "out", smtp, per_report=2)
            sent = len(smtp.received)
        if sent != 2 * reports:
            sys.exit(f"{sent} mails, not {2 * reports} (to and cc of {reports} reports)")
        htmls = sorted(str(p) for p in (tmp / "out").rglob("*.html"))
        if len(htmls) != reports:
            sys.exit(f"{len(htmls)} HTML files, not {reports}")
        floor_wall, floor_cpu = floor(htmls, workers, env)
        specs = sorted(folders[0].glob("*.toml"))
        ones = {
            mode: one_worker(mode, store_at, specs, args.worker_reports, tmp / mode, env)
            for mode in ("render", "weasyprint")
        }
        if args.profile:
            ones["profile"] = one_worker("profile", store_at, specs, 2, tmp / "profile", env)
    summary = Summary(reports, copies, accounts_n, workers, filled, wall, sampler)
    summary.print(floor_wall, floor_cpu, ones, args.worker_reports)


@dataclass(frozen=True)
class Summary:
    reports: int
    copies: int
    accounts: int
    workers: int
    filled: float
    wall: float
    sampler: Sampler

    def print(
        self, floor_wall: float, floor_cpu: float, ones: dict[str, OneWorker], count: int
    ) -> None:
        n, sampler = self.reports, self.sampler
        cpu = sum(sampler.cpu.values())
        main_cpu = sampler.cpu[sampler.root]
        workers = [sampler.peak[p] for p, role in sampler.role.items() if role == "worker"]
        print(
            f"{n} reports ({self.copies} x {self.accounts} accounts of reports.example.toml) "
            f"from a filled SQLite store, {self.workers} render workers "
            f"(the fill, not timed: {self.filled:.0f} s)"
        )
        print(f"{'':<24} {'wall s':>8} {'per min':>8} {'CPU-s/report':>13}")
        print(f"{'run --send':<24} {self.wall:>8.1f} {60 * n / self.wall:>8.1f} {cpu / n:>13.2f}")
        per_min = 60 * n / floor_wall
        print(f"{'WeasyPrint alone':<24} {floor_wall:>8.1f} {per_min:>8.1f} {floor_cpu / n:>13.2f}")
        print(f"ratio run / floor: {self.wall / floor_wall:.2f}x wall, {cpu / floor_cpu:.2f}x CPU")
        print(f"the run's own process: {main_cpu:.1f} CPU-s ({main_cpu / n:.2f} a report)")
        print(
            f"memory: run process peak {sampler.peak[sampler.root]:.0f} MiB, "
            f"{slope(sampler.main, n):+.2f} MiB per 100 reports"
        )
        if workers:
            print(
                f"  render workers: {len(workers)} over the run, peak RSS at most "
                f"{max(workers):.0f} MiB (median {statistics.median(workers):.0f} MiB)"
            )
        for mode, one in ones.items():
            if mode == "profile":
                print(one.profile)
                continue
            print(
                f"one process, {count} reports, {mode}: {one.first:.0f} MiB after the first, "
                f"{one.last:.0f} MiB after the last, {one.slope:+.2f} MiB per 100 reports, "
                f"{one.cpu:.2f} CPU-s a report"
            )


if __name__ == "__main__":
    main()
