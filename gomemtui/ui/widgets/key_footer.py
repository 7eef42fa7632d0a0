"""The footer: the keys that matter most, as many as fit the width, none cut.

Textual's `Footer` lays out every shown binding (`Binding.show`) in the order of the
active bindings (the focused widget's first, then the screen's, then the app's) and
crops what passes the right edge, so at 80 columns it loses keys, or half a label, from
the end. `KeyFooter` chooses instead: bindings are taken by priority (the screen gives
the order of its actions, most important first; greyed-out keys last) as long as they
fit, and shown in the screen's own order, so that what is left off is always the least
important and nothing is cut. When the normal spacing would leave a key off, it switches to Textual's
compact spacing (one cell less per key).
"""

from __future__ import annotations

import dataclasses

from collections.abc import Sequence
from typing import NamedTuple

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class FooterItem(NamedTuple):
    """One key the footer may show."""

    binding: Binding
    enabled: bool
    tooltip: str
    order: int
    """Where it goes from left to right."""
    palette: bool = False
    """The command palette's key (drawn at the right edge)."""


def item_width(key_display: str, description: str, compact: bool, palette: bool = False) -> int:
    """Cells a FooterKey takes, margins and padding included (Textual's Footer CSS:
    normal keys are ` key ` + `description `; compact ones `key` + ` description` and a
    one-cell margin; the palette's key adds its left border and, when not compact, a
    cell of padding)."""
    width = cell_len(key_display) + (cell_len(description) + 1 if description else 0)
    width += 1 if compact else 2
    if palette:
        width += 1 if compact else 2
    return width


def choose(items: Sequence[FooterItem], priority: Sequence[str], width: int, compact: bool,
           key_display: dict[str, str]) -> list[FooterItem]:
    """The items to show at `width`: the most important ones, in priority order, up to
    the first that does not fit (a key is never shown while a more important one is left
    off), sorted in their display order. Keys that do nothing at the moment (greyed out)
    come after every key that does.

    Args:
        items: Every shown binding, with its display order.
        priority: Actions, most important first; other actions follow in display order.
        width: Cells available.
        compact: Textual's compact spacing.
        key_display: The key text of each item's action.

    Returns:
        The items kept, sorted by `order`.
    """
    rank = {action: index for index, action in enumerate(priority)}
    ranked = sorted(items, key=lambda item: (not item.enabled, rank.get(item.binding.action, len(rank)), item.order))
    kept: list[FooterItem] = []
    used = 0
    for item in ranked:
        need = item_width(key_display[item.binding.action], item.binding.description, compact, item.palette)
        if used + need > width:
            break
        kept.append(item)
        used += need
    return sorted(kept, key=lambda item: item.order)


class KeyFooter(Footer):
    """A footer that shows the most important keys that fit, never a cut one.

    Args:
        priority: Actions in the order they keep their place in the footer.
        order: Actions in the order they are shown (others follow, the focused widget's
            first, then the app's).
    """

    def __init__(self, priority: Sequence[str], order: Sequence[str] = (), *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.priority = tuple(priority)
        """Actions, most important first."""
        self.order = tuple(order)
        """Actions in display order."""
        self.shown: tuple[str, ...] = ()
        """Actions of the keys on show (for tests and the tmux check)."""
        self._composed_width = 0

    def _items(self) -> list[FooterItem]:
        """Every binding the footer could show, one per action."""
        active = self.screen.active_bindings
        relabel = getattr(self.screen, "footer_description", None)
        position = {action: index for index, action in enumerate(self.order)}
        items: dict[str, FooterItem] = {}
        for index, (node, binding, enabled, tooltip) in enumerate(active.values()):
            if not binding.show or binding.action in items:
                continue
            order = position.get(binding.action, len(position) + (0 if node is not self.app else 1000) + index)
            description = relabel(binding.action) if relabel is not None else None
            if description is not None:  # a key whose meaning changes with the state (Esc)
                binding = dataclasses.replace(binding, description=description)
            items[binding.action] = FooterItem(binding, enabled, tooltip, order)
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            palette = active.get(self.app.COMMAND_PALETTE_BINDING)
            if palette is not None:
                _node, binding, enabled, tooltip = palette
                items[binding.action] = FooterItem(binding, enabled, tooltip or binding.tooltip, 10_000, True)
        return list(items.values())

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        width = self.size.width or self.app.size.width
        self._composed_width = width
        items = self._items()
        displays = {item.binding.action: self.app.get_key_display(item.binding) for item in items}
        kept = choose(items, self.priority, width, False, displays)
        compact = len(kept) < len(items)
        if compact:
            kept = choose(items, self.priority, width, True, displays)
        self.compact = compact
        self.shown = tuple(item.binding.action for item in kept)
        for item in kept:
            binding = item.binding
            yield FooterKey(
                binding.key,
                displays[binding.action],
                binding.description,
                binding.action,
                disabled=not item.enabled,
                tooltip=item.tooltip or (binding.description if item.palette else ""),
                classes="-command-palette" if item.palette else "",
            ).data_bind(compact=Footer.compact)

    def on_resize(self, event: events.Resize) -> None:
        """Choose again for the new width."""
        if self._bindings_ready and event.size.width != self._composed_width:
            self.call_after_refresh(self.recompose)
