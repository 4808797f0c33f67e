"""The TOML locator: exact positions on hand-written specs, a round trip through a writer with
several layouts (checked by tomllib), and no exception on anything."""

from __future__ import annotations

import datetime as dt
import re
import time
import tomllib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reporter.spec.locate import Position, TomlIndex, key_path_text, locate

PathT = tuple[str | int, ...]


def text_at(text: str, position: Position) -> str:
    """The document from `position` on, computed independently of the locator."""
    lines = text.split("\n")
    assert 1 <= position.line <= len(lines)
    assert 1 <= position.col <= len(lines[position.line - 1]) + 1
    offset = sum(len(line) + 1 for line in lines[: position.line - 1]) + position.col - 1
    return text[offset:]


def check_table(doc: str, cases: list[tuple[PathT, bool, tuple[int, int] | None, str]]) -> None:
    tomllib.loads(doc)  # the documents are valid TOML, so every None below is a real miss
    for path, value, expected, snippet in cases:
        found = locate(doc, path, value=value)
        if expected is None:
            assert found is None, (path, value)
            continue
        assert found == Position(*expected), (path, value)
        # The snippet keeps the hand-counted columns honest.
        assert text_at(doc, found).startswith(snippet), (path, value)


KEYS_AND_HEADERS = """\
# Monthly report for Acme [draft] = "x"
title = "Acme # not a comment"  # a comment with = and [brackets]
"quoted key" = 1
'lit' = 2
a.b = 3
"a.b" = 4
site."google.com" = true
site . 'x y' . z = 'v'

[report]  # the report table
name = 'monthly'

[ report . "sub table" ]
\tdepth = 2
"""


def test_keys_and_headers() -> None:
    check_table(
        KEYS_AND_HEADERS,
        [
            (("title",), False, (2, 1), "title"),
            (("title",), True, (2, 9), '"Acme #'),
            (("quoted key",), False, (3, 1), '"quoted key"'),
            (("quoted key",), True, (3, 16), "1"),
            (("lit",), False, (4, 1), "'lit'"),
            (("lit",), True, (4, 9), "2"),
            (("a",), False, (5, 1), "a.b"),
            (("a", "b"), False, (5, 3), "b = 3"),
            (("a", "b"), True, (5, 7), "3"),
            (("a.b",), False, (6, 1), '"a.b"'),
            (("a.b",), True, (6, 9), "4"),
            (("site",), False, (7, 1), "site"),
            (("site", "google.com"), False, (7, 6), '"google.com"'),
            (("site", "google.com"), True, (7, 21), "true"),
            (("site", "x y"), False, (8, 8), "'x y'"),
            (("site", "x y", "z"), False, (8, 16), "z"),
            (("site", "x y", "z"), True, (8, 20), "'v'"),
            (("report",), False, (10, 1), "[report]"),
            (("report",), True, (10, 1), "[report]"),
            (("report", "name"), True, (11, 8), "'monthly'"),
            (("report", "sub table"), False, (13, 1), "[ report"),
            (("report", "sub table", "depth"), False, (14, 2), "depth"),
            (("report", "sub table", "depth"), True, (14, 10), "2"),
            (("title", "x"), False, None, ""),
            (("report", 0), False, None, ""),
            (("missing",), False, None, ""),
            (("google.com",), False, None, ""),
        ],
    )


ARRAYS_OF_TABLES = """\
[[accounts]]
name = "first"

[accounts.settings]
tz = "UTC"

[[accounts]]
name = "second"
token_env = "IG_TOKEN_2"
[accounts.settings]
tz = "Europe/Paris"
[[accounts.pages]]
id = 1
[[accounts.pages]]
id = 2

[[accounts]]
  [[accounts.pages]]
  id = 3
  [accounts.pages.meta]
  k.v = 4
"""


