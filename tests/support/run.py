"""Helpers for the `reporter run --send` tests: spec folders, the sandbox over HTTP, the CLI."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pypdf

from reporter.sandbox import Sandbox
from support.cli import Ran, run_cli

NOW = dt.datetime(2026, 11, 3, 8, 0, tzinfo=dt.UTC)
NOW_TEXT = NOW.isoformat()
ACCOUNTS = {
    "17841400000000001": ("Café Müller", "facebook", "CAFE_TOKEN"),
    "17841400000000002": ("Nordlicht Studio", "instagram", "NORDLICHT_TOKEN"),
    "17841400000000004": ("Globex", "facebook", "GLOBEX_TOKEN"),
}

BASE = """\
abstract = true

[report]
compare = "previous_period"
timezone = "Europe/Berlin"

[account_metrics]
metrics = ["reach", "likes", "saves"]

[output]
formats = ["pdf"]
"""


def write_spec(folder: Path, account_id: str, recipients: dict[str, list[str]],
               **delivery: str) -> Path:  # fmt: skip
    name, login, token_env = ACCOUNTS[account_id]
    lines = [
        'extends = "base.toml"',
        "",
        "[report]",
        f'client = "{name}"',
        "",
        "[[accounts]]",
        f'id = "{account_id}"',
        f'name = "{name}"',
        f'login = "{login}"',
        f'token_env = "{token_env}"',
        "",
        "[delivery]",
    ]
    for role, addresses in recipients.items():
        lines.append(
            f"{role} = [{', '.join(repr(a).replace(chr(39), chr(34)) for a in addresses)}]"
        )
    lines += [f'{key} = "{value}"' for key, value in delivery.items()]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "base.toml").write_text(BASE, encoding="utf-8")
    path = folder / f"{token_env.lower().removesuffix('_token')}.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def environment(sb: Sandbox, tmp: Path, smtp: dict[str, str]) -> dict[str, str]:
    env = {token_env: sb.token_for(i) for i, (_, _, token_env) in ACCOUNTS.items()}
    env |= {
        "REPORTER_API_BASE_URL": sb.base_url,
        "REPORTER_STORE": str(tmp / "store.sqlite3"),
        "REPORTER_MAX_RETRIES": "0",
        **smtp,
    }
    return env


def run(args: list[str], env: dict[str, str], out: Path) -> Ran:
    return run_cli(["run", *args, "--out", str(out), "--now", NOW_TEXT], env=env)


def pdf_text(data: bytes, tmp: Path) -> str:
    path = tmp / "read.pdf"
    path.write_bytes(data)
    text = "".join(page.extract_text() for page in pypdf.PdfReader(path).pages)
    return text.replace("\x00", "")


def ledger(store: Path) -> list[tuple[str, str, int]]:
    with sqlite3.connect(store) as db:
        rows = db.execute(
            "SELECT recipient, state, sent_count FROM deliveries ORDER BY recipient"
        ).fetchall()
    return [(str(r[0]), str(r[1]), int(r[2])) for r in rows]
