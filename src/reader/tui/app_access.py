"""How screens, widgets and palette providers reach the app: through a typed
property, so `self.reader_app.follow_entity(...)` is checked by mypy (Textual
types `self.app` as any App)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from reader.core.service import Reader
    from reader.tui.app import ReaderApp


class ReaderAppAccess:
    """Mixed into a Textual node or command provider (both have `app`)."""

    @property
    def reader_app(self) -> ReaderApp:
        # The one untyped step: every node of this program runs in a ReaderApp.
        return cast("ReaderApp", cast(Any, self).app)

    @property
    def reader(self) -> Reader:
        """The core's one door (reader.core.service.Reader)."""
        return self.reader_app.reader