def test_arrays_of_tables() -> None:
    check_table(
        ARRAYS_OF_TABLES,
        [
            (("accounts",), False, (1, 1), "[[accounts]]"),
            (("accounts", 0), False, (1, 1), "[[accounts]]"),
            (("accounts", 1), False, (7, 1), "[[accounts]]"),
            (("accounts", 1), True, (7, 1), "[[accounts]]"),
            (("accounts", 2), False, (17, 1), "[[accounts]]"),
            (("accounts", 0, "name"), True, (2, 8), '"first"'),
            (("accounts", 0, "settings"), False, (4, 1), "[accounts.settings]"),
            (("accounts", 0, "settings", "tz"), True, (5, 6), '"UTC"'),
            (("accounts", 1, "token_env"), False, (9, 1), "token_env"),
            (("accounts", 1, "token_env"), True, (9, 13), '"IG_TOKEN_2"'),
            (("accounts", 1, "settings"), False, (10, 1), "[accounts.settings]"),
            (("accounts", 1, "settings", "tz"), False, (11, 1), "tz"),
            (("accounts", 1, "pages"), False, (12, 1), "[[accounts.pages]]"),
            (("accounts", 1, "pages", 0), False, (12, 1), "[[accounts.pages]]"),
            (("accounts", 1, "pages", 1, "id"), True, (15, 6), "2"),
            (("accounts", 2, "pages", 0), False, (18, 3), "[[accounts.pages]]"),
            (("accounts", 2, "pages", 0, "id"), True, (19, 8), "3"),
            (("accounts", 2, "pages", 0, "meta"), False, (20, 3), "[accounts.pages.meta]"),
            (("accounts", 2, "pages", 0, "meta", "k", "v"), False, (21, 5), "v = 4"),
            (("accounts", 3), False, None, ""),
            (("accounts", 0, "pages"), False, None, ""),
            (("accounts", 1, "pages", 2), False, None, ""),
            (("accounts", "settings"), False, None, ""),
        ],
    )


INLINE_AND_ARRAYS = """\
[report]
timeframe = { since = 2026-10-01, until = 2026-10-31 }
accounts = [ { name = "a" }, { name = "b", token_env = "B" } ]
nested = { a.b = 1, c = { d = [1, 2] } }
empty = {}

[media.metrics]
REELS = [
    "reach",  # comment with "quote", [bracket] and = sign
    # a whole-line comment, with a comma,
    "views",
    'saved', # trailing comma follows
]
matrix = [ [1, 2], [3, [4, 5]], ]
mixed = [
  1979-05-27 07:32:00, 1979-05-27T00:32:00.999999-07:00,
  07:32:00, -inf, 0x1F, 1_000, +1.5e-3,
  true,
]
"""


