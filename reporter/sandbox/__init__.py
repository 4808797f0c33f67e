"""A faithful local simulator of the Instagram Graph API, served over real HTTP on loopback.

``from reporter.sandbox import Sandbox``; see ``app.Sandbox`` for the knobs and
``reporter sandbox --help`` for the command line.
"""

from __future__ import annotations

from reporter.sandbox.accounts import Account
from reporter.sandbox.app import AccountRecord, Sandbox
from reporter.sandbox.counter import Counter
from reporter.sandbox.faults import Faults

__all__ = ["Account", "AccountRecord", "Counter", "Faults", "Sandbox"]
