"""Execute a ``FetchPlan``: Graph calls through ``graph``, every answer into the ``store``.

Each planned call is a job; when Meta rejects a job because of one metric (removed, not for this
product type, breakdown unsupported, or ``(#-1) Fatal`` for ``facebook_views`` on media not
shared to Facebook), the job is retried without it and the metric recorded as unavailable with
Meta's reason: the metric named in Meta's message when it names one, otherwise found by splitting
the metric list in halves. Each failing part of more than one metric costs two more calls, so
``k`` culprits among ``n`` metrics cost at most ``2·k·⌈log2 n⌉`` extra calls; a refusal of the
object itself (not enough viewers, before conversion, missing, permission) is not split.

Finished calls are written a batch at a time, whole calls in one transaction (writes.py), so a
stop (rate limit, token, signal) keeps everything fetched, a kill everything written, and a
rerun continues. A call still failing transiently after the
retries (5xx, a dropped connection, a broken answer) is never stored, neither as data nor as
"unavailable": its unit stays unfinished, the outcome says so, and a rerun sends that call again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import logging
import threading
import time
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from pydantic import SecretStr

from reporter.catalogue import Catalogue
from reporter.dataset import Dataset, MediaItem, Unavailable
from reporter.dataset.audience import with_saved_audience
from reporter.errors import ReporterError
from reporter.fetch import normalise
from reporter.fetch.explain import (
    OBJECT_KINDS,
    ApiUnreachable,
    IncompleteFetch,
    explain,
    gap_reason,
    incomplete,
    who,
)
from reporter.fetch.writes import Writes
from reporter.graph.client import (
    GraphClient,
    GraphError,
    RateLimited,
    Request,
    RetryPolicy,
    TokenInvalid,
    TransportError,
    Unreachable,
    metrics_named,
    new_session,
)
from reporter.graph.limits import RateGate
from reporter.graph.media import MediaHosts
from reporter.graph.record import Recorder
from reporter.plan.build import Call, FetchPlan, Unit, media_requests
from reporter.settings import Settings
from reporter.spec.models import Account
from reporter.store.database import STORIES, CallResult, Done, Store, StoreError, UnitState

log = logging.getLogger("reporter.fetch.execute")


def _silent(text: str) -> None:
    pass


@dataclass(frozen=True)
class Options:
    refresh: bool = False
    offline: bool = False
    thumbnails: bool = True
    progress: Callable[[str], None] = _silent  # a status line on a terminal (run/log.py Status)
    # The posts whose pictures the report shows (derived/ranking.py: its top cards); None: every
    # post's. A comparison period's report shows none.
    pictures: Callable[[Dataset], set[str]] | None = None


@dataclass
class Context:
    """The outside world a fetch needs, passed in (tests inject sleep, rng and clock)."""

    settings: Settings
    catalogue: Catalogue
    token: Callable[[Account], SecretStr]
    base_url: Callable[[Account], str]
    now: Callable[[], dt.datetime]
    retry: RetryPolicy
    # where pictures may come from (graph/media.py)
    media_hosts: MediaHosts = field(default_factory=MediaHosts)
    recorder: Recorder | None = None  # `fetch --record`: every answer into a capture


@dataclass
class Outcome:
    unit: Unit
    dataset: Dataset | None = None
    source: Literal["api", "store", "none"] = "none"
    requests: int = 0  # HTTP requests sent
    calls: int = 0  # calls as Meta's rate limits count them (each item of a batch is one)
    error: ReporterError | None = None
    missing: int = 0  # calls with no usable answer after retries: a rerun fetches them
    seconds: float = 0.0  # the wall time of its account's fetch (each_account)

    @property
    def incomplete(self) -> bool:
        return isinstance(self.error, IncompleteFetch)


@dataclass(frozen=True)
class Job:
    key: str  # the planned call this job answers (one call may take several jobs)
    object_id: str
    request: Request
    metrics: tuple[str, ...]
    call: Call | None = None  # account-level context; None for media insights
    story: bool = False  # story insights live in the store's `stories` unit, newest wins


@dataclass
class _Results:
    open_jobs: dict[str, int] = field(default_factory=dict)
    results: dict[str, CallResult] = field(default_factory=dict)

    def add(self, key: str, **parts: Sequence[Any]) -> None:
        old = self.results.get(key, CallResult())
        merged: dict[str, Any] = {
            name: (*getattr(old, name), *items) for name, items in parts.items()
        }
        self.results[key] = replace(old, **merged)


def unit_closed(unit: Unit, now: dt.datetime, settle_hours: int) -> bool:
    """Ended, and past Meta's settling delay: its figures will not change any more. The end is
    the later of the period's local midnight and its last Pacific day's end."""
    return now >= unit_end(unit) + dt.timedelta(hours=settle_hours)


def revised_calls(unit: Unit, done: dict[str, dt.datetime], refetch_days: int) -> frozenset[str]:
    """The account-insights calls to send again: Meta revises a day's figures for up to 48 h,
    so an answer given less than ``refetch_days`` after its window ended may have changed (a
    month fetched on the 2nd holds incomplete figures for its last day). Media values are
    lifetime values as of the fetch and are kept."""
    margin = dt.timedelta(days=refetch_days)
    return frozenset(
        c.key
        for c in unit.calls
        if c.kind == "insights"
        and c.window is not None
        and (c.key not in done or done[c.key] < c.window.until + margin)
    )


def unit_end(unit: Unit) -> dt.datetime:
    return max([unit.window.until, *(c.window.until for c in unit.calls if c.window)])


def fetch(plan: FetchPlan, store: Store, ctx: Context, options: Options) -> list[Outcome]:
    """Every unit of the plan, in the plan's order."""
    if options.offline:
        outcomes = [Outcome(unit) for unit in plan.units]
        for outcome in outcomes:
            outcome.dataset = store.load_dataset(outcome.unit.account.id, outcome.unit.label)
            complete = store.unit_complete(outcome.unit.account.id, outcome.unit.label)
            if outcome.dataset is None or not complete:
                outcome.dataset = None
                outcome.error = ReporterError(
                    f"{who(outcome.unit)} {outcome.unit.label}: not in the store; run "
                    f"`reporter fetch SPEC --period {outcome.unit.period.label}` online"
                )
            else:
                outcome.source = "store"
        return _with_saved_audience(outcomes, store)
    order = {id(unit): n for n, unit in enumerate(plan.units)}
    with contextlib.closing(each_account([(plan, options)], store, ctx)) as accounts:
        done = [outcome for _, outcomes in accounts for outcome in outcomes]
    return sorted(done, key=lambda outcome: order[id(outcome.unit)])


