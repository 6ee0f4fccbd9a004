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
