"""Test-wide set-up: quiet TensorFlow (if a test imports it) and a non-interactive plot backend."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("MPLBACKEND", "Agg")

# The browser checks in tests/site need a built site and chromium: `make site-check` (part of `make test`)
# runs them with BOOK_SITE_TESTS=1, after building. A bare `pytest` on a fresh checkout leaves them out,
# so it runs every other test instead of stopping at "build the book first".
collect_ignore = [] if os.environ.get("BOOK_SITE_TESTS") == "1" else ["site"]
