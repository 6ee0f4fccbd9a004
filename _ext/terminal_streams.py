"""Render a cell's stdout the way a terminal or JupyterLab shows it.

Progress bars (Keras's, tqdm's) redraw their line with backspaces and carriage returns.  JupyterLab
shows only the final state of such a line; myst-nb renders each chunk of output as its own block,
with the control characters printed as boxes.  This extension merges consecutive stdout blocks of a
cell and applies the one rule that matters: a carriage return starts the line over.
"""

from __future__ import annotations

from docutils import nodes


def terminal_text(text: str) -> str:
    """Apply carriage returns and drop backspaces, line by line."""
    lines = []
    for line in text.replace("\b", "").split("\n"):
        parts = [p for p in line.split("\r") if p]
        lines.append(parts[-1].rstrip() if parts else "")
    return "\n".join(lines)


def _is_stdout(node: nodes.Node) -> bool:
    return (
        isinstance(node, nodes.literal_block)
        and "output" in node.get("classes", [])
        and "stream" in node.get("classes", [])
    )


def merge_streams(app, doctree: nodes.document) -> None:
    for output in list(doctree.findall(nodes.container)):
        if "cell_output" not in output.get("classes", []):
            continue
        run: list[nodes.literal_block] = []
        for child in list(output.children) + [None]:
            if child is not None and _is_stdout(child):
                run.append(child)
                continue
            if run and any("\r" in b.astext() or "\b" in b.astext() for b in run):
                text = terminal_text("".join(b.astext() for b in run))
                kept = {k: run[0][k] for k in ("classes", "language") if k in run[0]}
                merged = nodes.literal_block(text, text, **kept)
                run[0].replace_self(merged)
                for b in run[1:]:
                    b.parent.remove(b)
            run = []


def setup(app):
    app.connect("doctree-read", merge_streams)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}
