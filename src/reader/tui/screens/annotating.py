"""The main screen's tags and annotations: tag editing (one article or the
marked ones), tag renames and deletes from the sidebar, highlights and notes
from the reading pane, the annotations panel and the all-annotations screen.

MainScreen is built on this class, which keeps the annotation flows apart
from the reading and list code.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget

from reader.core.models import Annotation, AnnotationFilter, Article, ViewKey
from reader.core.service import NotFoundError
from reader.tui.app_access import ReaderAppAccess
from reader.tui.screens.annotations import AnnotationsScreen
from reader.tui.screens.dialogs import ConfirmDialog
from reader.tui.screens.highlight_dialog import AnnotationDialog, AnnotationEdit, shorten
from reader.tui.screens.tag_editor import RenameTagDialog, TagEditor
from reader.tui.text import plural
from reader.tui.widgets.annotations_panel import AnnotationsPanel
from reader.tui.widgets.article_list import ArticleList
from reader.tui.widgets.entity_panel import EntityPanel
from reader.tui.widgets.reading_pane import ReadingPane
from reader.tui.widgets.sidebar import Sidebar
from reader.tui.writes import ShowsRows, saving, writes


class AnnotatingScreen(ReaderAppAccess, ShowsRows, Screen[None]):
    BINDINGS = [
        Binding("t", "edit_tags", "Tags", id="main.tags"),
        Binding("N", "article_note", "Note", show=False, id="main.article_note"),
        Binding("H", "toggle_annotations", "Annotations", id="main.annotations_panel"),
        Binding("at", "all_annotations", "All annotations", show=False, id="main.all_annotations"),
    ]

    def _pane(self) -> ReadingPane:
        return self.query_one(ReadingPane)

    def _panel(self) -> AnnotationsPanel | None:
        panels = self.query(AnnotationsPanel)
        return panels.first() if panels else None

    def article_annotations(self, article_id: int) -> list[Annotation]:
        """The article's annotations, for the reading pane; the panel shows them too."""
        annotations = self.reader.annotations(AnnotationFilter(article_id=article_id))
        panel = self._panel()
        if panel is not None:
            panel.show(annotations)
        return annotations

    def _annotations_changed(self) -> None:
        pane = self._pane()
        if pane.article is not None:
            pane.set_highlights(self.article_annotations(pane.article.summary.id))

    def _confirm_delete(self, annotation: Annotation) -> None:
        what = annotation.exact if annotation.kind == "highlight" else annotation.note
        question = Content("Delete this annotation?\n") + Content(
            "“" + shorten(what, 120) + "”"
        ).stylize("italic")

        @saving(self)
        def answered(yes: bool | None) -> None:
            if yes:
                self.reader.delete_annotation(annotation.id)
                self._pane().action_cancel_selection()
                self._annotations_changed()

        self.app.push_screen(ConfirmDialog(question, yes="Delete"), answered)

    # -- highlights and notes --------------------------------------------------------

    @on(ReadingPane.Annotate)
    def _annotate(self, event: ReadingPane.Annotate) -> None:
        article = self._pane().article
        if article is None:
            return
        existing = event.annotation
        start, end = event.start, event.end
        quote = article.text[start:end]

        # Not saved (a busy database, the article or annotation gone): the
        # dialog again, with what was typed.
        @saving(self, again=lambda edit: self._edit(existing, quote, done, draft=edit))
        def done(edit: AnnotationEdit | None) -> None:
            if edit is None:
                return
            if existing is not None:
                try:
                    self.reader.update_annotation(
                        existing.id, note=edit.note, color=edit.color, tags=edit.tags
                    )
                except ValueError as exc:
                    self.notify(str(exc), severity="warning", markup=False)
            else:
                self._save_highlight(article, start, end, edit)
            self._pane().action_cancel_selection()
            self._annotations_changed()

        self._edit(existing, quote, done)

    def _save_highlight(self, article: Article, start: int, end: int, edit: AnnotationEdit) -> None:
        """Highlight article.text[start:end], the text the user saw.

        A refresh (the app's own, or another process) may have changed the
        text while the dialog was open: the store then refuses the offsets
        (they would be other words). What the user typed is kept all the same,
        as a highlight a moment earlier would have been by that refresh: on the
        same words in the new text if the anchoring algorithm finds them, or
        else as an article note that quotes the passage. Each time, said.
        """
        article_id = article.summary.id
        try:
            self.reader.highlight(
                article_id,
                start,
                end,
                note=edit.note,
                color=edit.color,
                tags=edit.tags,
                text_sha=article.text_sha,
            )
            return
        except ValueError as exc:
            if self.reader.article(article_id).text_sha == article.text_sha:
                # Not a changed text: an empty selection, say.
                self.notify(str(exc), severity="warning", markup=False)
                return
        changed = "The article's text changed while the dialog was open (a refresh updated it)"
        placed = self.reader.passage_now(article_id, article.text, start, end)
        if placed is not None:
            new_start, new_end, new_sha = placed
            try:
                self.reader.highlight(
                    article_id,
                    new_start,
                    new_end,
                    note=edit.note,
                    color=edit.color,
                    tags=edit.tags,
                    text_sha=new_sha,
                )
            except ValueError:
                pass  # changed once more, this very moment: kept as a note below
            else:
                self.notify(f"{changed}; the highlight is on the same words in it.", markup=False)
                return
        quoted = "\n".join("> " + line for line in article.text[start:end].strip().splitlines())
        note = f"{quoted}\n\n{edit.note}" if edit.note else quoted
        self.reader.add_note(article_id, note, tags=edit.tags)
        self.notify(
            f"{changed}, and the passage is no longer in it: your note is kept as an"
            " article note that quotes the passage (H shows it).",
            severity="warning",
            markup=False,
        )

    def _edit(
        self,
        existing: Annotation | None,
        quote: str | None,
        done: Callable[[AnnotationEdit | None], None],
        draft: AnnotationEdit | None = None,
    ) -> None:
        """The annotation dialog: new, or editing `existing`; filled with `draft`
        (what the user typed before a save that failed) if given."""
        names = self.reader.tag_names()
        saved = None
        if existing is not None:
            quote = existing.exact if existing.kind == "highlight" else None
            saved = AnnotationEdit(existing.color, existing.note, list(existing.tags))
            draft = draft or saved
        if draft is None:
            dialog = AnnotationDialog(quote, names)
        else:
            dialog = AnnotationDialog(
                quote,
                names,
                color=draft.color,
                note=draft.note,
                tags=draft.tags,
                editing=existing is not None,
                saved=saved,
            )
        self.app.push_screen(dialog, done)

    @on(ReadingPane.DeleteHighlight)
    def _delete_highlight(self, event: ReadingPane.DeleteHighlight) -> None:
        self._confirm_delete(event.annotation)

    def action_article_note(self) -> None:
        article = self._pane().article
        if article is None:
            self.notify("Open an article first.", markup=False)
            return
        article_id = article.summary.id

        @saving(self, again=lambda edit: self._edit(None, None, done, draft=edit))
        def done(edit: AnnotationEdit | None) -> None:
            if edit is not None and (edit.note.strip() or edit.tags):
                self.reader.add_note(article_id, edit.note, tags=edit.tags)
                self._annotations_changed()

        self._edit(None, None, done)

    # -- the panel ------------------------------------------------------------------

    async def close_annotations_panel(self) -> None:
        panel = self._panel()
        if panel is not None:
            focused = panel.has_focus
            await panel.remove()
            if focused:
                self._pane().focus()

    async def action_toggle_annotations(self) -> None:
        if self._panel() is not None:
            await self.close_annotations_panel()
            return
        # One panel at a time under the article, so its text keeps some room.
        for entity_panel in self.query(EntityPanel):
            entity_panel.display = False
        panel = AnnotationsPanel(id="annotations-panel")
        # Under the article, so the text keeps its width (the sidebar and the
        # list leave no room for a third column at 120 or 80 columns).
        pane = self._pane()
        if isinstance(pane.parent, Widget):
            await pane.parent.mount(panel, after=pane)
        self._annotations_changed()
        if self._pane().article is None:
            panel.show([])
        panel.focus()

    @on(AnnotationsPanel.Chosen)
    @writes
    def _chosen(self, event: AnnotationsPanel.Chosen) -> None:
        annotation = event.annotation
        pane = self._pane()
        if event.action == "delete":
            self._confirm_delete(annotation)
        elif event.action == "keep":
            self.reader.orphan_to_note(annotation.id)
            self._annotations_changed()
        elif event.action == "reattach":
            selection = pane.selection
            if selection is None:
                self.notify(
                    "Select the text first: v in the article, then move; then r here.",
                    markup=False,
                )
                return
            article = pane.article
            try:
                self.reader.reattach(
                    annotation.id,
                    *selection,
                    text_sha=article.text_sha if article is not None else None,
                )
            except (ValueError, NotFoundError) as exc:
                self.notify(str(exc), severity="warning", markup=False)
            pane.action_cancel_selection()
            self._annotations_changed()
        elif annotation.start is not None and annotation.end is not None:
            if annotation.state != "orphan":
                pane.place_cursor(annotation.start)
                pane.focus()
        else:
            self._edit_from_panel(annotation)

    def _edit_from_panel(self, annotation: Annotation) -> None:
        @saving(self, again=lambda edit: self._edit(annotation, None, done, draft=edit))
        def done(edit: AnnotationEdit | None) -> None:
            if edit is not None:
                self.reader.update_annotation(
                    annotation.id, note=edit.note, color=edit.color, tags=edit.tags
                )
                self._annotations_changed()

        self._edit(annotation, None, done)

    # -- all annotations ------------------------------------------------------------

    def action_all_annotations(self) -> None:
        def chosen(annotation: Annotation | None) -> None:
            if annotation is None:
                return
            self.reader_app.jump_to_article(annotation.article_id)
            pane = self._pane()
            pane.focus()
            if annotation.start is not None and annotation.state != "orphan":
                # After the layout, when the pane knows its width and lines.
                self.call_after_refresh(pane.place_cursor, annotation.start)

        self.app.push_screen(AnnotationsScreen(self.reader), chosen)

    # -- tags -----------------------------------------------------------------------

    def action_edit_tags(self) -> None:
        articles = self.query_one(ArticleList)
        ids = sorted(articles.marked) or (
            [articles.current_id] if articles.current_id is not None else []
        )
        # Marked articles may have gone since (unsubscribed, pruned).
        summaries = self.reader.summaries(ids)
        ids = [s.id for s in summaries]
        articles.marked.intersection_update(ids)
        if not ids:
            return
        shared = [t for t in summaries[0].tags if all(t in s.tags for s in summaries)]

        @saving(self)
        def done(change: tuple[list[str], list[str]] | None) -> None:
            if change is None:
                return
            added, removed = change
            if added:
                self.reader.tag_articles(ids, added)
            if removed:
                self.reader.tag_articles(ids, removed, remove=True)
            articles.marked.clear()
            self._tags_changed()
            if len(ids) > 1:
                self.notify(f"Tagged {plural(len(ids), 'article')}.", markup=False)

        self.app.push_screen(TagEditor(len(ids), shared, self.reader.tag_names()), done)

    def _tags_changed(self) -> None:
        # The sidebar's counts, the list's rows, and the pane's article if it
        # was deleted meanwhile (then the list's article shows instead).
        self.reload_rows()
        pane = self._pane()
        if pane.article is not None:
            pane.refresh_header(self.reader.article(pane.article.summary.id))

    @on(Sidebar.TagRequested)
    def _tag_requested(self, event: Sidebar.TagRequested) -> None:
        name = event.name
        if event.action == "rename":

            @saving(self)
            def renamed(new: str | None) -> None:
                if new:
                    try:
                        self.reader.rename_tag(name, new)
                    except (ValueError, NotFoundError) as exc:
                        self.notify(str(exc), severity="warning", markup=False)
                        return
                    self._tags_changed()
                    self.query_one(Sidebar).select(ViewKey.tag(new))

            self.app.push_screen(RenameTagDialog(name, self.reader.tag_names()), renamed)
            return

        @saving(self)
        def deleted(yes: bool | None) -> None:
            if yes:
                count = self.reader.delete_tag(name)
                self.notify(f"Removed #{name} from {plural(count, 'article')}.", markup=False)
                self._tags_changed()

        question = (
            Content("Delete the tag ")
            + Content(f"#{name}").stylize("bold")
            + Content(" from every article and highlight?")
        )
        self.app.push_screen(ConfirmDialog(question, yes="Delete"), deleted)
