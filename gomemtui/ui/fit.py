"""Text that fits a width without being cut mid-word.

The header, the heap-map legend, the tab row, the panel titles and the explanation strip
all have more to say than an 80-column terminal holds. Each spells what it shows in
tiers, longest first (full text for 200 columns, abbreviated for 100, shortest for 80),
and these helpers pick the longest tier that fits; when even the shortest does not, text
is shortened at a word boundary and ends in "…", never cut inside a word.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len

ELLIPSIS = "…"
DANGLING = frozenset({"a", "an", "the", "and", "or", "of", "to", "in", "on", "for", "with", "by", "as", "at"})
"""Words a shortened text does not end on before its "…"."""


def fit_words(text: str, width: int) -> str:
    """`text` if it fits `width` cells, else its longest run of whole words that fits,
    not ending on a small word such as "a" or "of", followed by "…" ("" when not even
    one word and the ellipsis fit).

    Args:
        text: The text to fit (words are separated by spaces).
        width: Cells available.

    Returns:
        Text of at most `width` cells.
    """
    if cell_len(text) <= width:
        return text
    kept: list[str] = []
    for word in text.split(" "):
        if cell_len(_before_ellipsis([*kept, word])) > width:
            break
        kept.append(word)
    while len(kept) > 1 and kept[-1].lower() in DANGLING:
        kept.pop()  # "Maps keep their memory…", not "Maps keep their memory; a…"
    return _before_ellipsis(kept) if kept else ""


def _before_ellipsis(words: list[str]) -> str:
    """`words` joined, without the punctuation they end on, and "…"."""
    return " ".join(words).rstrip(" ,;:·│-") + ELLIPSIS


def first_fitting(candidates: Sequence[str], width: int) -> str:
    """The first of `candidates` (longest first) that fits `width` cells; if none does,
    the last one shortened by `fit_words`."""
    for text in candidates:
        if cell_len(text) <= width:
            return text
    return fit_words(candidates[-1], width) if candidates else ""


def join_fitting(tiers: Sequence[Sequence[str]], width: int, separator: str) -> list[str]:
    """Parts joined by `separator` at the first tier that fits `width`.

    Each tier lists the same parts, most important first, in a shorter spelling than the
    tier before. If even the last tier is too wide, parts are left off from the end
    (whole parts: none is cut).

    Args:
        tiers: One list of parts per tier, longest tier first ("" parts are skipped).
        width: Cells available.
        separator: What goes between two parts.

    Returns:
        The parts kept, in order.
    """
    for parts in tiers:
        kept = [part for part in parts if part]
        if cell_len(separator.join(kept)) <= width:
            return kept
    kept = []
    used = 0
    for part in (p for p in tiers[-1] if p) if tiers else ():
        extra = cell_len(part) + (cell_len(separator) if kept else 0)
        if used + extra > width:
            break
        kept.append(part)
        used += extra
    return kept
