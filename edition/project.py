"""Where things live: the project layout every stage reads from and writes to, and the theme.

The theme is what a build is made with besides the TEI: templates, stylesheets, scripts, fonts,
hyphenation patterns, the CSL style. The package has one (``edition/theme/``, package data); a
project may override any of its files, one by one, by putting a file at the same path below its own
``styles/`` folder, as MkDocs' ``custom_dir`` does. ``Project.theme_file`` is the one place where that
lookup is made; a file on its own, with no ``styles/`` beside it, is built with the package's theme.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from edition.config import CONFIG_NAME, Config, load_config
from edition.errors import EditionError, Location

PACKAGE = Path(__file__).resolve().parent  # the installed package (edition/)
THEME = PACKAGE / "theme"  # the package's theme: every file a build needs has a default here
SCHEMAS = THEME / "schemas"  # tei_all and the profiles' schemas


@dataclass(frozen=True)
class Project:
    """A project folder and its settings (``edition.toml`` at ``root``, if any): where its volume,
    bibliographies, registers, theme overrides (``styles/``) and output are."""

    root: Path

    @cached_property
    def config(self) -> Config:
        """The project's settings: its edition.toml, else every default."""
        path = self.root / CONFIG_NAME
        return load_config(path if path.is_file() else None)

    @property
    def tei(self) -> Path:
        return self.volume.parent

    @property
    def volume(self) -> Path:
        return self.config.files.volume or self.root / "tei" / "volume.xml"

    @property
    def bibliographies(self) -> list[Path]:
        """The .bib files the texts cite: those edition.toml names, else every .bib in bibliography/."""
        return project_bibliographies(self.root, self.config)

    @property
    def registers(self) -> Path | None:
        """A TEI file of registers named in edition.toml (registers may also be included in the volume)."""
        return self.config.files.registers

    @property
    def validation_files(self) -> list[Path]:
        """The schema and Schematron edition.toml names (the build's validation reads them)."""
        validation = self.config.validation
        return [path for path in (validation.schema, validation.schematron) if path is not None]

    @property
    def styles(self) -> Path:
        """The project's own theme files (any of them may be missing: the package's are used)."""
        return self.root / "styles"

    @property
    def templates(self) -> Path:
        """The project's own templates folder (see ``template_folders`` for the lookup)."""
        return self.styles / "templates"

    @property
    def template_folders(self) -> list[Path]:
        """Where templates are looked up, in order: the project's own, then the package's."""
        return list(dict.fromkeys(folder.resolve() for folder in (self.templates, THEME / "templates")
                                  if folder.is_dir()))

    @property
    def theme_folders(self) -> list[Path]:
        """The folders theme files come from: the project's ``styles/`` (if any), then the package's."""
        return list(dict.fromkeys(folder.resolve() for folder in (self.styles, THEME) if folder.is_dir()))

    def theme_file(self, name: str) -> Path:
        """The theme file ``name`` (a path below ``styles/``, such as ``css/fonts.css``): the project's
        own if it has one, else the package's."""
        own = self.styles / name
        return own if own.is_file() else THEME / name

    def themed(self, path: Path) -> Path:
        """A path below the project's ``styles/`` or the package's theme, looked up as ``theme_file``
        does (a stylesheet's ``url(../fonts/…)`` may name a font the other folder holds); any other
        path unchanged."""
        path = Path(path)
        for folder in (self.styles, THEME):
            if path.is_relative_to(folder):
                return self.theme_file(path.relative_to(folder).as_posix())
        return path

    @property
    def csl(self) -> Path:
        """The CSL style edition.toml names: a .csl file of the project, or a shipped style by name
        (the project's styles/csl/ first, as any theme file)."""
        style = self.config.bibliography.style
        if style.endswith(".csl"):
            return (self.root / style).resolve()
        return self.theme_file(f"csl/{style}.csl")

    @property
    def hyphenation(self) -> Path:
        """The folder of the hyphenation patterns in force (the project's own Turkish patterns, or the
        package's)."""
        return self.theme_file("hyphenation/hyph_tr_TR.dic").parent

    @property
    def output(self) -> Path:
        return self.config.files.output or self.root / "output"

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


def project_bibliographies(root: Path, config: Config) -> list[Path]:
    """The .bib files of the project at ``root``: those ``config`` names, else every .bib in
    bibliography/ (merged into one bibliography: ``edition.bib.read.read_bibliographies``)."""
    if config.files.bibliography is not None:
        return list(config.files.bibliography)
    return sorted((root / "bibliography").glob("*.bib"))


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
    return (folder / CONFIG_NAME).is_file() or (
        (folder / "tei" / "volume.xml").is_file() and (folder / "styles").is_dir())


def project_root(volume: Path) -> Path:
    """The root of the project around a TEI file: the nearest folder above it that is a project root,
    else the file's own folder. Never the file system's root, which would let the file include any
    file on the machine."""
    volume = Path(volume).absolute()
    for folder in volume.parents:
        if folder == Path(folder.anchor):
            break
        if is_project_root(folder):
            return folder
    if volume.parent == Path(volume.anchor):
        raise EditionError("a TEI file directly in the file system's root has no project around it; move it "
                           "into a folder of its own", Location(volume), "project-root")
    return volume.parent


def find_project(volume: Path | None = None, purpose: str = "", start: Path | None = None) -> Project:
    """The project of a TEI file (see ``project_root``), else the one around ``start`` (the folder
    ``--project`` names, by default the working directory): that folder or the nearest above it that
    is a project (never the package's own: outside a project a command must be told what to work on;
    ``purpose`` says how). Symbolic links leading out of it are refused."""
    if volume is not None:
        if not Path(volume).is_file():
            raise EditionError(f"volume file not found: {Path(volume).absolute()}")
        project = Project(project_root(volume))
        project.refuse_links_outside()
        return project
    here = Path(start).absolute() if start is not None else Path.cwd()
    for folder in (here, *here.parents):
        if folder == Path(folder.anchor):
            break  # never the file system's root
        if is_project_root(folder) and Project(folder).volume.is_file():
            project = Project(folder)
            project.refuse_links_outside()
            return project
    where = f"in {here}" if start is not None else "here"
    raise EditionError(f"no edition project {where} (edition.toml, or tei/volume.xml and styles/, in this "
                       "folder or above; `edition new DIR` starts one)"
                       + (f"; {purpose}" if purpose else ""), rule="usage")
