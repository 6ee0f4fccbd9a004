"""Print the notebooks listed in _toc.yml, one per line (used by the Makefile for nbval)."""

from __future__ import annotations

import pathlib
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]


def toc_notebooks(root: pathlib.Path = ROOT) -> list[pathlib.Path]:
    """Paths (relative to ``root``) of every ``.ipynb`` the table of contents lists, in order."""
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    found: list[pathlib.Path] = []

    def walk(entries: list[dict]) -> None:
        for entry in entries:
            if "file" in entry:
                path = root / (entry["file"] + ".ipynb")
                if path.exists():
                    found.append(path.relative_to(root))
            for key in ("chapters", "sections", "parts"):
                walk(entry.get(key, []))

    walk([{"file": toc["root"]}] + toc.get("chapters", []) + toc.get("parts", []))
    return found


if __name__ == "__main__":
    sys.stdout.write("".join(f"{p}\n" for p in toc_notebooks()))