def test_inline_tables_and_arrays() -> None:
    m = ("media", "metrics")
    check_table(
        INLINE_AND_ARRAYS,
        [
            (("report", "timeframe"), False, (2, 1), "timeframe"),
            (("report", "timeframe"), True, (2, 13), "{ since"),
            (("report", "timeframe", "since"), False, (2, 15), "since"),
            (("report", "timeframe", "since"), True, (2, 23), "2026-10-01"),
            (("report", "timeframe", "until"), False, (2, 35), "until"),
            (("report", "timeframe", "until"), True, (2, 43), "2026-10-31"),
            (("report", "accounts", 0), False, (3, 14), '{ name = "a"'),
            (("report", "accounts", 0, "name"), True, (3, 23), '"a"'),
            (("report", "accounts", 1), True, (3, 30), '{ name = "b"'),
            (("report", "accounts", 1, "token_env"), False, (3, 44), "token_env"),
            (("report", "accounts", 1, "token_env"), True, (3, 56), '"B"'),
            (("report", "nested", "a"), False, (4, 12), "a.b"),
            (("report", "nested", "a", "b"), False, (4, 14), "b = 1"),
            (("report", "nested", "c"), True, (4, 25), "{ d"),
            (("report", "nested", "c", "d", 1), False, (4, 35), "2]"),
            (("report", "empty"), True, (5, 9), "{}"),
            (("media",), False, (7, 1), "[media.metrics]"),
            (m, False, (7, 1), "[media.metrics]"),
            ((*m, "REELS"), True, (8, 9), "["),
            ((*m, "REELS", 0), False, (9, 5), '"reach"'),
            ((*m, "REELS", 1), False, (11, 5), '"views"'),
            ((*m, "REELS", 2), True, (12, 5), "'saved'"),
            ((*m, "matrix", 0, 1), False, (14, 16), "2]"),
            ((*m, "matrix", 1), False, (14, 20), "[3, [4"),
            ((*m, "matrix", 1, 1, 1), False, (14, 28), "5]"),
            ((*m, "mixed", 0), False, (16, 3), "1979-05-27 07:32:00,"),
            ((*m, "mixed", 1), False, (16, 24), "1979-05-27T00:32"),
            ((*m, "mixed", 2), False, (17, 3), "07:32:00"),
            ((*m, "mixed", 3), False, (17, 13), "-inf"),
            ((*m, "mixed", 4), False, (17, 19), "0x1F"),
            ((*m, "mixed", 5), False, (17, 25), "1_000"),
            ((*m, "mixed", 6), False, (17, 32), "+1.5e-3"),
            ((*m, "mixed", 7), False, (18, 3), "true"),
            ((*m, "REELS", 3), False, None, ""),
            ((*m, "matrix", 2), False, None, ""),
            ((*m, "mixed", 8), False, None, ""),
            (("report", "timeframe", "since", "x"), False, None, ""),
        ],
    )


STRINGS = '''\
a = """
multi # not a comment
[not.a.header]
b = "still inside", \\""" \'\'\' \\\\ \\u00e9 { ,
"""
after = 1
c = \'\'\'
literal "" [x] = # , \\ '' \'\'\'
d = "tab\\t\\"quote\\" # [x]"  # real comment
e = 'C:\\path #1'
f = """""quotes at the ends"""""
g = \'\'\'\'one apostrophe\'\'\'\'
"\\u00e9t\\u00e9" = "summer"
h = ""
i = \'\'
j = """\\
    line continuation \\
    """
k = 2
'''


def test_strings() -> None:
    check_table(
        STRINGS,
        [
            (("a",), True, (1, 5), '"""'),
            (("after",), False, (6, 1), "after"),
            (("after",), True, (6, 9), "1"),
            (("c",), True, (7, 5), "'''"),
            (("d",), False, (9, 1), "d"),
            (("d",), True, (9, 5), '"tab'),
            (("e",), True, (10, 5), "'C:"),
            (("f",), False, (11, 1), "f"),
            (("g",), False, (12, 1), "g"),
            (("été",), False, (13, 1), '"\\u00e9'),
            (("été",), True, (13, 19), '"summer"'),
            (("h",), True, (14, 5), '""'),
            (("i",), False, (15, 1), "i"),
            (("j",), True, (16, 5), '"""'),
            (("k",), False, (19, 1), "k"),
            (("b",), False, None, ""),
            (("not",), False, None, ""),
            (("x",), False, None, ""),
        ],
    )


UNICODE = """\
title = "🎉 月報" # 😀 comment
[report]
labels = { "日本" = "東京🗼", city = "Zürich" }
emoji = ["🎉", "🚀", 3]
"""


def test_columns_count_characters_not_bytes() -> None:
    check_table(
        UNICODE,
        [
            (("title",), True, (1, 9), '"🎉'),
            (("report", "labels", "日本"), False, (3, 12), '"日本"'),
            (("report", "labels", "日本"), True, (3, 19), '"東京'),
            (("report", "labels", "city"), False, (3, 26), "city"),
            (("report", "labels", "city"), True, (3, 33), '"Zürich"'),
            (("report", "emoji", 1), False, (4, 15), '"🚀"'),
            (("report", "emoji", 2), False, (4, 20), "3]"),
        ],
    )


