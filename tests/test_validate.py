"""The validator through its command line and its Python API."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from support.cli import run_cli

from reporter import catalogue
from reporter.spec.check_values import known_locale
from reporter.spec.load import merge
from reporter.spec.validate import InvalidSpec, load_spec, validate_file, validate_paths

ROOT = Path(__file__).parent.parent
SPECS = Path(__file__).parent / "specs"
TODAY = dt.date(2026, 11, 23)
CATALOGUE = catalogue.load()


def _noon(day: dt.date) -> dt.datetime:
    """A moment of ``day`` that is that day in every timezone the tests use."""
    return dt.datetime.combine(day, dt.time(12), dt.UTC)


NOW = _noon(TODAY)


def write(tmp_path: Path, text: str, name: str = "spec.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


MINIMAL = """\
    [report]
    client = "Acme"

    [[accounts]]
    id = "17841400000000001"
    name = "Acme"
    token_env = "ACME_IG_TOKEN"
    """


def codes(path: Path, today: dt.date = TODAY) -> list[str]:
    return [d.code for d in validate_file(path, now=_noon(today), catalogue=CATALOGUE).diagnostics]


def test_example_spec_is_valid() -> None:
    result = run_cli(["validate", str(ROOT / "reports.example.toml")])
    assert result.exit_code == 0, result.output
    assert "0 errors" in result.output


def test_valid_folder_checks_bases_through_their_children() -> None:
    results = validate_paths([SPECS / "valid"], now=NOW, catalogue=CATALOGUE)
    assert [r.path.name for r in results] == ["client.toml", "layout.toml", "minimal.toml"]
    assert not [d for r in results for d in r.errors]
    client = next(r for r in results if r.path.name == "client.toml")
    assert client.spec is not None
    # The child wins over its base; the base supplied the rest.
    assert client.spec.report.client == "Nordlicht Studio"
    assert client.spec.report.locale == "de_DE"
    assert client.spec.accounts[0].login == "instagram"


def test_a_base_on_its_own_is_only_checked_for_what_it_says(tmp_path: Path) -> None:
    base = write(tmp_path, '[report]\nlocale = "de_DE"\nclinet = "x"\n', "base.toml")
    write(tmp_path, 'extends = "base.toml"\n' + textwrap.dedent(MINIMAL), "child.toml")
    results = {r.path.name: r for r in validate_paths([tmp_path], now=NOW, catalogue=CATALOGUE)}
    assert [d.code for d in results["base.toml"].diagnostics] == ["unknown-key"]
    # The child reports the base's unknown key too, in the base's file and line.
    child = results["child.toml"].diagnostics
    assert [(d.code, d.file, d.line) for d in child] == [("unknown-key", str(base), 3)]


def test_merge_tables_merge_and_arrays_are_replaced() -> None:
    base = {"report": {"client": "A", "locale": "de_DE"}, "media": {"product_types": ["FEED"]}}
    child = {"report": {"client": "B"}, "media": {"product_types": ["REELS"]}}
    assert merge(base, child) == {
        "report": {"client": "B", "locale": "de_DE"},
        "media": {"product_types": ["REELS"]},
    }


def test_errors_and_meaning_are_reported_together(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        MINIMAL
        + """
    colour = "red"

    [account_metrics]
    metrics = ["reahc"]
    """,
    )
    assert codes(path) == ["unknown-key", "unknown-metric"]


def test_removed_by_version_before_the_all_versions_date(tmp_path: Path) -> None:
    text = MINIMAL + '\n    [account_metrics]\n    metrics = ["impressions"]\n'
    pinned_new = write(
        tmp_path, text.replace('client = "Acme"', 'client = "Acme"\napi_version = "v22.0"')
    )
    pinned_old = write(
        tmp_path,
        text.replace('client = "Acme"', 'client = "Acme"\napi_version = "v21.0"'),
        "old.toml",
    )
    before_cutoff = dt.date(2025, 3, 1)
    assert "removed-metric" in codes(pinned_new, before_cutoff)
    assert "removed-metric" not in codes(pinned_old, before_cutoff)
    assert "removed-metric" in codes(pinned_old, dt.date(2025, 4, 21))


def test_period_not_over_and_future_ranges_warn(tmp_path: Path) -> None:
    path = write(
        tmp_path, MINIMAL.replace('client = "Acme"', 'client = "Acme"\ntimeframe = "this_month"')
    )
    result = validate_file(path, now=_noon(TODAY), catalogue=CATALOGUE)
    assert [(d.severity, d.code) for d in result.diagnostics] == [("warning", "period-not-over")]


def test_json_format_is_a_list_of_objects() -> None:
    case = SPECS / "invalid" / "unknown_metric.toml"
    result = run_cli(["validate", "--format", "json", "--today", "2026-11-23", str(case)])
    assert result.exit_code == 1
    items = json.loads(result.stdout)
    assert items == [
        {
            "file": str(case),
            "line": 4,
            "col": 21,
            "severity": "error",
            "code": "unknown-metric",
            "key": "account_metrics.metrics[1]",
            "message": 'unknown account metric "reahc"',
            "hints": [
                'did you mean "reach"?',
                "run `reporter catalogue` to list the account metrics",
            ],
        }
    ]


def test_github_format_annotates_file_line_and_column() -> None:
    case = SPECS / "invalid" / "navigation_on_feed.toml"
    result = run_cli(["validate", "--format", "github", "--today", "2026-11-23", str(case)])
    lines = result.stdout.splitlines()
    assert lines[1] == (
        f"::error file={case},line=8,col=18,title=unsupported-product-type::"
        'media.metrics.FEED[1]: "navigation" is not available for FEED media'
        '%0Ahint: "navigation" is available for: STORY'
    )
    assert lines[0].startswith("::warning ")


def test_strict_turns_warnings_into_failure() -> None:
    example = str(ROOT / "reports.example.toml")
    assert run_cli(["validate", example]).exit_code == 0
    assert run_cli(["validate", "--strict", example]).exit_code == 1


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run_cli(["validate", str(tmp_path / "missing.toml")]).exit_code == 2
    assert run_cli(["validate"]).exit_code == 2


def test_a_token_in_the_spec_is_never_echoed(tmp_path: Path) -> None:
    token = "EAAGm0PX4ZCpsBAKZCZAhYpSecretSecretSecret123"
    path = write(tmp_path, MINIMAL.replace('token_env = "ACME_IG_TOKEN"', f'token = "{token}"'))
    for fmt in ("text", "json", "github"):
        result = run_cli(["validate", "--format", fmt, str(path)])
        assert result.exit_code == 1
        assert "token-in-spec" in result.output
        assert token not in result.output
        assert token[:12] not in result.output


def test_binary_and_non_utf8_files_are_diagnostics(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes('[report]\nclient = "Caf\xe9"\n'.encode("latin-1"))
    assert codes(path) == ["not-utf8"]


def test_a_bom_is_read_and_deep_nesting_is_a_diagnostic(tmp_path: Path) -> None:
    bom = tmp_path / "bom.toml"
    bom.write_bytes(b"\xef\xbb\xbf" + textwrap.dedent(MINIMAL).encode())
    assert codes(bom) == []
    deep = tmp_path / "deep.toml"
    deep.write_text("x = " + "[" * 2000 + "]" * 2000 + "\n", encoding="utf-8")
    result = validate_file(deep, now=_noon(TODAY), catalogue=CATALOGUE)
    assert [(d.code, d.message) for d in result.diagnostics] == [
        ("toml-syntax", "invalid TOML: nested too deeply to read")
    ]


def test_a_folder_without_specs_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = run_cli(["validate", str(tmp_path / "empty")])
    assert result.exit_code == 2
    assert result.stderr == f"error: no spec (*.toml) found in {tmp_path / 'empty'}\n"


def test_load_spec_raises_with_the_diagnostics(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL + '\n    [account_metrics]\n    metrics = ["reahc"]\n')
    with pytest.raises(InvalidSpec) as caught:
        load_spec(path, now=NOW, catalogue=CATALOGUE)
    assert [d.code for d in caught.value.results[0].errors] == ["unknown-metric"]
    assert "1 error in" in str(caught.value)
    spec = load_spec(write(tmp_path, MINIMAL, "ok.toml"), now=NOW, catalogue=CATALOGUE)
    assert spec.accounts[0].token_env == "ACME_IG_TOKEN"


def test_validate_does_not_import_heavy_modules() -> None:
    code = (
        "import sys\n"
        "from reporter.cli import main\n"
        "try:\n"
        f"    main(['validate', {str(ROOT / 'reports.example.toml')!r}])\n"
        "except SystemExit as exit:\n"
        "    assert exit.code == 0, exit.code\n"
        f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "print(','.join(heavy) or 'none')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "none"


# What `reporter validate` never needs: the fetch and render stacks and their libraries.
HEAVY = (
    "weasyprint",
    "requests",
    "jinja2",
    "babel",
    "sqlite3",
    "sqlalchemy",
    "celery",
    "reporter.render",
    "reporter.fetch",
    "reporter.graph",
    "reporter.store",
)


@pytest.mark.parametrize(
    ("locale", "known"),
    [
        ("en_US", True),
        ("de-DE", True),
        ("fr_CA", True),
        ("EN_us", True),  # not a file name as written: Babel decides
        ("zh_CN", True),  # Babel's likely subtags: zh_Hans_CN
        ("iw", True),  # Babel's alias of he
        ("xx_YY", False),
        ("../en_US", False),
        ("", False),
    ],
)
def test_locales_are_the_ones_babel_formats(locale: str, known: bool) -> None:
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(locale.replace("-", "_"))
        babel_knows = True
    except (UnknownLocaleError, ValueError, TypeError):
        babel_knows = False
    assert known_locale(locale) is known is babel_knows


def test_schema_is_json_schema_of_the_models() -> None:
    result = run_cli(["schema"])
    schema = json.loads(result.stdout)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert set(schema["required"]) == {"report", "accounts"}
    assert schema["$defs"]["Account"]["additionalProperties"] is False


def test_folders_skip_hidden_folders_and_tool_configuration(tmp_path: Path) -> None:
    write(tmp_path, MINIMAL, "acme.toml")
    (tmp_path / ".venv").mkdir()
    write(tmp_path / ".venv", "x = 1\n", "junk.toml")
    write(tmp_path, "[project]\nname = 'x'\n", "pyproject.toml")
    assert [r.path.name for r in validate_paths([tmp_path], now=NOW, catalogue=CATALOGUE)] == [
        "acme.toml"
    ]
