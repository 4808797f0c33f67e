"""``Sandbox``: the simulator as a context manager (in-process, ephemeral loopback port, one
background thread) and the pieces ``reporter sandbox`` serves from the command line."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from types import TracebackType
from typing import IO

from reporter.sandbox.counter import Counter, RequestLog
from reporter.sandbox.faults import Faults
from reporter.sandbox.router import Clock, Router
from reporter.sandbox.server import App, SandboxServer
from reporter.sandbox.tokens import TokenStore
from reporter.sandbox.world import World


@dataclass(frozen=True)
class AccountRecord:
    id: str
    username: str
    name: str
    login: str  # "facebook" | "instagram"
    followers: int  # at the sandbox's initial "now"


class Sandbox:
    """A faithful local Instagram Graph API.

    ``with Sandbox(seed=1, now=dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC)) as sb:`` then
    ``requests.get(f"{sb.base_url}/v25.0/me", params={"access_token": sb.token_for(id)})``.
    """

    def __init__(
        self,
        *,
        seed: int = 1,
        now: dt.datetime,
        latency_ms: int = 0,
        fault_rate: float = 0.0,
        rate_limit: int = 0,
        extra_accounts: int = 0,
        port: int = 0,
        corrupt_rate: float = 0.0,
    ) -> None:
        if now.tzinfo is None:
            raise ValueError("Sandbox(now=...) needs a timezone-aware datetime")
        now = now.astimezone(dt.UTC)
        self.seed = seed
        self.world = World(seed, now, extra_accounts)
        self.token_store = TokenStore(self.world.accounts, issued_at=now)
        self.faults = Faults(seed, fault_rate, rate_limit)
        self.faults.set_fault_rate(fault_rate)
        self.faults.set_corrupt_rate(corrupt_rate)
        self.counter = Counter()
        self.clock = Clock(now)
        self.router = Router(self.world, self.token_store, self.faults, self.counter, self.clock)
        self.app = App(self.router, latency_ms)
        self._port = port
        self._server: SandboxServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle -----------------------------------------------------------------------------

    def start(self, *, background: bool = True) -> Sandbox:
        self._server = SandboxServer(self._port, self.app)
        host, port = self._server.server_address[:2]
        self.router.base_url = f"http://{host!s}:{port}"
        if background:
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name="reporter-sandbox",
                daemon=True,
            )
            self._thread.start()
        return self

    def serve_until(self, stop: threading.Event) -> None:
        """Serve in the calling thread (the CLI) until interrupted."""
        assert self._server is not None, "start(background=False) first"
        self._server.serve_forever(poll_interval=0.2)

    def stop(self) -> None:
        if self._server is None:
            return
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()
        self._server = None

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # --- what tests use ------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        if not self.router.base_url:
            raise RuntimeError("the sandbox is not started")
        return self.router.base_url

    @property
    def requests(self) -> RequestLog:
        """Every request served: whose token, when it came, when it was answered."""
        return self.app.log

    @property
    def accounts(self) -> list[AccountRecord]:
        return [
            AccountRecord(a.id, a.username, a.name, a.login, a.followers)
            for a in self.world.accounts.values()
        ]

    @property
    def tokens(self) -> dict[str, str]:
        return self.token_store.all_tokens()

    def token_for(self, account_id: str) -> str:
        return self.token_store.for_account(account_id)

    @property
    def expired_token(self) -> str:
        """A token that answers 190/463 "Session has expired on ..." (for Acme Coffee)."""
        return self.token_store.expired_token

    def expire_token(self, account_id: str, at: dt.datetime | None = None) -> None:
        self.token_store.expire(account_id, at or self.clock.now() - dt.timedelta(hours=1))

    @property
    def app_token(self) -> str:
        """The app access token ``debug_token`` accepts as its caller (Meta: app_id|secret)."""
        return self.token_store.app_token

    def set_token(
        self,
        account_id: str,
        *,
        expires_at: dt.datetime | None = None,
        issued_at: dt.datetime | None = None,
        scopes: tuple[str, ...] | None = None,
    ) -> None:
        """Tests: give an account's token another expiry, issue time or permissions."""
        if expires_at is not None:
            self.token_store.expire(account_id, expires_at)
        if issued_at is not None:
            self.token_store.set_issued(account_id, issued_at)
        if scopes is not None:
            self.token_store.set_scopes(account_id, scopes)

    def invalidate_token(self, account_id: str, subcode: int = 460) -> None:
        self.token_store.invalidate(account_id, subcode)

    def restore_token(self, account_id: str) -> None:
        self.token_store.restore(account_id)

    @property
    def now(self) -> dt.datetime:
        return self.clock.now()

    def set_now(self, now: dt.datetime) -> None:
        self.clock.set(now)

    def set_fault_rate(self, rate: float) -> None:
        self.faults.set_fault_rate(rate)

    def banner(self) -> str:
        lines = [
            f"reporter sandbox: a simulated Instagram Graph API at {self.base_url}",
            f"  seed {self.seed}, now {self.clock.now().isoformat()}; "
            f"paths as on graph.facebook.com / graph.instagram.com, e.g. "
            f"{self.base_url}/v25.0/me?fields=username",
            "  accounts and the tokens they accept (access_token=... or Authorization: Bearer):",
        ]
        for record in self.accounts:
            lines.append(
                f"    {record.id}  @{record.username:<22} {record.login:<9} "
                f"{self.token_for(record.id)}"
            )
        lines.append(f"  an expired token (error 190/463): {self.expired_token}")
        lines.append("  bound to 127.0.0.1 only; Ctrl-C stops it")
        return "\n".join(lines) + "\n"


def serve_forever(
    *,
    port: int,
    seed: int,
    now: dt.datetime,
    latency_ms: int,
    fault_rate: float,
    rate_limit: int,
    out: IO[str],
) -> None:
    """``reporter sandbox``: print the banner, serve until Ctrl-C, stop cleanly."""
    sandbox = Sandbox(
        seed=seed,
        now=now,
        latency_ms=latency_ms,
        fault_rate=fault_rate,
        rate_limit=rate_limit,
        port=port,
    )
    sandbox.start(background=False)
    out.write(sandbox.banner())
    out.flush()
    stop = threading.Event()
    try:
        sandbox.serve_until(stop)
    except KeyboardInterrupt:
        out.write("\nsandbox stopped\n")
        out.flush()
    finally:
        sandbox.stop()
