"""Scenario texts for the real-cost tests: a prelude with a source of 30 lines and the
types the cases use, and helpers to write steps and loops."""

from __future__ import annotations

PRELUDE = '''[scenario]
title = "what it costs"
{runtime}
[source]
code = """
package main
''' + "\n".join(f"// line {i}" for i in range(2, 31)) + '''
"""

[types.Node]
size = 24
pointers = ["next"]

[types.Record]
size = 1024

[types.Big]
size = 1000000000

[types.MiB]
size = 1048576
'''


def scenario(*steps: str, runtime: str = "") -> str:
    """A scenario of `steps`, each the keys of one [[step]] (`line = 4` unless given)."""
    out = PRELUDE.format(runtime=runtime)
    for keys in steps:
        out += "\n[[step]]\n" + ("" if keys.startswith("line =") else "line = 4\n") + keys.strip("\n") + "\n"
    return out


def loop(times: int, *body: str, mark: bool = False) -> str:
    """A loop step (`times` on its own line, marked `# <-` with `mark`) of inline body steps."""
    items = ", ".join("{ " + b + " }" for b in body)
    return f'do = "loop"\ntimes = {times}' + ("  # <-" if mark else "") + f"\nbody = [{items}]"


def marked_line(text: str) -> int:
    """The line that ends with `# <-`."""
    lines = [i for i, line in enumerate(text.splitlines(), 1) if line.rstrip().endswith("# <-")]
    assert len(lines) == 1
    return lines[0]


NODE_LIST = ('do = "new", var = "node", type = "Node"', 'do = "assign", target = "node.next", value = "head"',
             'do = "assign", target = "head", value = "node"')
"""A loop body that pushes a new Node onto the list `head` (each iteration keeps its node)."""
