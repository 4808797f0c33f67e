"""Reports on several workers (Celery over the machine's Redis): what a task carries, a broker
that is not there, and end to end two `reporter worker` processes sharing 20 reports, one of them
killed (`kill -9`) mid-run, every recipient's mail counted: exactly once."""

from __future__ import annotations

import base64
import datetime as dt
import io
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from support.cli import run_cli
from support.postgres import fresh_schema
from support.run import NOW, NOW_TEXT, environment, write_spec
from support.services import redis_url
from support.smtp import SmtpServer

from reporter.errors import UsageError
from reporter.run.log import RunLog
from reporter.sandbox import Sandbox
from reporter.spec.models import Account
from reporter.store.account_lock import account_lock
from reporter.store.database import Store
from reporter.store.ledger import ReportKey
from reporter.work.bundle import MAX_BYTES, pack, unpack
from reporter.work.dispatch import BrokerLost, _collect, redacted

CAFE, GLOBEX = "17841400000000001", "17841400000000004"


def test_a_bundle_carries_the_spec_folder_and_nothing_else(tmp_path: Path) -> None:
    spec = write_spec(tmp_path / "clients", CAFE, {"to": ["anna@client.example"]})
    folder = spec.parent
    (folder / "commentary").mkdir()
    (folder / "commentary" / "2026-10.md").write_text("A good month.", encoding="utf-8")
    (folder / "logo.png").write_bytes(b"\x89PNG-ish")
    (folder / "reports").mkdir()
    (folder / "reports" / "old.pdf").write_bytes(b"%PDF")
    (folder / ".git").mkdir()
    (folder / ".git" / "config.toml").write_text("x", encoding="utf-8")
    (folder / ".env").write_text("CAFE_TOKEN=secret", encoding="utf-8")
    bundle = pack(spec)
    assert bundle["spec"] == spec.name
    assert sorted(bundle["files"]) == [
        "base.toml",
        "cafe.toml",
        "commentary/2026-10.md",
        "logo.png",
    ]
    assert "secret" not in str(bundle)  # tokens never travel
    target = unpack(bundle, tmp_path / "worker")
    assert target.read_text(encoding="utf-8") == spec.read_text(encoding="utf-8")
    assert (tmp_path / "worker" / "commentary" / "2026-10.md").read_text() == "A good month."


def test_a_forged_bundle_cannot_write_outside_its_folder(tmp_path: Path) -> None:
    forged = {"spec": "a.toml", "files": {"../evil.toml": base64.b64encode(b"x").decode()}}
    with pytest.raises(UsageError, match="outside the spec's folder"):
        unpack(forged, tmp_path / "worker")
    assert not (tmp_path / "evil.toml").exists()


def test_a_spec_folder_too_large_to_send_says_so(tmp_path: Path) -> None:
    spec = write_spec(tmp_path / "clients", CAFE, {"to": ["anna@client.example"]})
    (spec.parent / "huge.png").write_bytes(b"\0" * (MAX_BYTES + 1))
    with pytest.raises(UsageError, match="holds more than 20 MB"):
        pack(spec)


