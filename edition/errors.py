"""Errors that carry a location a person can act on."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Location:
    """A place in a file: 1-based line and column (0 when unknown)."""

    path: Path
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if not self.line:  # the whole file
            return display_path(self.path)
        return f"{display_path(self.path)}:{self.line}:{self.column}"


class EditionError(Exception):
    """A problem with the input; reported as one line, exit status 1: ``path:line:col: error: …`` with
    a ``location``, ``path: error: …`` with only a ``path``."""

    def __init__(self, message: str, location: Location | None = None, rule: str = "xml-load",
                 path: Path | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location
        self.rule = rule
        self.path = path

    def __str__(self) -> str:
        if self.location is not None:
            return f"{self.location}: error: {self.message}"
        if self.path is not None:
            return f"{display_path(self.path)}: error: {self.message}"
        return f"error: {self.message}"


def display_path(path: Path) -> str:
    """Show a path relative to the working directory when it lies below it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