def test_crlf_line_endings() -> None:
    doc = "a = 1\r\n[t]  # c\r\nb = 'x'\r\nc = [\r\n  1,\r\n  2,\r\n]\r\n"
    check_table(
        doc,
        [
            (("t",), False, (2, 1), "[t]"),
            (("t", "b"), True, (3, 5), "'x'"),
            (("t", "c", 1), False, (6, 3), "2"),
        ],
    )


def test_explicit_table_beats_the_one_a_header_implied() -> None:
    check_table(
        "[a.b]\nx = 1\n[a]\ny = 2\n[t]\nk.l.m = 1\nk.n = 2\n",
        [
            (("a",), False, (3, 1), "[a]"),
            (("a", "b"), False, (1, 1), "[a.b]"),
            (("t", "k"), False, (6, 1), "k.l"),
            (("t", "k", "l"), False, (6, 3), "l.m"),
            (("t", "k", "n"), False, (7, 3), "n = 2"),
        ],
    )


def test_invalid_toml_keeps_what_came_before_and_says_none_after() -> None:
    doc = "a = 1\nb = [1, 2\nc = 3\n"
    assert locate(doc, ("a",)) == Position(1, 1)
    assert locate(doc, ("b", 1)) == Position(2, 9)
    assert locate(doc, ("c",)) is None
    assert locate('x = "unterminated\ny = 2\n', ("y",)) is None
    assert locate("a = [" + "[" * 5000, ("a", 0, 0)) is not None  # deep nesting stops, no error
    assert locate("a = [" + "[" * 5000, ("a",) + (0,) * 200) is None
    # Absurdly deep paths are given up on, in linear time, keeping the shallow part.
    assert locate("a." * 20_000 + "b = 1", ("a",)) == Position(1, 1)
    assert locate("a." * 20_000 + "b = 1", ("a",) * 200) is None


@pytest.mark.parametrize(
    ("path", "text"),
    [
        (("media", "metrics", "REELS", 2), "media.metrics.REELS[2]"),
        (("report", "odd key"), 'report."odd key"'),
        (("accounts", 1, "token_env"), "accounts[1].token_env"),
        (("site", "google.com", "x-y_1"), 'site."google.com".x-y_1'),
        (("", 'q"\\\n\x01'), '""."q\\"\\\\\\n\\u0001"'),
        (("été",), '"été"'),
        ((), ""),
    ],
)
def test_key_path_text(path: PathT, text: str) -> None:
    assert key_path_text(path) == text


def test_many_lookups_in_one_document_are_cheap() -> None:
    lines = [f'[[accounts]]\nname = "a{i}"\nmetrics = ["reach", "views"]\n' for i in range(66)]
    doc = "".join(lines)
    paths = [("accounts", i, key) for i in range(66) for key in ("name", "metrics")]
    started = time.perf_counter()
    for _ in range(20):
        for path in paths:
            assert locate(doc, path, value=True) is not None
    # 2640 lookups: parsing the 200 lines each time would take seconds, cached it is milliseconds.
    assert time.perf_counter() - started < 1.0
    assert TomlIndex(doc).find(("accounts", 65, "metrics", 1)) == Position(198, 21)


# --- Round trip: random documents, written in several layouts, located back ------------------

BARE = re.compile(r"[A-Za-z0-9_-]+")
AWKWARD = "\"'\\#[]{}=,. \n\t\r\x00\x7féü日本🎉🗼aZ09_-"
_ESC = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def _control(char: str) -> bool:
    return (char < " " and char != "\t") or char == "\x7f"


def _basic(text: str) -> str:
    body = "".join(_ESC.get(c) or (f"\\u{ord(c):04x}" if _control(c) else c) for c in text)
    return f'"{body}"'


def _literal_ok(text: str) -> bool:
    return "'" not in text and not any(_control(c) for c in text if c != "\n")


