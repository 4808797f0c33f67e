"""Which posts a report puts on its top cards: the one ranking, shared by the report (the cards,
render/sections/content.py) and the fetch (it downloads the pictures of those posts only)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

from reporter.catalogue import Catalogue
from reporter.dataset import Dataset, MediaItem
from reporter.derived import Definition
from reporter.derived.evaluate import Evaluator


class Media(Protocol):
    """What ranking reads of a spec's ``[media]`` (spec.models.Media)."""

    @property
    def product_types(self) -> Sequence[str]: ...
    @property
    def top(self) -> int: ...
    @property
    def rank_by(self) -> str: ...


def top_posts(
    media: Media, items: Sequence[MediaItem], value: Callable[[MediaItem], float | None]
) -> list[tuple[float, MediaItem]]:
    """The top ``media.top`` of the report's posts by ``value`` (``media.rank_by``), highest
    first and the earlier on a tie; stories only when the report shows nothing else."""
    chosen = [m for m in items if m.product_type in media.product_types]
    candidates = [m for m in chosen if m.product_type != "STORY"] or chosen
    ranked = [(v, m) for m in candidates if (v := value(m)) is not None]
    ranked.sort(key=lambda pair: (-pair[0], pair[1].timestamp))
    return ranked[: media.top]


def pictured(
    media: Media | None, defs: Mapping[str, Definition], catalogue: Catalogue
) -> Callable[[Dataset], set[str]]:
    """For a fetched dataset, the ids of the posts whose pictures a report with this ``[media]``
    and these derived metrics shows on its cards."""

    def ids(ds: Dataset) -> set[str]:
        if media is None:
            return set()
        rank_by = media.rank_by
        value: Callable[[MediaItem], float | None]
        if rank_by in defs:
            evaluator = Evaluator(ds, defs, catalogue, rank_by=rank_by)
            value = lambda item: evaluator.media(rank_by, item).value  # noqa: E731
        else:
            value = lambda item: ds.total(item.id, rank_by)  # noqa: E731
        return {m.id for _, m in top_posts(media, ds.media, value)}

    return ids
