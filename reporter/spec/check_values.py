"""The plain values of a spec: timezone, locale, API version, period, accounts, output patterns,
e-mail addresses and the files it names. Metric checks live in `checks.py`."""

from __future__ import annotations

import datetime as dt
import functools
import importlib.util
import re
import string
import zoneinfo
from email.utils import parseaddr
from pathlib import Path

from reporter.catalogue import Catalogue, closest, version_tuple
from reporter.periods import comparison, resolve, years_before
from reporter.spec.check_wording import error as _error
from reporter.spec.check_wording import looks_like_token, q, token_in_spec
from reporter.spec.check_wording import warning as _warning
from reporter.spec.diagnostics import Diagnostic, KeyPath
from reporter.spec.models import Spec

PLACEHOLDERS = ("client", "account", "period", "year", "month")
_EMAIL = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\".]+$")


_LOCALE_FILE = re.compile(r"[a-z]{2,3}(_[A-Za-z0-9]{2,8})*")


@functools.lru_cache(maxsize=64)
def known_locale(locale: str) -> bool:
    """Whether Babel (which formats the report) knows ``locale`` ("en-US" as "en_US").

    Babel keeps one data file per locale (``babel/locale-data/en_US.dat``): a name that is one
    is known without importing Babel, which `reporter validate` then never loads. Anything
    else (other case, aliases such as "iw", likely subtags such as "zh_CN") is Babel's call."""
    identifier = locale.replace("-", "_")
    found = importlib.util.find_spec("babel")  # finds the package without importing it
    folders = found.submodule_search_locations if found is not None else None
    files = [Path(f) / "locale-data" / f"{identifier}.dat" for f in folders or ()]
    if _LOCALE_FILE.fullmatch(identifier) and any(f.is_file() for f in files):
        return True
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(identifier)
    except (UnknownLocaleError, ValueError, TypeError):
        return False
    return True


@functools.lru_cache(maxsize=1024)
def _is_address(address: str) -> bool:
    """An address, bare or with a name; cached, as an agency's specs share their recipients."""
    _, email = parseaddr(address)
    return bool(email) and _EMAIL.match(email) is not None


