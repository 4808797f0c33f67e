"""Input that cannot crash: whatever a spec, its `extends` or the options `--period` and `--now`
hold, reporter answers with a diagnostic or a one-line usage error, never exit 3 or a hang.

Only regular files of at most 1 MiB are read as specs (reporter/spec/load.py): an `extends`
naming /dev/zero, a FIFO or /dev/stdin gets a diagnostic at once.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.cli import run_cli
from support.example import EXAMPLE, NOW

EXAMPLE_TEXT = EXAMPLE.read_text(encoding="utf-8")
UP = "../" * 40  # from any test folder up to /


def validate(path: Path) -> tuple[int, str]:
    ran = run_cli(["validate", str(path), "--today", "2026-11-02"])
    return ran.status, ran.output


def spec_with(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "spec.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_nul_byte_in_extends_is_a_diagnostic(tmp_path: Path) -> None:
    path = spec_with(tmp_path, 'extends = "base\\u0000.toml"\n' + EXAMPLE_TEXT)
    assert validate(path) == (
        1,
        f"{path}:1:11: error: extends: a path cannot hold a NUL character (\\u0000) "
        "[invalid-value]\n1 spec checked: 1 error, 0 warnings; nothing was fetched or sent\n",
    )


def test_a_very_long_timezone_is_an_unknown_timezone(tmp_path: Path) -> None:
    long = "Europe/" + "x" * 300
    path = spec_with(tmp_path, EXAMPLE_TEXT.replace('"Europe/Berlin"', f'"{long}"', 1))
    status, output = validate(path)
    assert status == 1
    assert f'{path}:17:12: error: report.timezone: unknown timezone "{long}"' in output


@pytest.mark.parametrize(
    ("timeframe", "message"),
    [
        ("{ since = 9999-12-01, until = 9999-12-31 }",
         "report.timeframe: the period 9999-12 has not started yet (today is 2026-11-02) "
         "[period-not-started]"),
        ("{ since = 0001-01-01, until = 0001-01-31 }",
         "report.timeframe: the period starts 0001-01-01, more than 2 years before today "
         "(2026-11-02) [range-too-old]"),
        ("{ since = 9999-12-31, until = 9999-12-31 }",
         "report.timeframe: the period 9999-12-31..9999-12-31 has not started yet "
         "(today is 2026-11-02) [period-not-started]"),
    ],
)  # fmt: skip
def test_dates_at_the_ends_of_the_calendar_are_diagnostics(
    tmp_path: Path, timeframe: str, message: str
) -> None:
    for compare in ("previous_period", "previous_year", "none"):
        text = EXAMPLE_TEXT.replace('timeframe = "last_month"', f"timeframe = {timeframe}", 1)
        text = text.replace('compare = "previous_period"', f'compare = "{compare}"', 1)
        status, output = validate(spec_with(tmp_path, text))
        assert status == 1
        assert f":15:13: error: {message}\n" in output, output


def test_keys_nested_500_deep_are_one_diagnostic(tmp_path: Path) -> None:
    path = spec_with(tmp_path, "a." * 499 + "a = 1\n" + EXAMPLE_TEXT)
    status, output = validate(path)
    assert status == 1
    first = output.splitlines()[0]  # at the 33rd part of the key
    assert first.startswith(f"{path}:1:65: error: {'a.' * 32}a: ")
    assert first.endswith(": keys nest more than 32 levels deep; a spec needs a few [too-deep]")


def _validate_in_a_process(path: Path) -> subprocess.CompletedProcess[str]:
    """`reporter validate PATH` with a stdin that never ends, as cron's or a terminal's."""
    with subprocess.Popen(
        [sys.executable, "-m", "reporter", "validate", str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as process:
        try:
            output, _ = process.communicate(timeout=60)  # a hang is a failure, not a stuck CI
        finally:
            process.kill()
        return subprocess.CompletedProcess(process.args, process.returncode, output)


@pytest.mark.parametrize(
    ("make", "written", "message"),
    [
        (None, UP + "dev/zero", "is a character device, not a spec file: name a .toml file"),
        (None, UP + "dev/stdin", "is a named pipe, not a spec file: name a .toml file"),
        ("fifo", "base.toml", "is a named pipe, not a spec file: name a .toml file"),
        ("folder", "base.toml", "is a folder, not a spec file: name a .toml file"),
        ("large", "base.toml", "is larger than 1024 KiB: not a spec file"),
    ],
)
def test_extends_reads_only_regular_files_of_bounded_size(
    tmp_path: Path, make: str | None, written: str, message: str
) -> None:
    base = tmp_path / "base.toml"
    if make == "fifo":
        os.mkfifo(base)
    elif make == "folder":
        base.mkdir()
    elif make == "large":
        base.write_text("# padding\n" * 120_000, encoding="utf-8")
    spec = spec_with(tmp_path, f'extends = "{written}"\n')
    done = _validate_in_a_process(spec)
    assert done.returncode == 1, done.stdout
    looked = f" (looked for {tmp_path / written})"
    assert done.stdout.startswith(
        f'{spec}:1:11: error: extends: base spec "{written}" {message}{looked} ['
    ), done.stdout


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ("9999-12", "the period has not started yet (today is 2026-11-02): its report would "
         "be empty; choose a period that has begun"),
        ("0001-01", "the period starts 0001-01-01, more than 2 years before today (2026-11-02): "
         "Meta keeps insights for 2 years; choose a later period"),
        ("2026-12", "the period has not started yet (today is 2026-11-02): its report would "
         "be empty; choose a period that has begun"),
    ],
)  # fmt: skip
@pytest.mark.parametrize("verb", ["plan", "run", "fetch", "render"])
def test_period_refuses_what_the_validator_refuses(
    verb: str, period: str, message: str, tmp_path: Path
) -> None:
    ran = run_cli(
        [verb, str(EXAMPLE), "--sandbox", "--period", period, "--now", NOW]
        + (["--out", str(tmp_path / "out")] if verb in ("run", "render") else []),
        env={"REPORTER_STORE": str(tmp_path / "store.sqlite3")},
    )
    assert (ran.status, ran.stderr) == (2, f"error: --period {period}: {message}\n")
    assert not (tmp_path / "store.sqlite3").exists() and not (tmp_path / "out").exists()


def test_now_outside_the_calendar_reporter_computes_in_is_a_usage_error() -> None:
    ran = run_cli(["plan", str(EXAMPLE), "--sandbox", "--now", "9999-12-31T23:59:59+00:00"])
    assert (ran.status, ran.stderr) == (
        2,
        "error: --now: 9999-12-31T23:59:59+00:00 is outside the years 1900 to 8999 reporter "
        "computes periods in\n",
    )


# --- property-based: the options and `extends` -------------------------------------------------

CLI = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
# Mostly near the clock's years (where a period is planned, not refused), and the calendar's ends.
days = st.one_of(st.dates(dt.date(2015, 1, 1), dt.date(2035, 12, 31)), st.dates(dt.date(1, 1, 1)))
periods = st.one_of(
    days.map(lambda d: f"{d:%Y-%m}"),
    st.tuples(days, days).map(lambda r: f"{r[0].isoformat()}..{r[1].isoformat()}"),
    st.text(max_size=25),
)
moments = st.one_of(
    st.datetimes(dt.datetime(2015, 1, 1), dt.datetime(2035, 12, 31), timezones=st.timezones()),
    st.datetimes(dt.datetime(1, 1, 2), dt.datetime(9999, 12, 30), timezones=st.timezones()),
).map(dt.datetime.isoformat) | st.text(max_size=30)


def answered(status: int, output: str) -> bool:
    """An answer a user can act on: an exit status of ours that is not a bug, no traceback."""
    return status in (0, 1, 2) and "unexpected" not in output and "Traceback" not in output


@CLI
@given(period=st.none() | periods, now=moments)
def test_any_period_and_now_get_an_answer(period: str | None, now: str) -> None:
    if "\x00" in now or (period is not None and "\x00" in period):
        return  # no command line can carry a NUL: execve ends every argument at one
    args = ["plan", str(EXAMPLE), "--sandbox", "--now", now]
    ran = run_cli(args + (["--period", period] if period is not None else []))
    assert answered(ran.status, ran.output), ran.output


special = st.sampled_from(
    [UP + "dev/zero", UP + "dev/null", UP + "dev/stdin", UP + "dev/full", UP + "proc/self/mem",
     UP + "etc", ".", "..", "spec.toml", "missing.toml", "", " ", "a" * 300, "é/../x.toml"]
)  # fmt: skip
extends_values = st.one_of(special, st.text(max_size=40), special.map(lambda s: s + "\x00"))


@CLI
@given(extends=extends_values)
def test_any_extends_gets_diagnostics(tmp_path: Path, extends: str) -> None:
    quoted = extends.replace("\\", "\\\\").replace('"', '\\"')
    quoted = "".join(c if c.isprintable() else f"\\u{ord(c):04X}" for c in quoted)
    path = tmp_path / "spec.toml"
    path.write_text(f'extends = "{quoted}"\n' + EXAMPLE_TEXT, encoding="utf-8")
    status, output = validate(path)
    assert status in (0, 1) and answered(status, output), output