def w_key(key: str) -> str:
    if BARE.fullmatch(key):
        return key
    return f"'{key}'" if len(key) % 2 and _literal_ok(key) and "\n" not in key else _basic(key)


def w_str(text: str) -> str:
    if "\n" not in text:
        return f"'{text}'" if len(text) % 2 and _literal_ok(text) else _basic(text)
    if len(text) % 2 and "'''" not in text and not any(_control(c) for c in text if c != "\n"):
        return "'''\n" + text + "'''"  # the newline after the opening delimiter is dropped
    out: list[str] = []
    for char in text:
        # Raw quotes wherever TOML allows them: runs of one or two, even before the delimiter.
        if char == '"' and out[-2:] == ['"', '"']:
            out.append('\\"')
        elif char in '\n"' or not (char in _ESC or _control(char)):
            out.append(char)
        else:
            out.append(_ESC.get(char) or f"\\u{ord(char):04x}")
    return '"""\n' + "".join(out) + '"""'


def w_scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return "inf" if value > 0 else "-inf"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return w_str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" " if value.second % 2 else "T")
    assert isinstance(value, dt.date | dt.time)
    return value.isoformat()


COMMENT = "# a comment, with [brackets] = \"quotes\" and 'more'"


def w_inline(value: Any, multiline: bool, indent: str = "") -> str:
    if isinstance(value, dict):
        items = [f"{w_key(k)} = {w_inline(v, multiline, indent)}" for k, v in value.items()]
        return "{ " + ", ".join(items) + " }" if items else "{}"
    if isinstance(value, list):
        if not multiline or not value:
            return "[" + ", ".join(w_inline(v, multiline, indent) for v in value) + "]"
        inner = indent + "    "
        rows = [f"{inner}{w_inline(v, multiline, inner)},  {COMMENT}\n" for v in value]
        return "[\n" + f"{inner}{COMMENT}\n" + "".join(rows) + indent + "]"
    return w_scalar(value)


def _is_array_of_tables(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def layout_headers(data: dict[str, Any], multiline: bool) -> str:
    lines = [COMMENT]

    def table(d: dict[str, Any], prefix: list[str]) -> None:
        for k, v in d.items():
            if not isinstance(v, dict) and not _is_array_of_tables(v):
                lines.append(f"{w_key(k)} = {w_inline(v, multiline)}  {COMMENT}")
        for k, v in d.items():
            name = [*prefix, w_key(k)]
            # Alternate "[a.b]" and "[ a . b ]" spacing by depth.
            dotted = " . ".join(name) if len(name) % 2 else ".".join(name)
            if isinstance(v, dict):
                lines.extend([COMMENT, f"[{dotted}]  {COMMENT}"])
                table(v, name)
            elif _is_array_of_tables(v):
                for element in v:
                    lines.append(f"[[{dotted}]]")
                    table(element, name)

    table(data, [])
    return "\n".join(lines) + "\n"


def layout_dotted(data: dict[str, Any], multiline: bool) -> str:
    lines: list[str] = []

    def walk(d: dict[str, Any], prefix: list[str]) -> None:
        for k, v in d.items():
            name = [*prefix, w_key(k)]
            if isinstance(v, dict) and v:
                walk(v, name)
            else:
                key = " . ".join(name) if len(lines) % 2 else ".".join(name)
                lines.append(f"{key} = {w_inline(v, multiline)}")

    walk(data, [])
    return "\n".join(lines) + "\n"


def layout_inline(data: dict[str, Any], multiline: bool) -> str:
    return "".join(f"{w_key(k)}   =\t{w_inline(v, multiline)} {COMMENT}\n" for k, v in data.items())


LAYOUTS: dict[str, Callable[[dict[str, Any]], str]] = {
    "headers": lambda d: layout_headers(d, False),
    "headers, multi-line arrays": lambda d: layout_headers(d, True),
    "dotted keys": lambda d: layout_dotted(d, False),
    "dotted keys, multi-line arrays": lambda d: layout_dotted(d, True),
    "inline tables": lambda d: layout_inline(d, False),
    "inline tables, multi-line arrays": lambda d: layout_inline(d, True),
}

keys = st.text(st.sampled_from(AWKWARD), max_size=5)
strings = st.one_of(
    st.text(
        st.one_of(st.sampled_from(AWKWARD), st.characters(codec="utf-8")),
        max_size=10,
    ),
    # Quote runs and newlines often, for the multi-line strings' delimiters.
    st.text(st.sampled_from("\"'\n#a"), max_size=8),
)
scalars = st.one_of(
    st.booleans(),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=False),
    strings,
    st.dates(),
    st.times(),
    st.datetimes(),
    st.datetimes(timezones=st.just(dt.UTC)),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(keys, children, max_size=3),
        st.lists(st.dictionaries(keys, children, max_size=3), min_size=1, max_size=3),
    ),
    max_leaves=10,
)
documents = st.dictionaries(keys, values, min_size=1, max_size=4)


