"""Where things live: the project layout every stage reads from and writes to."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import EditionError

PACKAGE_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Project:
    """A project folder: ``tei/``, ``bibliography/``, ``styles/`` and ``output/`` below ``root``."""

    root: Path

    @property
    def tei(self) -> Path:
        return self.root / "tei"

    @property
    def volume(self) -> Path:
        return self.tei / "volume.xml"

    @property
    def bibliography(self) -> Path:
        return self.root / "bibliography" / "edition.bib"

    @property
    def styles(self) -> Path:
        return self.root / "styles"

    @property
    def templates(self) -> Path:
        return self.styles / "templates"

    @property
    def css(self) -> Path:
        return self.styles / "css"

    @property
    def fonts(self) -> Path:
        return self.styles / "fonts"

    @property
    def hyphenation(self) -> Path:
        return self.styles / "hyphenation"

    @property
    def csl(self) -> Path:
        return self.styles / "csl"

    @property
    def output(self) -> Path:
        return self.root / "output"

    def contains(self, path: Path) -> bool:
        return Path(path).resolve().is_relative_to(self.root.resolve())


def find_project(volume: Path | None = None, purpose: str = "") -> Project:
    """The project of a volume file (its folder's parent), else the one around the working directory
    (never the package's own: outside a project a command must be told what to work on; ``purpose``
    says how)."""
    if volume is not None:
        volume = Path(volume).resolve()
        if not volume.is_file():
            raise EditionError(f"volume file not found: {volume}")
        return Project(volume.parent.parent)
    for folder in (Path.cwd(), *Path.cwd().parents):
        if (folder / "tei" / "volume.xml").is_file() and (folder / "styles").is_dir():
            return Project(folder)
    raise EditionError("no edition project here (tei/volume.xml and styles/ in this folder or above)"
                       + (f"; {purpose}" if purpose else ""), rule="usage")