def test_broker_passwords_stay_out_of_messages() -> None:
    assert (
        redacted("redis://:s3cret@broker.internal:6380/0") == "redis://:***@broker.internal:6380/0"
    )
    assert redacted("amqp://guest:pw@rabbit/") == "amqp://guest:***@rabbit/"
    assert redacted("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/0"


def test_an_unreachable_broker_is_one_line_and_nothing_is_sent(tmp_path: Path) -> None:
    spec = write_spec(tmp_path / "clients", CAFE, {"to": ["anna@client.example"]})
    with SmtpServer() as smtp:
        env = {
            **smtp.env(),
            "CAFE_TOKEN": "t",
            "REPORTER_STORE": str(tmp_path / "store.sqlite3"),
            "REPORTER_BROKER_URL": "redis://:pw@127.0.0.1:1/0",  # nothing listens on port 1
        }
        ran = run_cli(["run", str(spec), "--send", "--now", NOW_TEXT], env=env)
        assert smtp.received == []
    assert ran.status == 1, ran.output
    assert ran.err.startswith("error: the broker at redis://:***@127.0.0.1:1/0 cannot be reached")
    assert ran.err.rstrip().endswith(
        "start it, or unset REPORTER_BROKER_URL to run here; nothing was enqueued or sent"
    )
    assert "pw" not in ran.output


def test_one_account_is_fetched_by_one_worker_at_a_time() -> None:
    with fresh_schema() as store:
        order: list[str] = []
        holding = threading.Event()

        def second() -> None:
            with account_lock(store, CAFE):
                order.append("second")

        with account_lock(store, CAFE):
            other = threading.Thread(target=second)
            other.start()
            holding.wait(1.0)  # the other host waits on the server's lock meanwhile
            order.append("first")
            with account_lock(store, GLOBEX):  # another account is not held up
                order.append("globex")
        other.join(10)
    assert order == ["first", "globex", "second"]


def test_a_broker_lost_while_waiting_says_what_is_kept(tmp_path: Path) -> None:
    class Lost:
        def ready(self) -> bool:
            raise ConnectionError("Connection closed by server.")

    log = RunLog(out=io.StringIO(), err=io.StringIO(), total=1, quiet=False, log_file=None,
                 now=dt.datetime(2026, 11, 3, tzinfo=dt.UTC))  # fmt: skip
    account = Account(id="1", name="Café", token_env="T")
    with pytest.raises(BrokerLost) as lost:
        _collect([(tmp_path / "a.toml", account, Lost())], log, wait=5,
                 url="redis://:pw@broker:6379/0")  # fmt: skip
    assert str(lost.value) == (
        "lost the broker at redis://:***@broker:6379/0 while 1 account(s) were still being "
        "worked on (ConnectionError: Connection closed by server.): what the workers finished "
        "is stored and sent; run the same command again once the broker is back: the ledger "
        "sends nothing twice"
    )


def _worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "reporter", "worker", "--concurrency", "1"],
        env={**os.environ, **env}, stdout=log.open("wb"), stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: kill -9 takes its pool too
    )  # fmt: skip


def _wait_for(log: Path, text: str, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.exists() and text in log.read_text(encoding="utf-8", errors="replace"):
            return True
        time.sleep(0.1)
    return False


@pytest.mark.slow
def test_two_workers_one_killed_send_every_mail_exactly_once(tmp_path: Path) -> None:
    broker = redis_url(11)
    folders = []
    recipients = []
    keys = []
    for number in range(10):  # 10 folders x 2 accounts: 20 reports, 20 recipients
        folder = tmp_path / f"client{number:02}"
        for account, who in ((CAFE, "cafe"), (GLOBEX, "globex")):
            address = f"{who}{number:02}@client.example"
            spec = write_spec(folder, account, {"to": [address]})
            recipients.append(address)
            keys.append(ReportKey(str(spec.resolve()), account, "2026-10"))
        folders.append(str(folder))
    workers: list[subprocess.Popen[bytes]] = []
    with Sandbox(seed=1, now=NOW) as sb, SmtpServer() as smtp, fresh_schema() as store:
        env = environment(sb, tmp_path, smtp.env()) | {
            "REPORTER_STORE": store,  # the one thing the workers share, beside the broker
            "REPORTER_BROKER_URL": broker,
            "REPORTER_BROKER_VISIBILITY_TIMEOUT": "8",  # a dead worker's task runs again soon
            "HOME": str(tmp_path / "home"),
        }
        try:
            logs = [tmp_path / "worker1.log", tmp_path / "worker2.log"]
            workers = [_worker(env, logs[0]), _worker(env, logs[1])]
            run = subprocess.Popen(
                [sys.executable, "-m", "reporter", "run", *folders, "--send",
                 "--period", "2026-10", "--now", NOW_TEXT, "--out", str(tmp_path / "out")],
                env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                text=True,
            )  # fmt: skip
            # Kill the first worker in the middle of a render: it has fetched, not yet sent.
            assert _wait_for(logs[0], "Task reporter.render[", 180), logs[0].read_text()
            os.killpg(workers[0].pid, signal.SIGKILL)
            workers[0].wait()
            out, err = run.communicate(timeout=600)
        finally:
            for worker in workers:
                if worker.poll() is None:
                    os.killpg(worker.pid, signal.SIGTERM)
                    worker.wait(30)
        mails = sorted(r for m in smtp.received for r in m.recipients)
        with Store.open(store) as kept:
            rows = [row for key in keys for row in kept.deliveries(key).values()]
    assert run.returncode == 0, out + err
    assert mails == sorted(recipients)  # every recipient once: none lost, none twice
    assert out.count(": sent to 1 of 1 recipient(s)") == 20
    assert "20 report(s): 20 sent" in out
    assert [(row.state, row.sent_count) for row in rows] == [("sent", 1)] * 20
    assert "Task reporter.fetch[" in logs[1].read_text()  # the second worker took work too
