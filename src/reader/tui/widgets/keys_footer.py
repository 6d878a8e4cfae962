"""The footer of keys, rebuilt only when the keys it shows change.

Textual's footer rebuilds all its key widgets (about twenty here, each styled
anew) every time the screen says its bindings may have changed: on every focus
change, and whenever a widget asks for its keys to be checked again. Most of
those times nothing it shows differs; the rebuilds were a third of the app's
first paint.
"""

from __future__ import annotations

from collections.abc import Hashable

from textual.screen import Screen
from textual.widgets import Footer


def shown_keys(screen: Screen[object]) -> tuple[Hashable, ...]:
    """What the footer would show for the screen's bindings now."""
    return tuple(
        (binding.key, binding.key_display, binding.description, binding.action, enabled, tooltip)
        for _node, binding, enabled, tooltip in screen.active_bindings.values()
        if binding.show
    )


class KeysFooter(Footer):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown: tuple[Hashable, ...] | None = None

    def bindings_changed(self, screen: Screen[object]) -> None:
        if not (screen.app.app_focus and self.is_attached and screen is self.screen):
            # The footer does not rebuild now (Textual's own rule), so the
            # next change must not be taken for one already shown.
            self._shown = None
            super().bindings_changed(screen)
            return
        keys = shown_keys(screen)
        if keys == self._shown:
            return
        self._shown = keys
        super().bindings_changed(screen)
