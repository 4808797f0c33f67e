"""The one outside world, built once by the CLI and passed down: the clock, the environment
(``.env`` read once, under the process environment), the settings, the catalogue and the
streams. Below the CLI nothing reads a clock, ``os.environ``, ``.env`` or the catalogue file
itself; tests build a World of their own."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from reporter.catalogue import Catalogue
    from reporter.settings import Settings


@dataclass(frozen=True)
class World:
    now: dt.datetime  # aware
    environ: Mapping[str, str]  # the process environment over the .env file's values
    out: TextIO
    err: TextIO
    env_file: Path = Path(".env")  # where `reporter tokens --refresh` writes a renewed token
    sleep: Callable[[float], None] | None = None  # tests: no real backoff

    # Built on first use, once: `reporter sandbox` needs neither, and invalid settings are
    # reported after the specs' own errors.
    @functools.cached_property
    def settings(self) -> Settings:
        from reporter.settings import settings_from  # pydantic-settings: not for `validate`

        return settings_from(self.environ)

    @functools.cached_property
    def catalogue(self) -> Catalogue:
        from reporter import catalogue

        return catalogue.load()


def read_environment(environ: Mapping[str, str], env_file: Path) -> dict[str, str]:
    """The environment with a ``.env`` file's values underneath (the real environment wins),
    read by pydantic-settings' own dotenv source, names kept as written."""
    values: dict[str, str] = {}
    if env_file.is_file():
        from pydantic_settings import DotEnvSettingsSource

        from reporter.settings import Settings

        source = DotEnvSettingsSource(Settings, env_file=env_file, case_sensitive=True)
        values = {k: v for k, v in source.env_vars.items() if v is not None}
    return {**values, **environ}
