"""The book's local Sphinx extension (_ext/terminal_streams.py)."""

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "_ext"))
from terminal_streams import terminal_text  # noqa: E402


def test_carriage_return_starts_the_line_over():
    keras_like = "Epoch 1/2\n\r 1/45 ETA 9s - loss: 2.3\b\b\b\b\r45/45 0s - loss: 1.9   \nEpoch 2/2\n"
    assert terminal_text(keras_like) == "Epoch 1/2\n45/45 0s - loss: 1.9\nEpoch 2/2\n"


def test_plain_text_is_unchanged():
    assert terminal_text("a\nb\n") == "a\nb\n"


def test_trailing_carriage_return_keeps_the_line():
    assert terminal_text("done\r\n") == "done\n"


# _ext/accessible_html.py: accessible names and ARIA roles the themes leave out
import accessible_html  # noqa: E402
from bs4 import BeautifulSoup  # noqa: E402
from docutils.core import publish_parts  # noqa: E402
from docutils.writers import html5_polyglot  # noqa: E402

SIDEBAR = """<ul class="nav bd-sidenav">
<li class="toctree-l1 has-children"><a class="reference internal" href="training.html">3. The   training
 algorithm</a><details><summary><span class="toctree-toggle" role="presentation"><i class="fa-solid
 fa-chevron-down"></i></span></summary><ul><li class="toctree-l2"><a href="loss.html">Loss</a></li></ul>
</details></li>
<li class="toctree-l0 has-children"><details><summary><p class="caption">Part</p></summary></details></li>
<li class="toctree-l1 has-children"><details><summary aria-label="kept"></summary></details></li>
</ul>"""


def test_every_nameless_summary_gets_the_title_of_its_entry():
    soup = accessible_html.name_summaries(BeautifulSoup(SIDEBAR, "html.parser"))
    first, caption, labelled = soup.find_all("summary")
    assert first["aria-label"] == "Sections of 3. The training algorithm"
    assert not caption.has_attr("aria-label"), "a summary with visible text keeps its own name"
    assert labelled["aria-label"] == "kept"


def _citations_html(translator=None) -> str:
    writer = html5_polyglot.Writer()
    if translator is not None:
        writer.translator_class = translator
    source = "See [A]_ and [B]_.\n\n.. [A] First.\n.. [B] Second.\n"
    return publish_parts(source, writer=writer, settings_overrides={"report_level": 5})["body"]


class _Translator(html5_polyglot.HTMLTranslator):
    visit_citation = accessible_html.visit_citation
    depart_citation = accessible_html.depart_citation


def test_citations_are_list_items_not_the_deprecated_biblioentry():
    assert 'role="doc-biblioentry"' in _citations_html(), "docutils' default, which axe flags"
    html = _citations_html(_Translator)
    assert "doc-biblioentry" not in html
    assert html.count('role="list"') == 1 and html.count('role="listitem"') == 2
    assert html.count("<div") == html.count("</div>")


# _ext/math_tags.py: \tag in multi-line display math
from math_tags import tag_outside_split  # noqa: E402


def test_a_tagged_multiline_equation_is_written_out_whole_with_the_tag_outside_split():
    latex = "m &\\leftarrow \\mu m - \\eta g \\\\\n w &\\leftarrow w + m\n\\tag{nn.sgd.1}"
    assert tag_outside_split(latex) == (
        "\\begin{equation}\\begin{split}m &\\leftarrow \\mu m - \\eta g \\\\\n w &\\leftarrow w + m"
        "\\end{split}\\tag{nn.sgd.1}\\end{equation}"
    )


def test_equations_sphinx_does_not_wrap_in_split_are_left_alone():
    assert tag_outside_split("a = b \\tag{x.1}") is None          # one line
    assert tag_outside_split("a \\\\ b") is None                  # no tag
    assert tag_outside_split("a \\\\ b \\tag{1}\n\nc \\tag{2}") is None  # several equations
