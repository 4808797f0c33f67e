"""`reporter sandbox`: serve the local Instagram Graph API simulator on 127.0.0.1 until Ctrl-C;
with ``--replay DIR``, serve a capture (``fetch --record``, tests/conformance/) instead."""

from __future__ import annotations

from pathlib import Path
from typing import IO

from reporter.errors import ExitStatus, UsageError
from reporter.world import World


def sandbox(
    *,
    port: int,
    seed: int,
    latency_ms: int,
    fault_rate: float,
    rate_limit: int,
    world: World,
    replay_dir: Path | None = None,
) -> int:
    if replay_dir is not None:
        if latency_ms or fault_rate or rate_limit:
            raise UsageError(
                "--replay serves the capture as recorded; --latency-ms, --fault-rate and "
                "--rate-limit only apply to the simulator"
            )
        return replay(replay_dir, port=port, out=world.out)
    from reporter.sandbox.app import serve_forever

    serve_forever(
        port=port,
        seed=seed,
        now=world.now,
        latency_ms=latency_ms,
        fault_rate=fault_rate,
        rate_limit=rate_limit,
        out=world.out,
    )
    return int(ExitStatus.OK)


def replay(directory: Path, *, port: int, out: IO[str]) -> int:
    """Answer from the capture in ``directory`` until Ctrl-C; then list what it could not."""
    from reporter.sandbox.replay import CaptureError, Replay, load_capture

    try:
        exchanges = load_capture(directory)
    except CaptureError as error:
        raise UsageError(f"--replay {error}") from None
    server = Replay(exchanges, port=port)
    try:
        server.start(background=False)
    except OSError as error:
        raise UsageError(
            f"--replay: cannot listen on 127.0.0.1:{port} ({error.strerror})"
        ) from None
    out.write(
        f"reporter sandbox: replaying {len(exchanges)} recorded answers from {directory} "
        f"at {server.base_url}\n"
        f"  point reporter at it: REPORTER_API_BASE_URL={server.base_url} and a scratch "
        "REPORTER_STORE\n"
        "  a token-like value in each account's token variable (EAAB-replay-token-not-real): "
        "the replay ignores tokens, but reporter scrubs its own token from every answer\n"
        '  fetch with the capture\'s period (its "source" names it)\n'
        "  bound to 127.0.0.1 only; Ctrl-C stops it\n"
    )
    out.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        missed = server.unmatched
        out.write(f"\nreplay stopped; {len(missed)} requests had no recorded answer\n")
        out.writelines(f"  {m}\n" for m in missed[:20])
        out.flush()
    finally:
        server.stop()
    return int(ExitStatus.OK)