def each_account(
    plans: Sequence[tuple[FetchPlan, Options]], store: Store, ctx: Context
) -> Generator[tuple[int, list[Outcome]], None, None]:
    """Each account's outcomes (its units of one plan, with the plan's index) as soon as that
    account is done: ``REPORTER_FETCH_ACCOUNTS`` accounts at once, each with its own token and
    its own rate-limit gate, their requests together within ``REPORTER_MAX_WORKERS``; an account
    in two plans is fetched for one after the other. At most that many accounts' outcomes wait
    for the caller, so its memory does not grow with the number of accounts. Close it (as
    ``contextlib.closing``) when the caller stops early: the calls queued are not sent, those
    under way finish and are stored, and a rerun sends only what is missing."""
    tasks: list[tuple[int, FetchPlan, Options, list[Outcome]]] = []
    for index, (plan, options) in enumerate(plans):
        mine: dict[str, list[Outcome]] = {}
        for unit in plan.units:
            mine.setdefault(unit.account.id, []).append(Outcome(unit))
        tasks += [(index, plan, options, outcomes) for outcomes in mine.values()]
    settings = ctx.settings
    workers = settings.max_workers
    slots = threading.Semaphore(workers)  # requests in flight, every account's together
    failed: dict[str, ReporterError] = {}
    lock = threading.Lock()
    account_locks: dict[str, threading.Lock] = {}
    setting = "REPORTER_API_BASE_URL" if settings.api_base_url else None
    at_once = min(settings.fetch_accounts, len(tasks)) or 1
    with ThreadPoolExecutor(workers, thread_name_prefix="reporter-calls") as pool:

        def run(outcome: Outcome, batch_size: int, options: Options) -> None:
            account = outcome.unit.account
            with lock:
                if account.id in failed or EVERYONE in failed:
                    outcome.error = failed.get(EVERYONE) or failed[account.id]
                    return
            try:
                options.progress(
                    f"{outcome.unit.account.name} {outcome.unit.label}: fetching "
                    f"({len(outcome.unit.calls)} calls)…"
                )
                _UnitRun(outcome, store, ctx, options, pool, slots, batch_size).run()
            except StoreError:  # a full disk or a damaged store: no other unit can be stored
                raise
            except ReporterError as error:
                outcome.error = explain(error, outcome.unit, ctx.now(), setting=setting)
                if isinstance(error, TokenInvalid | RateLimited):
                    with lock:
                        failed.setdefault(account.id, outcome.error)
                if isinstance(outcome.error, ApiUnreachable):
                    with lock:
                        failed.setdefault(EVERYONE, outcome.error)
                    outcome.error = failed[EVERYONE]

        def one_account(
            plan: FetchPlan, options: Options, outcomes: list[Outcome]
        ) -> list[Outcome]:
            account_id = outcomes[0].unit.account.id
            with lock:
                mine = account_locks.setdefault(account_id, threading.Lock())
            with mine:
                started = time.monotonic()
                if len(outcomes) == 1:
                    run(outcomes[0], plan.batch_size, options)
                else:  # its period and its comparison at once, as one account's fetch
                    with ThreadPoolExecutor(len(outcomes), "reporter-units") as units:
                        list(units.map(lambda o: run(o, plan.batch_size, options), outcomes))
                for outcome in outcomes:
                    outcome.seconds = time.monotonic() - started
            return _with_saved_audience(outcomes, store)

        with ThreadPoolExecutor(at_once, thread_name_prefix="reporter-accounts") as accounts:
            try:
                waiting = iter(tasks)
                running: dict[Future[list[Outcome]], int] = {}
                for index, plan, options, outcomes in itertools.islice(waiting, at_once):
                    running[accounts.submit(one_account, plan, options, outcomes)] = index
                while running:
                    done, _ = wait(running, return_when=FIRST_COMPLETED)
                    for future in done:
                        index = running.pop(future)
                        finished = future.result()
                        for following, plan, options, outcomes in itertools.islice(waiting, 1):
                            task = accounts.submit(one_account, plan, options, outcomes)
                            running[task] = following
                        yield index, finished
            except BaseException:  # a signal, the caller stopping (GeneratorExit), a store error
                pool.shutdown(wait=False, cancel_futures=True)
                accounts.shutdown(wait=False, cancel_futures=True)
                raise


