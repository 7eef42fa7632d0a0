"""The runtime core stays free of UI code (DESIGN.md: it imports neither textual nor rich)."""

from __future__ import annotations

import ast
from pathlib import Path

import gomemtui.runtime

RUNTIME_DIR = Path(gomemtui.runtime.__file__).parent


def test_runtime_core_imports_neither_textual_nor_rich():
    offenders = []
    for path in sorted(RUNTIME_DIR.rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                if name.split(".")[0] in ("textual", "rich", "gomemtui.ui"):
                    offenders.append(f"{path.name}: {name}")
                if name.startswith("gomemtui.ui"):
                    offenders.append(f"{path.name}: {name}")
    assert offenders == []
    assert len(list(RUNTIME_DIR.rglob("*.py"))) > 10  # the check really looked at the core
