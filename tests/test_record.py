"""`reporter fetch --record DIR` keeps every answer of a run, redacted, and `reporter sandbox
--replay DIR` serves them back: over real HTTP, the same spec fetched from the capture is the
same dataset, and nothing in the folder opens an account or a signed picture URL."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
import requests
from support.cli import Ran, run_cli
from support.replay import TOKEN, TOKEN_ENV, corpus, fetch_on

from reporter.graph.record import SIGNED, Recorder, redact
from reporter.sandbox import Sandbox
from reporter.sandbox.replay import Exchange, load_capture

NOW = "2026-11-02T09:00:00+00:00"
PERIOD = "2026-10-01..2026-10-07"
SANDBOX_ACCOUNTS = {"facebook": "17841400000000001", "instagram": "17841400000000002"}
SPEC = """\
[report]
client = "Recorded"
timezone = "Europe/Berlin"
compare = "none"

[[accounts]]
id = "{account}"
name = "Recorded"
login = "{login}"
token_env = "{token_env}"

[account_metrics]
metrics = ["reach", "views"]
time_series = ["reach"]

[account_metrics.breakdowns]
views = ["media_product_type"]

[media]
product_types = ["FEED", "REELS"]

[media.metrics]
FEED = ["views", "reach", "profile_activity"]
REELS = ["views", "reach"]

[media.breakdowns]
profile_activity = ["action_type"]
"""
# Token values in URLs and CDN signature params (oh: signature, oe: expiry, _nc_*: session)
# left with a value other than the redaction mark.
LEAK = re.compile(r"access_token=[^&\s\"]|(?<![\w])(?:oh|oe|_nc_\w+)=(?!" + SIGNED + r"\b)")


def _spec(tmp: Path, login: str, account: str) -> Path:
    path = tmp / "spec.toml"
    text = SPEC.format(account=account, login=login, token_env=TOKEN_ENV)
    path.write_text(text, encoding="utf-8")
    return path


def _record(spec: Path, capture: Path, tmp: Path, *extra: str) -> tuple[Ran, list[Any]]:
    """``fetch SPEC --sandbox --record CAPTURE --json``: the run and the datasets it wrote."""
    out = tmp / "recorded.json"
    args = ["fetch", str(spec), "--sandbox", "--record", str(capture), "--json", str(out),
            "--period", PERIOD, "--now", NOW, *extra]  # fmt: skip
    ran = run_cli(args, env={"REPORTER_STORE": str(tmp / "store.sqlite3")})
    datasets = json.loads(out.read_text(encoding="utf-8")) if out.exists() else []
    return ran, datasets


def _sandbox_secrets(account: str) -> list[str]:
    """Every token the sandbox of a ``--sandbox`` fetch knows (it does not depend on the seed)."""
    sb = Sandbox(seed=1, now=dt.datetime.fromisoformat(NOW))
    assert account in sb.tokens
    return [*sb.tokens.values(), sb.app_token, sb.expired_token]


def _leaks(folder: Path, secrets: Iterable[str]) -> list[str]:
    found: list[str] = []
    for file in sorted(p for p in folder.rglob("*") if p.is_file()):
        text = file.read_text(encoding="utf-8")
        found += [f"{file.name}: a token" for s in secrets if s in text]
        found += [f"{file.name}: {m.group(0)}" for m in LEAK.finditer(text)]
    return found


@pytest.mark.parametrize("login", ["facebook", "instagram"])  # Graph batches; one GET each
def test_a_recorded_sandbox_run_replays_to_the_same_dataset(tmp_path: Path, login: str) -> None:
    spec = _spec(tmp_path, login, SANDBOX_ACCOUNTS[login])
    capture = tmp_path / "capture"
    # the store already holds the period: --record asks everything again all the same
    assert _record(spec, tmp_path / "first", tmp_path)[0].status == 0
    ran, recorded = _record(spec, capture, tmp_path)
    assert ran.status == 0, ran.output
    [file] = capture.iterdir()
    exchanges = load_capture(capture)
    assert ran.stderr.endswith(
        f"recorded {len(exchanges)} answers in {file} (tokens and signed picture URLs redacted)\n"
    )
    [dataset] = recorded
    assert {m["product_type"] for m in dataset["media"]} == {"FEED", "REELS"}
    assert any(o["dimensions"] for o in dataset["observations"])  # the breakdowns arrived
    replayed_in = tmp_path / "replayed"
    replayed_in.mkdir()
    fetched = fetch_on(exchanges, spec, replayed_in, now=NOW, period=PERIOD)
    assert fetched.ran.status == 0, fetched.ran.output
    assert fetched.unmatched == []
    assert fetched.datasets == recorded
    # the replay asked each recorded question once: nothing recorded twice, nothing left over
    assert fetched.served == {e.file: 1 for e in exchanges}


@pytest.mark.parametrize("login", ["facebook", "instagram"])
def test_no_sandbox_token_survives_in_the_capture(tmp_path: Path, login: str) -> None:
    spec = _spec(tmp_path, login, SANDBOX_ACCOUNTS[login])
    capture = tmp_path / "capture"
    ran, _ = _record(spec, capture, tmp_path)
    assert ran.status == 0, ran.output
    assert _leaks(capture, _sandbox_secrets(SANDBOX_ACCOUNTS[login])) == []
    assert "SBX-" not in (capture / "capture.json").read_text(encoding="utf-8")


# --- answers shaped as Meta's: signed CDN URLs, the token echoed in paging.next --------------

SIGNATURE = (
    "stp=dst-jpg_e35&_nc_cat=1&_nc_sid=8ae9d6&_nc_ohc=Qx7bZ2kLmN0Q7kNvgE&_nc_ht={host}"
    "&oh=00_AYB2mTz9pQ&oe=6720D1C3"
)
USAGE = {
    "x-app-usage": '{"call_count":4,"total_cputime":2,"total_time":3}',
    "x-business-use-case-usage": '{"17841405822304914":[{"type":"instagram","call_count":4,'
    '"total_cputime":2,"total_time":3,"estimated_time_to_regain_access":0}]}',
}
CORPUS_SPEC = """\
[report]
client = "Conformance"
timeframe = { since = 2026-10-01, until = 2026-10-28 }
compare = "none"
timezone = "UTC"

