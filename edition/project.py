"""Where things live: the project layout every stage reads from and writes to."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import EditionError, Location

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

    def refuse_links_outside(self) -> None:
        """Refuse a symbolic link below the project's input folders that leads outside the project:
        the build reads every file there (its fingerprint hashes them all)."""
        root = self.root.resolve()
        for folder in (self.tei, self.root / "bibliography", self.styles, self.root / "schema"):
            for link in _links_below(folder):
                target = link.resolve()
                if not target.is_relative_to(root):
                    raise EditionError(f"symbolic link to {target}, outside the project ({self.root}); "
                                       "copy the file into the project instead", Location(link),
                                       "link-outside")


def _links_below(folder: Path) -> Iterator[Path]:
    """Every symbolic link below ``folder`` (links to folders are not entered)."""
    if folder.is_symlink():
        yield folder
        return
    for parent, dirs, files in os.walk(folder):
        for name in (*dirs, *files):
            if os.path.islink(os.path.join(parent, name)):
                yield Path(parent, name)


def is_project_root(folder: Path) -> bool:
    """A folder with ``edition.toml``, or a repository's layout: ``tei/volume.xml`` beside ``styles/``."""
    return (folder / "edition.toml").is_file() or (
        (folder / "tei" / "volume.xml").is_file() and (folder / "styles").is_dir())


def project_root(volume: Path) -> Path:
    """The root of the project around a volume file: the nearest folder above it that is a project
    root, else the volume's own folder. Never the file system's root, which would let the volume
    include any file on the machine. (Symbolic links are judged from where the file is linked.)"""
    volume = Path(volume).absolute()
    for folder in volume.parents:
        if folder == Path(folder.anchor):
            break
        if is_project_root(folder):
            return folder
    if volume.parent == Path(volume.anchor):
        raise EditionError("a volume directly in the file system's root has no project around it; move it "
                           "into a folder of its own", Location(volume), "project-root")
    return volume.parent


def find_project(volume: Path | None = None) -> Project:
    """The project of a volume file (see ``project_root``), else the one around the working directory,
    else the package's own. Symbolic links leading out of it are refused."""
    if volume is not None:
        if not Path(volume).is_file():
            raise EditionError(f"volume file not found: {Path(volume).absolute()}")
        project = Project(project_root(volume))
        project.refuse_links_outside()
        return project
    for folder in (Path.cwd(), *Path.cwd().parents, PACKAGE_ROOT):
        if is_project_root(folder) and folder != Path(folder.anchor):
            project = Project(folder)
            project.refuse_links_outside()
            return project
    raise EditionError("no edition project here: expected tei/volume.xml and styles/ (or edition.toml) in "
                       "this folder or above")
