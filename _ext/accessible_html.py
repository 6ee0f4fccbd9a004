"""Fix, at their source, the WCAG 2.1 A/AA failures axe-core finds in the HTML the themes write.

Two pieces of markup come from code we do not own, so they are corrected where they are produced:

* The sidebar's collapsible sections.  pydata-sphinx-theme turns every table-of-contents entry that
  has children into ``<details><summary><span role="presentation"><i class="fa-..."></i></span>
  </summary>...``: a chevron icon and no text, so a screen reader announces only "disclosure
  triangle" (axe rule ``summary-name``).  We give each such ``<summary>`` the name of the entry it
  opens: ``aria-label="Sections of <entry title>"``.
* The bibliography.  docutils writes every citation as ``<div role="doc-biblioentry">`` inside a
  ``<div role="list">``.  DPUB-ARIA 1.1 deprecated ``doc-biblioentry`` (axe ``aria-deprecated-role``)
  and a ``list`` must own ``listitem`` children (axe ``aria-required-children``).  We write
  ``role="listitem"``, which is what DPUB-ARIA 1.1 asks for instead.

Colour contrast, the favicon and the theme's default mode are set in ``_static/`` and ``_config.yml``.
"""

from __future__ import annotations

import functools
from typing import Any

from docutils import nodes

SUMMARY_LABEL = "Sections of {title}"


def name_summaries(soup: Any) -> Any:
    """Give every nameless ``<summary>`` of a navigation tree the title of the entry it opens.

    ``soup`` is the BeautifulSoup tree pydata-sphinx-theme's ``generate_toctree_html("sidebar")``
    returns; it is changed in place and returned.  A ``<summary>`` that already has text or an
    ``aria-label`` is left alone.
    """
    for summary in soup.find_all("summary"):
        if summary.get("aria-label") or summary.get_text(strip=True):
            continue
        item = summary.find_parent("li")
        link = item.find("a", recursive=False) if item is not None else None
        title = " ".join(link.get_text(" ", strip=True).split()) if link is not None else ""
        summary["aria-label"] = SUMMARY_LABEL.format(title=title) if title else "Sections"
    return soup


def _wrap_toctree(app, pagename, templatename, context, doctree) -> None:
    generate = context.get("generate_toctree_html")
    if generate is None or getattr(generate, "_names_summaries", False):
        return

    @functools.cache
    def generate_toctree_html(kind: str, *args: Any, **kwargs: Any) -> Any:
        out = generate(kind, *args, **kwargs)
        return name_summaries(out) if kind == "sidebar" else out

    generate_toctree_html._names_summaries = True  # type: ignore[attr-defined]
    context["generate_toctree_html"] = generate_toctree_html


def visit_citation(self, node: nodes.citation) -> None:
    """Open a citation as a ``listitem`` of a ``list`` (docutils writes the deprecated role)."""
    if not isinstance(node.previous_sibling(), type(node)):
        self.body.append('<div role="list" class="citation-list">\n')
    self.body.append(self.starttag(node, "div", classes=[node.tagname], role="listitem"))


def depart_citation(self, node: nodes.citation) -> None:
    """Close the citation, and the list after the last one of a run."""
    self.body.append("</div>\n")
    if not isinstance(node.next_node(descend=False, siblings=True), type(node)):
        self.body.append("</div>\n")


def setup(app):
    # after pydata-sphinx-theme's own handler (priority 500) has put the function in the context
    app.connect("html-page-context", _wrap_toctree, priority=900)
    app.add_node(nodes.citation, override=True, html=(visit_citation, depart_citation))
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}