class ValueChecker:
    """Runs first: it also settles the API version the metric checks use."""

    def __init__(self, spec: Spec, catalogue: Catalogue, today: dt.date) -> None:
        self.spec = spec
        self.cat = catalogue
        self.today = today
        self.version = spec.report.api_version
        self.out: list[Diagnostic] = []

    def run(self) -> list[Diagnostic]:
        for step in (self.report, self.accounts, self.output, self.delivery):
            step()
        return self.out

    def report(self) -> None:
        report = self.spec.report
        try:
            zoneinfo.ZoneInfo(report.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a 300-char name
            suggestion = closest(report.timezone, sorted(zoneinfo.available_timezones()))
            self.out.append(
                _error(
                    "invalid-timezone",
                    f"unknown timezone {q(report.timezone)}",
                    ("report", "timezone"),
                    f"did you mean {q(suggestion)}?" if suggestion else "",
                    'use an IANA name such as "Europe/Berlin" or "America/New_York"',
                )
            )
        self._locale(report.locale)
        self._api_version()
        self._timeframe()

    def _locale(self, locale: str) -> None:
        if not known_locale(locale):
            self.out.append(
                _error(
                    "invalid-locale",
                    f"unknown locale {q(locale)}",
                    ("report", "locale"),
                    'use a language and territory such as "en_US", "de_DE" or "fr_CA"',
                )
            )

    def _api_version(self) -> None:
        path: KeyPath = ("report", "api_version")
        try:
            version = version_tuple(self.version)
        except ValueError:
            self.out.append(
                _error(
                    "invalid-api-version",
                    f'expected a Graph API version like "v25.0"; got {q(self.version)}',
                    path,
                )
            )
            self.version = self.cat.latest_api_version
            return
        if not self.version.startswith("v"):
            self.out.append(
                _error(
                    "invalid-api-version",
                    f'expected a Graph API version like "v25.0"; got {q(self.version)}',
                    path,
                    f'write "v{self.version}"',
                )
            )
        elif version > version_tuple(self.cat.latest_api_version):
            self.out.append(
                _warning(
                    "unknown-api-version",
                    f"{q(self.version)} is newer than the catalogue knows "
                    f"({self.cat.latest_api_version})",
                    path,
                    "metrics Meta changed in that version are not checked",
                )
            )

    def _timeframe(self) -> None:
        report = self.spec.report
        path: KeyPath = ("report", "timeframe")
        timeframe = report.timeframe
        if not isinstance(timeframe, str) and timeframe.since > timeframe.until:
            self.out.append(
                _error(
                    "invalid-range",
                    f"since {timeframe.since.isoformat()} is after "
                    f"until {timeframe.until.isoformat()}",
                    (*path, "since"),
                )
            )
            return
        period = resolve(timeframe, self.today)
        horizon = years_before(self.today, self.cat.limits.history_years)
        if period.since < horizon:
            self.out.append(
                _error(
                    "range-too-old",
                    f"the period starts {period.since.isoformat()}, more than "
                    f"{self.cat.limits.history_years} years before "
                    f"today ({self.today.isoformat()})",
                    path,
                    "Meta keeps insights for 2 years: choose a later period",
                )
            )
        elif (previous := comparison(period, report.compare)) and previous.since < horizon:
            self.out.append(
                _warning(
                    "comparison-too-old",
                    f"the comparison period starts {previous.since.isoformat()}, more than "
                    f"{self.cat.limits.history_years} years ago: its figures will be unavailable",
                    ("report", "compare"),
                )
            )
        if period.since > self.today:
            self.out.append(
                _error(
                    "period-not-started",
                    f"the period {period.label} has not started yet "
                    f"(today is {self.today.isoformat()})",
                    path,
                    "its report would be empty: choose a period that has begun",
                )
            )
        elif period.until >= self.today:
            self.out.append(
                _warning(
                    "period-not-over",
                    f"the period {period.label} is not over yet "
                    f"(today is {self.today.isoformat()})",
                    path,
                    "figures of the last 48 hours are incomplete until Meta settles them",
                )
            )

    def accounts(self) -> None:
        seen: dict[str, int] = {}
        for index, account in enumerate(self.spec.accounts):
            if looks_like_token(account.token_env):
                self.out.append(token_in_spec(("accounts", index, "token_env")))
            if account.id in seen:
                self.out.append(
                    _error(
                        "duplicate-account",
                        f"account {q(account.id)} is listed twice",
                        ("accounts", index, "id"),
                        f"first listed as accounts[{seen[account.id]}]",
                    )
                )
            seen.setdefault(account.id, index)

    def output(self) -> None:
        output = self.spec.output
        self._pattern(output.directory, ("output", "directory"), path_like=True)
        if self.spec.delivery is not None:
            self._pattern(self.spec.delivery.subject, ("delivery", "subject"), path_like=False)
        own = self.spec.rollup.delivery if self.spec.rollup is not None else None
        if own is not None and own.subject is not None:
            self._pattern(own.subject, ("rollup", "delivery", "subject"), path_like=False)

    def _pattern(self, pattern: str, path: KeyPath, *, path_like: bool) -> None:
        try:
            fields = [f for _, f, spec, conv in string.Formatter().parse(pattern) if f is not None]
        except ValueError as exc:
            self.out.append(
                _error(
                    "invalid-pattern",
                    f"invalid pattern {q(pattern)}: {exc}",
                    path,
                    "write placeholders as {client}; double {{ }} for braces",
                )
            )
            return
        for name in fields:
            if name not in PLACEHOLDERS:
                suggestion = closest(name, PLACEHOLDERS)
                self.out.append(
                    _error(
                        "unknown-placeholder",
                        f"unknown placeholder {{{name}}} in {q(pattern)}",
                        path,
                        f"did you mean {{{suggestion}}}?" if suggestion else "",
                        f"placeholders: {', '.join('{' + p + '}' for p in PLACEHOLDERS)}",
                    )
                )
        if path_like:
            parts = pattern.replace("\\", "/").split("/")
            if (
                pattern.startswith(("/", "\\", "~"))
                or re.match(r"^[A-Za-z]:", pattern)
                or (".." in parts)
            ):
                self.out.append(
                    _error(
                        "output-escapes",
                        f"{q(pattern)} escapes the output directory",
                        path,
                        'write a relative path below the output root, without ".."',
                    )
                )

    def delivery(self) -> None:
        delivery = self.spec.delivery
        own = self.spec.rollup.delivery if self.spec.rollup is not None else None
        blocks: list[tuple[KeyPath, object]] = [(("delivery",), delivery)]
        blocks.append((("rollup", "delivery"), own))
        for where, block in blocks:
            for field in ("to", "cc", "bcc"):
                for index, address in enumerate(getattr(block, field, ())):
                    if not _is_address(address):
                        self.out.append(
                            _error(
                                "invalid-email",
                                f"not an e-mail address: {q(address)}",
                                (*where, field, index),
                                'write name@example.com or "Name <name@example.com>"',
                            )
                        )
        if delivery is not None and "pdf" not in self.spec.output.formats:
            self.out.append(
                _error(
                    "delivery-without-pdf",
                    '[delivery] e-mails the PDF, but output.formats has no "pdf"',
                    ("output", "formats"),
                    'add "pdf" to output.formats, or remove [delivery]',
                )
            )
        elif own is not None and "pdf" not in self.spec.output.formats:
            self.out.append(
                _error(
                    "delivery-without-pdf",
                    '[rollup.delivery] e-mails the PDF, but output.formats has no "pdf"',
                    ("output", "formats"),
                    'add "pdf" to output.formats, or remove [rollup.delivery]',
                )
            )


def check_files(spec: Spec, spec_dir: Path) -> list[Diagnostic]:
    """Files the spec names that must exist, relative to the spec's folder."""
    out: list[Diagnostic] = []
    own = spec.rollup.delivery if spec.rollup is not None else None
    messages: list[tuple[KeyPath, str | None]] = [
        (("delivery", "message"), spec.delivery.message if spec.delivery else None),
        (("rollup", "delivery", "message"), own.message if own else None),
    ]
    for where, message in messages:
        if message is not None and not (spec_dir / message).is_file():
            out.append(
                _error(
                    "message-not-found",
                    f"no message template {q(message)} next to the spec",
                    where,
                    f"looked for {spec_dir / message}; the path is relative to the spec's folder",
                )
            )
    return out