[[accounts]]
id = "17841405822304914"
name = "Sample"
login = "facebook"
token_env = "TOKEN_ENV"

[account_metrics]
metrics = ["views", "reach", "accounts_engaged", "total_interactions", "likes", "comments",
           "saves", "shares"]
time_series = ["reach", "follower_count"]

[media]
product_types = ["FEED", "REELS"]

[media.metrics]
FEED = ["views", "reach", "likes", "comments", "saved", "shares", "total_interactions",
        "profile_activity"]
REELS = ["views", "reach", "likes", "comments", "saved", "shares", "ig_reels_avg_watch_time",
         "ig_reels_video_view_total_time"]

[media.breakdowns]
profile_activity = ["action_type"]
""".replace("TOKEN_ENV", TOKEN_ENV)
CORPUS_NOW = "2026-11-02T12:00:00+00:00"
CDN_URL = re.compile(r"https://[\w.-]+\.cdninstagram\.com/[^?\s\"]+")


def _as_meta_sends_it(value: Any) -> Any:
    """A corpus body with its CDN URLs signed and the caller's token echoed in paging URLs."""
    if isinstance(value, str):
        value = value.replace("access_token=EAAB...", f"access_token={TOKEN}")
        return CDN_URL.sub(
            lambda m: f"{m.group(0)}?{SIGNATURE.format(host=m.group(0).split('/')[2])}", value
        )
    if isinstance(value, list):
        return [_as_meta_sends_it(v) for v in value]
    if isinstance(value, dict):
        return {k: _as_meta_sends_it(v) for k, v in value.items()}
    return value


def _upstream() -> list[Exchange]:
    return [
        Exchange(
            e.path,
            e.params,
            e.status,
            _as_meta_sends_it(e.body),
            (*e.headers, *USAGE.items()),
            e.file,
        )
        for e in corpus()
    ]


