"""`reporter init DIR`: a git repository of report definitions, ready to validate and run.

A base spec (``abstract = true``) holds what every client shares; each client spec extends it.
The scaffold's client uses a sandbox account, so ``reporter run clients --sandbox`` works at
once; ``.env.example`` lists the variables (never values); pre-commit and CI validate every spec
with the ``reporter-validate`` hook and ``reporter validate --format github --strict``.
Nothing is overwritten: when any file exists, nothing is written.
"""

from __future__ import annotations

from pathlib import Path

from reporter import __version__
from reporter.errors import ExitStatus, ReporterError
from reporter.world import World

# Where the pre-commit hook and CI install reporter from: the reporter repository you use.
REPOSITORY = "https://example.org/your-fork/reporter"

BASE = """\
# base.toml: what every client's report shares. Client specs extend it:
#   extends = "../base.toml"
# A base is abstract: it is checked through the specs that extend it.
abstract = true

[report]
title = "Monthly Instagram report"
timeframe = "last_month"
compare = "previous_period"
timezone = "Europe/Berlin"
locale = "en_GB"
api_version = "v25.0"

[account_metrics]
metrics = ["reach", "accounts_engaged", "total_interactions", "likes", "saves", "shares"]
time_series = ["reach"]

[media]
product_types = ["FEED", "REELS"]
top = 5
rank_by = "reach"

[media.metrics]
FEED = ["reach", "likes", "saved", "shares", "total_interactions"]
REELS = ["reach", "likes", "saved", "shares", "total_interactions"]

[output]
formats = ["html", "pdf"]
directory = "reports/{client}/{account}/{period}"
"""

CLIENT = """\
# clients/acme.toml: one client. The account below is the sandbox's, so this works at once:
#   reporter validate .
#   reporter run clients --sandbox
# For the real client: its account id here, its token in the variable token_env names.
extends = "../base.toml"

[report]
client = "Acme Coffee Roasters"

[[accounts]]
id = "17841400000000001"
name = "Acme Coffee Roasters"
login = "facebook"
token_env = "ACME_IG_TOKEN"

[delivery]
to = ["Marketing team <marketing@acme-coffee.example>"]
subject = "{client}: your Instagram report for {period}"
"""

ENV_EXAMPLE = """\
# Copy to .env (never commit .env) and fill in. The real environment wins over .env.
# One variable per account, named by the spec's token_env:
ACME_IG_TOKEN=

# E-mail delivery (reporter run --send):
REPORTER_SMTP_HOST=smtp.example.com
REPORTER_SMTP_PORT=587
REPORTER_SMTP_USERNAME=
REPORTER_SMTP_PASSWORD=
REPORTER_MAIL_FROM=Agency Reports <reports@agency.example>
"""

GITIGNORE = """\
.env
reports/
"""

PRE_COMMIT = f"""\
# pre-commit install: every commit validates every spec (a base through its clients).
repos:
  - repo: {REPOSITORY}
    rev: v{__version__}
    hooks:
      - id: reporter-validate
"""

WORKFLOW = f"""\
name: validate
on: [push, pull_request]
jobs:
  validate:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - run: pip install "reporter @ git+{REPOSITORY}@v{__version__}"
      # Errors and warnings appear on the pull request's lines; warnings fail too.
      - run: reporter validate --format github --strict .
"""

FILES: dict[str, str] = {
    "base.toml": BASE,
    "clients/acme.toml": CLIENT,
    ".env.example": ENV_EXAMPLE,
    ".gitignore": GITIGNORE,
    ".pre-commit-config.yaml": PRE_COMMIT,
    ".github/workflows/validate.yml": WORKFLOW,
}


def init(folder: Path, *, world: World) -> int:
    """`reporter init DIR`: write the scaffold and say what to run next."""
    for path in scaffold(folder):
        world.out.write(f"wrote {path}\n")
    world.out.write(f"next: cd {folder} && reporter validate . && reporter run clients --sandbox\n")
    return int(ExitStatus.OK)


def scaffold(folder: Path) -> list[Path]:
    """Write the scaffold into ``folder`` (created if needed); the files written."""
    existing = [folder / name for name in FILES if (folder / name).exists()]
    if existing:
        raise ReporterError(
            f"{', '.join(map(str, existing))} already exist(s); reporter init writes nothing "
            "over existing files: choose an empty folder, or move them away"
        )
    written = []
    for name, text in FILES.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as handle:  # "x": never replace a file
            handle.write(text)
        written.append(path)
    return written
