"""The build, stage by stage: load → model → (validate) → HTML → PDF → files written atomically.

Each stage is a function of the previous stage's result; ``Timings`` records how long each took so
the command line can report progress and the benchmarks can read the same numbers.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .load import load_volume
from .model import VolumeModel, build_model
from .output import staged_directory, write_bytes
from .project import Project
from .render_html import Renderer, render_book, render_site

BOOK_CSS = ("styles/css/fonts.css", "styles/css/common.css", "styles/css/print.css")
SITE_CSS = ("fonts.css", "common.css", "screen.css")
SITE_FONTS = ("LinLibertine_R.otf", "LinLibertine_RI.otf", "LinLibertine_RB.otf",
              "LinLibertine_RBI.otf", "LinBiolinum_R.otf", "LinBiolinum_RB.otf")

Progress = Callable[[str], None]


@dataclass
class Timings:
    """Seconds spent in each stage, in the order the stages ran."""

    stages: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str, progress: Progress | None = None) -> Iterator[None]:
        if progress:
            progress(name)
        start = time.perf_counter()
        try:
            yield
        finally:
            self.stages[name] = self.stages.get(name, 0.0) + time.perf_counter() - start


@dataclass
class BuildOptions:
    pdf: bool = True
    html: bool = True
    out: Path | None = None
    only: str | None = None


@dataclass
class BuildResult:
    pdf: Path | None
    html: Path | None
    timings: Timings
    note_problems: list = field(default_factory=list)  # the footnote audit's findings


def load(project: Project, volume: Path | None, timings: Timings, progress: Progress | None) -> VolumeModel:
    with timings.stage("load", progress):
        tei = load_volume(volume or project.volume, project.root)
    with timings.stage("model", progress):
        model = build_model(tei)
    if project.bibliography.is_file():
        from .bibliography import CSL_STYLE, build_bibliography

        with timings.stage("bibliography", progress):
            model.bibliography = build_bibliography(project.bibliography, project.csl / CSL_STYLE)
    return model


def restrict(model: VolumeModel, only: str | None) -> VolumeModel:
    """The volume with a single article (``--only``)."""
    if not only:
        return model
    model.tei.article(only)  # raises a clear error for an unknown id
    model.articles = [a for a in model.articles if a.id == only]
    return model


def build(project: Project, options: BuildOptions, volume: Path | None = None,
          progress: Progress | None = None, timings: Timings | None = None) -> BuildResult:
    """Build the PDF and/or the HTML site of a volume into ``options.out``."""
    timings = timings or Timings()
    out = Path(options.out or project.output)
    model = restrict(load(project, volume, timings, progress), options.only)
    renderer = Renderer(project.templates)
    pdf_path = html_path = None
    problems: list = []
    if options.html:
        with timings.stage("html", progress):
            html_path = write_site(model, renderer, project, out / "html")
    if options.pdf:
        from .typeset import typeset  # WeasyPrint loads Pango: only when a PDF is wanted

        def book(folios):
            with timings.stage("html-book"):
                return render_book(model, renderer, list(BOOK_CSS), folios)

        with timings.stage("pdf", progress):
            pdf, problems = typeset(book, project, model.articles[0].id if model.articles else "")
        name = f"{options.only}.pdf" if options.only else "edition.pdf"
        pdf_path = out / name
        write_bytes(pdf_path, pdf)
    return BuildResult(pdf_path, html_path, timings, problems)


def write_site(model: VolumeModel, renderer: Renderer, project: Project, target: Path) -> Path:
    """Render the reading site and swap it into ``target`` in one move."""
    pages = render_site(model, renderer)
    with staged_directory(target) as staging:
        for name, text in pages.items():
            (staging / name).write_text(text, encoding="utf-8")
        (staging / "assets" / "css").mkdir(parents=True)
        (staging / "assets" / "fonts").mkdir()
        for name in SITE_CSS:
            shutil.copy2(project.css / name, staging / "assets" / "css" / name)
        for name in SITE_FONTS:
            shutil.copy2(project.fonts / name, staging / "assets" / "fonts" / name)
    return target