def test_a_capture_of_metas_answers_keeps_no_token_nor_signature_and_replays(
    tmp_path: Path,
) -> None:
    upstream = _upstream()
    served = json.dumps([e.body for e in upstream])
    assert f"access_token={TOKEN}" in served and "oh=00_AYB2mTz9pQ" in served  # the test's bait
    spec = tmp_path / "spec.toml"
    spec.write_text(CORPUS_SPEC, encoding="utf-8")
    capture = tmp_path / "capture"
    (tmp_path / "live").mkdir()
    live = fetch_on(
        upstream, spec, tmp_path / "live", now=CORPUS_NOW, extra=("--record", str(capture))
    )
    assert live.ran.status == 0, live.ran.output
    [dataset] = live.datasets
    assert any("oh=00_AYB2mTz9pQ" in (m["thumbnail_url"] or "") for m in dataset["media"])

    text = (capture / "capture.json").read_text(encoding="utf-8")
    assert _leaks(capture, [TOKEN]) == []
    assert "00_AYB2mTz9pQ" not in text and "Qx7bZ2kLmN0Q7kNvgE" not in text
    assert f"&oh={SIGNED}&oe={SIGNED}" in text  # the names stay, so the URL's shape is seen
    recorded = load_capture(capture)
    assert {e.path.split("/")[-1] for e in recorded} >= {"media", "insights"}
    assert all(dict(e.headers)["x-app-usage"] == USAGE["x-app-usage"] for e in recorded)
    assert all("x-business-use-case-usage" in dict(e.headers) for e in recorded)

    (tmp_path / "replayed").mkdir()
    replayed = fetch_on(recorded, spec, tmp_path / "replayed", now=CORPUS_NOW)
    assert replayed.ran.status == 0, replayed.ran.output
    assert replayed.unmatched == []
    assert replayed.datasets == redact(live.datasets, [])  # only the signatures differ


# --- the redaction itself ---------------------------------------------------------------------


def test_a_signed_cdn_url_keeps_its_path_and_names_and_loses_every_value() -> None:
    url = (
        "https://scontent-iad3-1.cdninstagram.com/v/t51.29350-15/123_n.jpg?stp=dst-jpg"
        "&_nc_cat=1&_nc_sid=8ae9d6&_nc_ohc=abc&_nc_ht=scontent-iad3-1.cdninstagram.com"
        "&oh=00_AYB&oe=6720D1C3"
    )
    assert redact({"media_url": url}, []) == {
        "media_url": "https://scontent-iad3-1.cdninstagram.com/v/t51.29350-15/123_n.jpg"
        "?stp=REDACTED&_nc_cat=REDACTED&_nc_sid=REDACTED&_nc_ohc=REDACTED&_nc_ht=REDACTED"
        "&oh=REDACTED&oe=REDACTED"
    }
    video = "https://video.xx.fbcdn.net/o1/v/t2/f2/m86/AQ.mp4?efg=eyJ2&_nc_ht=video.xx.fbcdn.net&oh=00_Q&oe=1"
    assert redact(video, []) == (
        "https://video.xx.fbcdn.net/o1/v/t2/f2/m86/AQ.mp4?efg=REDACTED&_nc_ht=REDACTED"
        "&oh=REDACTED&oe=REDACTED"
    )


def test_a_paging_url_loses_the_token_and_keeps_its_cursor() -> None:
    token = "EAAGm0PX4ZCpsBAKZBZAtoken0123456789"
    page = {
        "paging": {
            "cursors": {"after": "QVFIUmxtcXdx"},
            "next": "https://graph.facebook.com/v25.0/17841405822304914/media?access_token="
            f"{token}&pretty=0&fields=id,media_type,children%7Bid%7D&limit=25&after=QVFIUmxtcXdx",
        }
    }
    assert redact(page, [token]) == {
        "paging": {
            "cursors": {"after": "QVFIUmxtcXdx"},
            "next": "https://graph.facebook.com/v25.0/17841405822304914/media?pretty=0"
            "&fields=id,media_type,children%7Bid%7D&limit=25&after=QVFIUmxtcXdx",
        }
    }


def test_other_urls_and_text_keep_their_query_and_lose_only_known_secrets() -> None:
    permalink = "https://www.instagram.com/p/DA1b2C3d4E5/?utm_source=ig_web_copy_link"
    assert redact(permalink, []) == permalink
    said = "Error validating access token: EAAGsecret0123456789 has expired"
    assert redact(said, ["EAAGsecret0123456789"]) == (
        "Error validating access token: [REDACTED] has expired"
    )


