"""The README and docs/*.md link only to files inside the repository, and those files exist:
a reader of the project (or of its wheel's source) must never follow a link out of it."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
# [text](target) and ![alt](target); the target ends at whitespace or the closing parenthesis.
_LINK = re.compile(r"!?\[[^\]]*\]\(\s*(?:<([^>]+)>|([^)\s]+))(?:\s+\"[^\"]*\")?\s*\)")
_REFERENCE = re.compile(r"^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$", re.MULTILINE)


def relative_links(text: str) -> list[str]:
    targets = [a or b for a, b in _LINK.findall(text)] + _REFERENCE.findall(text)
    return [t for t in targets if not re.match(r"[a-z][a-z0-9+.-]*:|#", t, re.IGNORECASE)]


def test_the_link_finder_sees_every_form():
    text = (
        '[a](docs/x.md) ![b](docs/p.png "title") [c](https://example.org) [d](#top)\n'
        "[e](../shared/spec/guide.md#part) [f](<docs/with space.md>)\n[g]: docs/ref.md\n"
    )
    assert relative_links(text) == [
        "docs/x.md",
        "docs/p.png",
        "../shared/spec/guide.md#part",
        "docs/with space.md",
        "docs/ref.md",
    ]


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_point_to_files_inside_the_repository(document):
    problems = []
    for target in relative_links(document.read_text(encoding="utf-8")):
        path = (document.parent / unquote(target.split("#", 1)[0])).resolve()
        if not path.is_relative_to(ROOT):
            problems.append(f"{target}: outside the repository")
        elif not path.exists():
            problems.append(f"{target}: no such file")
    assert problems == []


def test_the_schema_reference_is_linked_from_the_readme():
    assert "docs/schema.md" in relative_links((ROOT / "README.md").read_text(encoding="utf-8"))


def test_the_schema_reference_names_every_table_column_and_index():
    from db.models import Base

    schema = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    missing = []
    for table in Base.metadata.sorted_tables:
        names = [table.name, *(c.name for c in table.columns)]
        names += [i.name for i in table.indexes]
        missing += [f"{table.name}: {n}" for n in names if f"`{n}`" not in schema]
    assert missing == []