def walk(value: Any, path: PathT = ()) -> Iterator[tuple[PathT, Any]]:
    children = value.items() if isinstance(value, dict) else enumerate(value)
    for key, child in children:
        yield (*path, key), child
        if isinstance(child, dict | list):
            yield from walk(child, (*path, key))


def check_value_at(rest: str, value: Any, key: str | int) -> None:
    if isinstance(value, dict):
        # an inline table, a [header] or [[header]], or the key of a dotted key that implies it
        starts = ["{", "["] + ([w_key(key)] if isinstance(key, str) else [])
        assert rest.startswith(tuple(starts))
    elif isinstance(value, list):
        assert rest.startswith("[")
    else:
        assert rest.startswith(w_scalar(value))


@pytest.mark.parametrize("layout", list(LAYOUTS))
@settings(max_examples=60, deadline=None)
@given(data=documents)
def test_round_trip_positions(layout: str, data: dict[str, Any]) -> None:
    doc = LAYOUTS[layout](data)
    assert tomllib.loads(doc) == data  # the writer is right, so the document is valid TOML
    for path, value in walk(data):
        key_pos = locate(doc, path)
        value_pos = locate(doc, path, value=True)
        # These layouts are all ones the locator claims to follow, so None would be a bug.
        assert key_pos is not None, path
        assert value_pos is not None, path
        last = path[-1]
        if isinstance(last, str):
            starts = [w_key(last)] + (["["] if isinstance(value, dict | list) else [])
            assert text_at(doc, key_pos).startswith(tuple(starts)), path
        else:
            assert key_pos == value_pos
        check_value_at(text_at(doc, value_pos), value, last)


VALID = [KEYS_AND_HEADERS, ARRAYS_OF_TABLES, INLINE_AND_ARRAYS, STRINGS, UNICODE]
PROBES: list[PathT] = [("a",), ("report", "name"), ("accounts", 1, "token_env"), ("x", 0, 0)]


def _check_never_raises(text: str) -> None:
    for path in PROBES:
        for value in (False, True):
            found = locate(text, path, value=value)
            if found is not None:
                text_at(text, found)  # inside the text


@settings(max_examples=200, deadline=None)
@given(text=st.text(st.one_of(st.sampled_from(AWKWARD + "[[]]\"\"\"'''"), st.characters())))
def test_garbage_never_raises(text: str) -> None:
    _check_never_raises(text)


@settings(max_examples=200, deadline=None)
@given(
    doc=st.sampled_from(VALID),
    cut=st.integers(0, 2000),
    length=st.integers(0, 5),
    insert=st.text(st.sampled_from(AWKWARD), max_size=3),
)
def test_damaged_specs_never_raise(doc: str, cut: int, length: int, insert: str) -> None:
    _check_never_raises(doc[:cut] + insert + doc[cut + length :])
    _check_never_raises(doc[:cut])