def test_a_cdn_url_in_a_caption_keeps_the_punctuation_after_it() -> None:
    caption = "Our cup (https://scontent.cdninstagram.com/v/a.jpg?oh=00_x&oe=AB), or this one."
    assert redact(caption, []) == (
        "Our cup (https://scontent.cdninstagram.com/v/a.jpg?oh=REDACTED&oe=REDACTED), or this one."
    )


def test_a_token_meta_hands_out_in_a_body_is_redacted_by_its_key() -> None:
    # /me/accounts lists each page's token; refresh_access_token answers the new one
    answer = {"data": [{"id": "1", "name": "Page", "access_token": "EAAPageToken0123"}]}
    assert redact(answer, []) == {
        "data": [{"id": "1", "name": "Page", "access_token": "[REDACTED]"}]
    }


def test_the_recorder_keeps_usage_headers_and_drops_token_params() -> None:
    recorder = Recorder(["SBX-app-0123456789"])
    recorder.record(
        "GET",
        "http://127.0.0.1:9/v25.0/17841405822304914/insights?metric=reach",
        params=[("period", "day"), ("access_token", TOKEN), ("appsecret_proof", "c0ffee")],
        form=None,
        status=200,
        headers={
            "x-app-usage": USAGE["x-app-usage"],
            "content-length": "12",
            "set-cookie": "fr=0abc; path=/",
        },
        content=b'{"data": [], "caller": "SBX-app-0123456789"}',
        secrets=[TOKEN],
    )
    assert recorder.exchanges == [
        {
            "request": {
                "method": "GET",
                "path": "v25.0/17841405822304914/insights",
                "params": {"metric": "reach", "period": "day"},
            },
            "response": {
                "status": 200,
                "headers": {"x-app-usage": USAGE["x-app-usage"]},
                "body": {"data": [], "caller": "[REDACTED]"},
            },
        }
    ]


# --- reporter sandbox --replay as a real process ----------------------------------------------

ONE_ANSWER = {
    "source": "written for this test",
    "exchanges": [
        {
            "request": {
                "method": "GET",
                "path": "v25.0/17841405822304914",
                "params": {"fields": "username"},
            },
            "response": {
                "status": 200,
                "headers": {"x-app-usage": USAGE["x-app-usage"]},
                "body": {"username": "sample", "id": "17841405822304914"},
            },
        }
    ],
}
# A terminal delivers Ctrl-C as SIGINT; a test worker may have inherited it ignored, so the child
# restores Python's handler before it runs the command as `reporter` would.
CHILD = (
    "import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "from reporter.cli import main; main(sys.argv[1:], prog_name='reporter')"
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_sandbox_replay_serves_the_capture_on_its_port_until_ctrl_c(tmp_path: Path) -> None:
    capture = tmp_path / "capture"
    capture.mkdir()
    (capture / "capture.json").write_text(json.dumps(ONE_ANSWER), encoding="utf-8")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, "sandbox", "--replay", str(capture), "--port", str(port)],
        env={k: v for k, v in os.environ.items() if not k.startswith("REPORTER_")},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        answer = None
        deadline = time.monotonic() + 60  # a safety net, not a measurement
        while answer is None:
            assert child.poll() is None, child.communicate()
            try:
                answer = requests.get(f"{base}/v21.0/17841405822304914",
                                      params={"fields": "username", "access_token": TOKEN},
                                      timeout=5)  # fmt: skip
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "the replay never listened"
                time.sleep(0.05)
        assert answer.status_code == 200
        assert answer.json() == {"username": "sample", "id": "17841405822304914"}
        assert answer.headers["x-app-usage"] == USAGE["x-app-usage"]
        missed = requests.get(f"{base}/v25.0/17841405822304914/media", timeout=5)
        assert missed.json()["error"]["error_subcode"] == 33
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == 0, err
    assert out.startswith(
        f"reporter sandbox: replaying 1 recorded answers from {capture} at {base}\n"
        f"  point reporter at it: REPORTER_API_BASE_URL={base} and a scratch REPORTER_STORE\n"
    )
    assert out.endswith(
        "\nreplay stopped; 1 requests had no recorded answer\n  17841405822304914/media\n"
    )


