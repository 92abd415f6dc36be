# SPDX-License-Identifier: Apache-2.0
"""The fenced code blocks of the README and docs/*.md, with the marker that says how to check each.

A marker is an HTML comment (invisible once rendered) on the nearest non-blank line before the
opening fence:

    <!-- snippet: function -->        a C++ fragment: the body of a function (see check-doc-snippets)
    <!-- snippet: coroutine -->       a C++ fragment: the body of a coroutine
    <!-- snippet: test-support -->    a whole C++ file that uses the test support library and gtest
    <!-- snippet: skip: REASON -->    a C++ block that is not compiled, and why
    <!-- shell: test -->              a shell block that the ctest docs_shell_examples runs
    <!-- shell: test; expect: TEXT -->  ... and that must print TEXT (e.g. a server's URL line)
    <!-- shell: ci -->                a shell block that scripts/check-docs runs (builds, installs)
    <!-- shell: manual: REASON -->    a shell block that no check runs, and why

A C++ block without a marker is a whole translation unit. A shell block (```sh) must have a
marker, so that leaving one unchecked is a decision written down next to it.
"""

import dataclasses
import pathlib
import re

FENCE = re.compile(r"^(\s*)```\s*([A-Za-z0-9+_-]*)\s*$")
MARKER = re.compile(r"^\s*<!--\s*(snippet|shell):\s*(.*?)\s*-->\s*$")


@dataclasses.dataclass
class Block:
    page: str  # relative to the repository root
    line: int  # 1-based line of the first line of code (after the fence)
    lang: str
    code: str
    kind: str | None  # "snippet" or "shell" when marked
    marker: str | None  # the marker's text after "snippet:" / "shell:"

    @property
    def where(self) -> str:
        return f"{self.page}:{self.line - 1}"


def pages(root: pathlib.Path) -> list[pathlib.Path]:
    return [root / "README.md"] + sorted((root / "docs").glob("*.md"))


def blocks(root: pathlib.Path) -> list[Block]:
    found = []
    for page in pages(root):
        lines = page.read_text(encoding="utf-8").split("\n")
        i = 0
        while i < len(lines):
            m = FENCE.match(lines[i])
            if not m:
                i += 1
                continue
            indent, lang = m.group(1), m.group(2).lower()
            j = i + 1
            while j < len(lines) and not re.match(r"^\s*```\s*$", lines[j]):
                j += 1
            code = "\n".join(l[len(indent):] if l.startswith(indent) else l for l in lines[i + 1:j])
            kind = marker = None
            k = i - 1
            while k >= 0 and not lines[k].strip():
                k -= 1
            if k >= 0 and (mm := MARKER.match(lines[k])):
                kind, marker = mm.group(1), mm.group(2)
            found.append(Block(str(page.relative_to(root)), i + 2, lang, code + "\n", kind, marker))
            i = j + 1
    return found


def cpp_blocks(root: pathlib.Path) -> list[Block]:
    return [b for b in blocks(root) if b.lang in ("cpp", "c++", "cxx")]


def shell_blocks(root: pathlib.Path) -> list[Block]:
    return [b for b in blocks(root) if b.lang in ("sh", "bash", "shell", "console")]
