"""Every write the app asks of the core is guarded (review12 finding 2).

A database error out of a Textual handler ends the app; test_busy_database.py
shows the guard working on a few keys. This reads the app's source and checks
the rest: each call of a `Reader` method that writes sits in a function that
is a `writes` handler, a `saving` callback, a thread worker (whose errors
reach the app's worker handler), or inside a `try` that catches them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import reader.tui

# Reader methods that write (reader.core.service and stories/facade.py),
# stories()/following()/digest() included: they group pending articles first.
WRITES = {
    "add_feeds",
    "add_feed",
    "remove_feed",
    "add_demo",
    "remove_demo",
    "import_opml",
    "refresh",
    "set_read",
    "set_starred",
    "mark_all_read",
    "tag",
    "tag_articles",
    "rename_tag",
    "delete_tag",
    "save_search",
    "delete_search",
    "set_preference",
    "correct_entities",
    "unignore_entity",
    "typed_alias",
    "add_entity_rule",
    "reanalyse",
    "reanalyse_all",
    "annotate",
    "note",
    "highlight",
    "add_note",
    "update_annotation",
    "delete_annotation",
    "reattach",
    "orphan_to_note",
    "import_notes",
    "follow",
    "unfollow",
    "mark_follow_seen",
    "read_by_reading",
    "group_pending",
    "stories",
    "following",
    "digest",
}
# Functions that write but are only called from guarded ones.
CALLED_FROM_GUARDED = {
    ("entity_legend.py", "save"),  # EntityColours.save, from MainScreen._set_colours
    ("annotating.py", "_save_highlight"),  # from the highlight dialog's saving callback
}


def _decorators(function: ast.FunctionDef) -> set[str]:
    names = set()
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Name):
            names.add(target.id)
        elif isinstance(target, ast.Attribute):
            names.add(target.attr)
    return names


def _is_reader(node: ast.expr) -> bool:
    """`reader`, `self.reader`, `app.reader`: the core's one door."""
    return (isinstance(node, ast.Name) and node.id == "reader") or (
        isinstance(node, ast.Attribute) and node.attr == "reader"
    )


def _catches_database_errors(node: ast.Try) -> bool:
    for handler in node.handlers:
        kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        for kind in kinds:
            name = kind.attr if isinstance(kind, ast.Attribute) else getattr(kind, "id", "")
            if kind is None or name in {"Exception", "BaseException", "Error"}:
                return True
    return False


def _unguarded(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[str] = []

    def visit(node: ast.AST, function: ast.FunctionDef | None, caught: bool = False) -> None:
        if isinstance(node, ast.FunctionDef):
            function, caught = node, False
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in WRITES
            and _is_reader(node.func.value)
        ):
            assert function is not None, f"{path.name}:{node.lineno}: a write outside a function"
            guarded = caught or _decorators(function) & {"writes", "saving", "work"}
            if not guarded and (path.name, function.name) not in CALLED_FROM_GUARDED:
                found.append(f"{path.name}:{node.lineno} {function.name}: {node.func.attr}")
        if isinstance(node, ast.Try):
            for child in node.body:
                visit(child, function, caught or _catches_database_errors(node))
            for part in (node.handlers, node.orelse, node.finalbody):
                for child in part:
                    visit(child, function, caught)
            return
        for child in ast.iter_child_nodes(node):
            visit(child, function, caught)

    visit(tree, None)
    return found


def test_every_write_of_the_app_is_guarded() -> None:
    sources = sorted(Path(reader.tui.__file__).parent.rglob("*.py"))
    assert len(sources) > 20
    unguarded = [line for path in sources for line in _unguarded(path)]
    assert unguarded == []


def test_the_check_sees_an_unguarded_write(tmp_path: Path) -> None:
    source = tmp_path / "screen.py"
    source.write_text(
        "class S:\n"
        "    @writes\n"
        "    def ok(self):\n"
        "        self.reader.set_read([1])\n"
        "    def bad(self):\n"
        "        def done(answer):\n"
        "            self.reader.delete_tag('x')\n"
        "        try:\n"
        "            self.reader.add_feed('u')\n"
        "        except ValueError:\n"
        "            self.reader.add_feed('v')\n"
        "        try:\n"
        "            self.reader.add_feed('w')\n"
        "        except Exception:\n"
        "            pass\n"
        "        return done\n",
        encoding="utf-8",
    )
    assert _unguarded(source) == [
        "screen.py:7 done: delete_tag",
        "screen.py:9 bad: add_feed",
        "screen.py:11 bad: add_feed",
    ]