def _with_saved_audience(outcomes: list[Outcome], store: Store) -> list[Outcome]:
    """A past period's demographics from the daily collection's units (plan ``SavedAudience``):
    the newest of its last days that holds them."""
    for outcome in outcomes:
        saved = outcome.unit.saved_audience
        if saved is None or outcome.dataset is None:
            continue
        for label in saved.units:
            day = store.load_dataset(outcome.unit.account.id, label)
            merged = (
                with_saved_audience(outcome.dataset, day, saved.metrics, saved.days)
                if day
                else None
            )
            if merged is not None:
                outcome.dataset = merged
                break
    return outcomes


EVERYONE = ""  # the key of a failure that stops every account (the API cannot be reached)
SHAPE_ERRORS = (AttributeError, KeyError, TypeError, ValueError)


def _unexpected_shape() -> TransportError:
    return TransportError("HTTP 200: an answer not shaped as Meta's", transient=True)


def _lost(answer: object) -> bool:
    """A failure retrying may still cure: kept out of the store, sent again by a rerun."""
    return isinstance(answer, GraphError) and (answer.transient or type(answer) is TransportError)


class _UnitRun:
    def __init__(
        self,
        outcome: Outcome,
        store: Store,
        ctx: Context,
        options: Options,
        pool: ThreadPoolExecutor,
        slots: threading.Semaphore,
        batch_size: int,
    ) -> None:
        self.outcome, self.unit, self.store, self.ctx = outcome, outcome.unit, store, ctx
        self.options, self.pool, self.batch_size = options, pool, batch_size
        self.account = self.unit.account
        self.slots = slots
        self.client: GraphClient | None = None
        self.generation = 0
        self.writes: Writes | None = None
        self.lost: dict[str, GraphError] = {}  # call key -> its last transient failure
        self._lost_lock = threading.Lock()

    def run(self) -> None:
        unit, store, ctx = self.unit, self.store, self.ctx
        closed = unit_closed(unit, ctx.now(), ctx.catalogue.limits.settle_hours)
        redo: frozenset[str] | None = None
        if closed and not self.options.refresh and store.unit_complete(self.account.id, unit.label):
            redo = revised_calls(unit, store.call_times(self.account.id, unit.label),
                                 ctx.settings.refetch_days)  # fmt: skip
            if not redo:
                self.outcome.dataset = store.load_dataset(self.account.id, unit.label)
                self.outcome.source = "store"
                if self._pictures_missing(self.outcome.dataset):
                    # fetched before as another report's comparison, which shows no pictures
                    self._with_client(lambda: self._thumbnails(self.outcome.dataset.media))  # type: ignore[union-attr]
                return
        self._with_client(lambda: self._run(redo))

    def _pictures_missing(self, dataset: Dataset | None) -> bool:
        shown = self.options.pictures
        if not self.options.thumbnails or dataset is None or self.unit.role != "report":
            return False
        ids = shown(dataset) if shown is not None else {m.id for m in dataset.media}
        return any(not self.store.has_thumbnail(i) for i in ids)

    def _with_client(self, work: Callable[[], None]) -> None:
        ctx = self.ctx
        settings = ctx.settings
        account_id = self.account.id
        gate = RateGate(  # paced by what every host fetching this account spent (store/usage.py)
            percent=self.store.usage(account_id, now=ctx.now()),
            shared=lambda percent: self.store.put_usage(account_id, percent, now=ctx.now()),
        )
        self.client = GraphClient(
            gate=gate,
            base_url=ctx.base_url(self.account),
            token=ctx.token(self.account),
            timeout=settings.timeout,
            retry=ctx.retry,
            session=new_session(settings.max_workers),
            slots=self.slots,
            recorder=ctx.recorder,
        )
        try:
            work()
        finally:
            self.outcome.requests = self.client.requests_sent
            self.outcome.calls = self.client.calls_counted
            self.client.session.close()

    def _run(self, redo: frozenset[str] | None) -> None:
        unit, store, ctx = self.unit, self.store, self.ctx
        state = store.begin_unit(
            self.account.id, unit.label,
            period=(unit.period.since, unit.period.until),
            window=(unit.window.since, unit.window.until),
            api_version=unit.version, timezone=unit.timezone, now=ctx.now(),
            fresh=self.options.refresh, redo=redo,
        )  # fmt: skip
        self.generation = state.generation
        self.writes = Writes(store, self.account.id, now=ctx.now, size=self.batch_size)
        try:
            self._calls(state)
        finally:
            self.writes.close()  # what was fetched is kept, also when the unit stopped
        self.outcome.source = "api"
        if self.lost:
            # unfinished: not completed, so a rerun continues this generation and sends exactly
            # the lost calls again; the partial dataset is for the hold, never for sending
            self.outcome.dataset = store.load_dataset(self.account.id, unit.label)
            self.outcome.missing = len(self.lost)
            listing = frozenset(c.key for c in unit.calls if c.kind in ("media_list", "stories"))
            raise incomplete(unit, self.lost, listing)
        store.complete_unit(self.account.id, unit.label, now=ctx.now())
        self.outcome.dataset = store.load_dataset(self.account.id, unit.label)

    def _calls(self, state: UnitState) -> None:
        """Every call of the unit not done yet, then its pictures."""
        unit, store = self.unit, self.store
        if unit.skipped and "skipped" not in state.done:
            self._record("skipped", CallResult(unavailable=unit.skipped))
        jobs = [
            Job(c.key, self.account.id, c.request, c.metrics, c)
            for c in unit.calls
            if c.kind not in ("media_list", "stories") and c.key not in state.done
        ]
        listing = [c for c in unit.calls if c.kind in ("media_list", "stories")]
        size = self.batch_size if unit.batched else 1
        direct = [
            self.pool.submit(self._run_jobs, jobs[i : i + size]) for i in range(0, len(jobs), size)
        ]
        media: list[MediaItem] = []
        for call in listing:
            if call.kind == "media_list" and call.key in state.done:
                media += store.unit_media(self.account.id, unit.label)
            else:
                media += self._listing(call)
        for future in direct:
            future.result()
        pairs = media_requests(unit, [(m.id, m.product_type) for m in media])
        media_jobs = []
        for query, media_id in pairs:
            request = query.request(unit.version, media_id)
            story = query.product_type == "STORY"
            job = Job(request.relative_url, media_id, request, query.metrics, story=story)
            if story or job.key not in state.done:
                media_jobs.append(job)
        chunks = [media_jobs[i : i + size] for i in range(0, len(media_jobs), size)]
        if media_jobs:
            self.options.progress(
                f"{unit.account.name} {unit.label}: fetching the insights of {len(media)} media…"
            )
        for future in [self.pool.submit(self._run_jobs, chunk) for chunk in chunks]:
            future.result()
        assert self.writes is not None
        self.writes.flush()  # the pictures chosen from the stored dataset
        if self.options.thumbnails:
            self._thumbnails(media)

    def _record(self, key: str, result: CallResult, unit: str | None = None) -> None:
        label = unit or self.unit.label
        generation = self._generation(unit)
        self.store.record_call(self.account.id, label, generation, key, result, now=self.ctx.now())

    def _generation(self, unit: str | None) -> int:
        return 0 if unit == STORIES else self.generation

    def _listing(self, call: Call) -> list[MediaItem]:
        assert self.client is not None
        snapshots: list[tuple[dt.datetime, str, Any]] = []
        media: list[MediaItem] = []
        what = "the story list" if call.kind == "stories" else "the media list"
        try:
            for page in self.client.pages(call.request):
                snapshots.append((self.ctx.now(), "ok", page))
                data = page.get("data")
                if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
                    raise _unexpected_shape()
                listed_as = "STORY" if call.kind == "stories" else "FEED"
                for raw in data:
                    item = normalise.media_item(raw, self.account.id, listed_as=listed_as)
                    if item is not None:
                        media.append(item)
        except (TokenInvalid, RateLimited, Unreachable):
            raise
        except GraphError as error:
            if _lost(error):
                self._lose(call.key, error)
                return []
            where = f"page {len(snapshots) + 1} of {what}"
            raise ReporterError(
                f"{who(self.unit)} {self.unit.label}: {where} failed: Meta refused (error "
                f"{error.code}: {error}); nothing of it is stored"
            ) from None
        unit = STORIES if call.kind == "stories" else None
        self._record(call.key, CallResult(snapshots=snapshots, media=media), unit)
        return media

    def _run_jobs(self, jobs: list[Job]) -> None:
        """Send jobs (one batch, or one request), degrade on metric errors, record each call."""
        assert self.client is not None
        results = _Results()
        stories = {j.key: STORIES for j in jobs if j.story}
        for job in jobs:
            results.open_jobs[job.key] = results.open_jobs.get(job.key, 0) + 1
        pending, fatal = list(jobs), None
        lost: set[str] = set()
        while pending and fatal is None:
            answers: list[dict[str, Any] | GraphError]
            if self.unit.batched:
                answers = []
                for start in range(0, len(pending), self.batch_size):
                    part = pending[start : start + self.batch_size]
                    try:
                        answers += self.client.batch(self.unit.version, [j.request for j in part])
                    except GraphError as error:  # the batch POST itself failed after retries
                        answers += [error] * len(part)
            else:
                answers = []
                for job in pending:
                    try:
                        answers.append(self.client.get(job.request))
                    except GraphError as error:
                        answers.append(error)
            following: list[Job] = []
            for job, answer in zip(pending, answers, strict=True):
                if isinstance(answer, TokenInvalid | RateLimited | Unreachable):
                    fatal = fatal or answer
                    continue
                if _lost(answer):
                    assert isinstance(answer, GraphError)
                    lost.add(job.key)
                    self._lose(job.key, answer)
                    continue
                try:
                    retry = self._answer(job, answer, results)
                except SHAPE_ERRORS:
                    # JSON, but not the shape Meta answers (a proxy's or a broken answer):
                    # never data; sent again by a rerun
                    log.debug("answer of unexpected shape for %s", job.key, exc_info=True)
                    lost.add(job.key)
                    self._lose(job.key, _unexpected_shape())
                    continue
                following += retry
                results.open_jobs[job.key] += len(retry) - 1
            pending = [j for j in following if j.key not in lost]
        assert self.writes is not None
        self.writes.add([
            Done(stories.get(key, self.unit.label), self._generation(stories.get(key)), key, result)
            for key, result in results.results.items()
            if results.open_jobs.get(key) == 0 and key not in lost
        ])  # fmt: skip
        if fatal is not None:
            raise fatal

    def _lose(self, key: str, error: GraphError) -> None:
        with self._lost_lock:
            self.lost[key] = error

    def _answer(
        self, job: Job, answer: dict[str, Any] | GraphError, results: _Results
    ) -> list[Job]:
        """Record one answer; the jobs still to send for its call."""
        cat, now = self.ctx.catalogue, self.ctx.now()
        if isinstance(answer, dict):
            if job.call is not None and job.call.kind == "profile":
                info = normalise.account_info(answer, job.object_id)
                results.add(job.key, snapshots=[(now, "ok", answer)])
                results.results[job.key] = replace(results.results[job.key], account=info)
                return []
            if not isinstance(answer.get("data"), list):
                raise ValueError("an insights answer without a data list")
            if job.call is not None:
                window = job.call.window
                rows, missing = normalise.account_insights(
                    cat, answer, object_id=job.object_id, metrics=job.metrics,
                    since=window.since if window else None,
                    until=window.until if window else None,
                    breakdown=job.call.breakdown if job.call.kind == "insights" else None,
                )  # fmt: skip
            else:
                rows, missing = normalise.media_insights(
                    cat, answer, media_id=job.object_id, metrics=job.metrics
                )
            results.add(job.key, snapshots=[(now, "ok", answer)], observations=rows,
                        unavailable=missing)  # fmt: skip
            return []
        body = {"error": {"message": answer.message, "code": answer.code,
                          "error_subcode": answer.subcode, "error_user_title": answer.user_title,
                          "error_user_msg": answer.user_msg}}  # fmt: skip
        results.add(job.key, snapshots=[(now, "error", body)])
        kind = normalise.error_kind(answer.code, answer.subcode, answer.message)
        metrics = job.metrics
        blamed: list[str] = []
        if len(metrics) > 1:
            blamed = metrics_named(answer.message, metrics)
            if not blamed and kind not in OBJECT_KINDS:
                # Meta refused the whole call naming no metric (any code: 1, 10, 100, -1 ...):
                # halve the list until the culprit is alone
                half = len(metrics) // 2
                return [self._narrow(job, metrics[:half]), self._narrow(job, metrics[half:])]
        gone = blamed or list(metrics)
        results.add(
            job.key,
            unavailable=[
                Unavailable(job.object_id, m, gap_reason(answer), answer.code, kind) for m in gone
            ],
        )
        rest = tuple(m for m in metrics if m not in gone)
        return [self._narrow(job, rest)] if rest else []

    @staticmethod
    def _narrow(job: Job, metrics: Sequence[str]) -> Job:
        params = tuple(
            (k, ",".join(metrics) if k == "metric" else v) for k, v in job.request.params
        )
        return replace(job, request=replace(job.request, params=params), metrics=tuple(metrics))

    def _thumbnails(self, media: Sequence[MediaItem]) -> None:
        dataset = self.store.load_dataset(self.account.id, self.unit.label)
        shown = self.options.pictures
        if shown is not None and dataset is not None:
            ids = shown(dataset) if self.unit.role != "comparison" else set()
            media = [m for m in media if m.id in ids]
        wanted: list[tuple[str, str]] = [(m.id, m.preview_url) for m in media if m.preview_url]
        if dataset is not None and dataset.account.profile_picture_url:
            wanted.append((self.account.id, dataset.account.profile_picture_url))
        todo = [(i, url) for i, url in wanted if not self.store.has_thumbnail(i)]
        settings = self.ctx.settings

        def one(item: tuple[str, str]) -> None:
            assert self.client is not None
            got = self.client.download(
                item[1], hosts=self.ctx.media_hosts, max_bytes=settings.thumbnail_max_bytes,
                timeout=settings.thumbnail_timeout,
            )  # fmt: skip
            if got is not None:
                self.store.put_thumbnail(item[0], item[1], got[0], got[1], now=self.ctx.now())

        list(self.pool.map(one, todo))