# --- refusals: one line, exit 2, nothing lost ---------------------------------------------------


def test_record_refuses_a_file_and_leaves_it_alone(tmp_path: Path) -> None:
    spec = _spec(tmp_path, "facebook", SANDBOX_ACCOUNTS["facebook"])
    target = tmp_path / "notes.txt"
    target.write_text("keep me\n", encoding="utf-8")
    ran, _ = _record(spec, target, tmp_path)
    assert (ran.status, ran.stderr) == (
        2, f"error: --record {target}: is a file; name a folder for the capture\n"
    )  # fmt: skip
    assert target.read_text(encoding="utf-8") == "keep me\n"
    assert not (tmp_path / "store.sandbox.sqlite3").exists()  # nothing was fetched


def test_record_refuses_a_folder_that_already_holds_a_capture(tmp_path: Path) -> None:
    spec = _spec(tmp_path, "facebook", SANDBOX_ACCOUNTS["facebook"])
    capture = tmp_path / "capture"
    assert _record(spec, capture, tmp_path)[0].status == 0
    before = (capture / "capture.json").read_bytes()
    ran, _ = _record(spec, capture, tmp_path)
    assert (ran.status, ran.stderr) == (
        2,
        f"error: --record {capture}: already holds a capture (capture.json); name a new or "
        "empty folder, so one capture is one folder\n",
    )
    assert (capture / "capture.json").read_bytes() == before
    assert [p.name for p in capture.iterdir()] == ["capture.json"]


def test_record_with_offline_is_a_usage_error(tmp_path: Path) -> None:
    spec = _spec(tmp_path, "facebook", SANDBOX_ACCOUNTS["facebook"])
    capture = tmp_path / "capture"
    ran, _ = _record(spec, capture, tmp_path, "--offline")
    assert (ran.status, ran.stderr) == (
        2,
        "error: --record with --offline: an offline fetch asks Meta nothing, so there is "
        "nothing to record; drop one of the two\n",
    )
    assert not capture.exists()


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("{not json", "{capture}/capture.json: not a JSON capture (Expecting property name "
                      "enclosed in double quotes: line 1 column 2 (char 1))"),
        ('{"exchanges": 3}', '{capture}/capture.json: expected an object with an "exchanges" '
                             "list"),
        ('{"exchanges": [{"request": {"path": "me"}}]}',
         "{capture}/capture.json#0: not a request/response pair ('response')"),
        (None, "{capture}: holds no capture (no .json file); name the folder that reporter "
               "fetch --record wrote"),
    ],
)  # fmt: skip
def test_replay_refuses_a_bad_capture_in_one_line_naming_the_file(
    tmp_path: Path, content: str | None, says: str
) -> None:
    capture = tmp_path / "capture"
    capture.mkdir()
    if content is not None:
        (capture / "capture.json").write_text(content, encoding="utf-8")
    ran = run_cli(["sandbox", "--replay", str(capture), "--port", "0"])
    assert (ran.status, ran.stdout) == (2, "")
    assert ran.stderr == f"error: --replay {says.format(capture=capture)}\n"


def test_replay_refuses_a_missing_folder(tmp_path: Path) -> None:
    ran = run_cli(["sandbox", "--replay", str(tmp_path / "nowhere")])
    assert (ran.status, ran.stderr) == (
        2, f"error: --replay {tmp_path / 'nowhere'}: not a folder of captured responses\n"
    )  # fmt: skip


@pytest.mark.parametrize("option", ["--latency-ms=50", "--fault-rate=0.2", "--rate-limit=10"])
def test_replay_refuses_the_simulators_options(tmp_path: Path, option: str) -> None:
    (tmp_path / "capture.json").write_text(json.dumps(ONE_ANSWER), encoding="utf-8")
    ran = run_cli(["sandbox", "--replay", str(tmp_path), option])
    assert (ran.status, ran.stderr) == (
        2,
        "error: --replay serves the capture as recorded; --latency-ms, --fault-rate and "
        "--rate-limit only apply to the simulator\n",
    )
