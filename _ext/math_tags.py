"""Keep ``\\tag{...}`` working in display math that has line breaks.

Sphinx wraps a display equation whose text contains ``\\\\`` in ``\\begin{split} ... \\end{split}``,
and MathJax refuses a ``\\tag`` inside ``split``: it prints "\\tag not allowed in split environment"
in red on yellow in place of the equation (and axe-core flags that text's contrast).  The package's
docstrings tag their equations (``\\tag{nn.sgd.1}``) so code and text can be held side by side, and
some of those equations span several lines or use ``cases``.

For HTML output, such an equation is written out whole instead, with the tag outside the ``split``::

    \\begin{equation}\\begin{split} ... \\end{split}\\tag{nn.sgd.1}\\end{equation}

which is how amsmath itself numbers a multi-line equation.  Equations without a tag, with several
tags, with a Sphinx number (``:label:``) or already written out whole (``:nowrap:``) are unchanged.
"""

from __future__ import annotations

import re

from docutils import nodes

TAG = re.compile(r"\\tag\*?\{[^{}]*\}")


def tag_outside_split(latex: str) -> str | None:
    """The equation written out whole with its tag outside ``split``, or None if Sphinx would not wrap it."""
    parts = [p for p in latex.split("\n\n") if p.strip()]
    tags = TAG.findall(latex)
    if len(parts) != 1 or len(tags) != 1 or "\\\\" not in latex:
        return None
    body = TAG.sub("", latex).strip()
    return f"\\begin{{equation}}\\begin{{split}}{body}\\end{{split}}{tags[0]}\\end{{equation}}"


def rewrite_tagged_math(app, doctree: nodes.document, docname: str) -> None:
    if app.builder.format != "html":
        return
    for node in doctree.findall(nodes.math_block):
        if node.get("nowrap") or node.get("number"):
            continue
        whole = tag_outside_split(node.astext())
        if whole is not None:
            node.children = []
            node += nodes.Text(whole)
            node["nowrap"] = True


def setup(app):
    app.connect("doctree-resolved", rewrite_tagged_math)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}
