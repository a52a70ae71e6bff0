"""The build, stage by stage: load → model → (validate) → HTML → PDF → files written atomically.

Each stage is a function of the previous stage's result; ``Timings`` records how long each took so
the command line can report progress and the benchmarks can read the same numbers.

Builds are incremental: a fingerprint of every input tells when there is nothing to do, and the
typesetter lays out again only the parts of the book whose HTML changed (``buildcache.py``).

A build holds the output folder's lock throughout, writes its outputs into a staging folder and puts
them in place together at the end (``output.py``): stopped at any moment, it leaves the previous PDF
and site, or the new ones. The processes it starts die with it (``processes.py``).
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import shutil
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

from markupsafe import Markup

from edition.buildcache import (
    DamagedEntryError,
    LayoutCache,
    Manifest,
    digest_files,
    discard_damaged,
    read_json,
    tree_files,
)
from edition.errors import display_path
from edition.output import BuildLock, OutputSet, recover, staged_directory, write_bytes, write_text
from edition.print.settings import settings_stylesheet
from edition.processes import become_child, forking
from edition.processing.rules import project_model
from edition.project import PACKAGE, Project
from edition.render.fonts import embedded_fonts
from edition.render.html import Renderer, render_site
from edition.tei.load import attach_registers, default_language, load_volume
from edition.tei.model import VolumeModel, build_model, model_parts

BOOK_CSS = ("styles/css/fonts.css", "styles/css/page.css", "styles/css/common.css", "styles/css/print.css")
FOLIO_CSS = ("styles/css/fonts.css", "styles/css/page.css", "styles/css/folios.css")
BIBLIOGRAPHY_CACHE = "1"  # bump when what is kept of pandoc's output changes
# The code whose change alters a part's layout (the rest changes the HTML, which is hashed itself).
LAYOUT_CODE = ("print/layout.py", "print/audit.py", "print/setting.py", "print/lines.py",
               "print/html_tree.py", "print/hyphenation.py", "print/weasy.py", "i18n/language.py")
SITE_CSS = ("common.css", "screen.css")  # and fonts.css, made for the site's fonts (write_site)
SITE_JS = ("settings.js", "site.js", "search.js")
FONTS_NOTE = ("/* The theme's fonts (css/fonts.css) as WOFF2, subset to the characters of these pages "
              "(edition/render/fonts.py). */\n")

Progress = Callable[[str], None]
log = logging.getLogger("output")  # its warnings show under --verbose


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
    epub: bool = False  # an EPUB 3 beside the other outputs
    out: Path | None = None
    only: str | None = None
    jobs: int = field(default_factory=lambda: len(os.sched_getaffinity(0)))
    incremental: bool = True  # reuse the last build's layouts and skip a build with nothing changed
    validate: bool = False  # check the volume (schema and edition rules) as part of the build
    force: bool = False  # build even when that check finds errors


class InvalidVolumeError(Exception):
    """The volume has validation errors (and the build was not forced): nothing was written."""

    def __init__(self, findings: list) -> None:
        super().__init__(f"{len(findings)} validation errors")
        self.findings = findings


@dataclass
class BuildResult:
    pdf: Path | None
    html: Path | None
    timings: Timings
    epub: Path | None = None
    note_problems: list = field(default_factory=list)  # the footnote audit's findings
    up_to_date: bool = False  # nothing had changed: nothing was built
    laid_out: list[str] = field(default_factory=list)  # each layout made (a measured part twice)
    early: list[str] = field(default_factory=list)  # parts laid out before the book was rendered
    unresolved_links: set[str] = field(default_factory=set)
    findings: list = field(default_factory=list)  # the validation's findings (errors only if forced)
    font_gaps: list = field(default_factory=list)  # characters no vendored font covers (coverage.Gap)
    unruled: Counter = field(default_factory=Counter)  # elements without a processing-model row


class BuildState:
    """Where a build's outputs and caches live, and whether its inputs changed since the last one."""

    def __init__(self, project: Project, options: BuildOptions, volume: Path | None = None) -> None:
        self.project = project
        self.options = options
        self.volume = Path(volume or project.volume)
        self.out = Path(options.out or project.output)
        self.name = f"{options.only}.pdf" if options.only else "edition.pdf"
        self.cache = self.out / ".cache"

    @cached_property
    def manifest(self) -> Manifest:
        """The last build's manifest (read when first asked: by ``build``, once it holds the lock)."""
        return Manifest(self.cache / f"manifest-{Path(self.name).stem}.json")

    @property
    def pdf_path(self) -> Path | None:
        return self.out / self.name if self.options.pdf else None

    @property
    def html_path(self) -> Path | None:
        return self.out / "html" if self.options.html else None

    @property
    def epub_path(self) -> Path | None:
        return self.out / f"{Path(self.name).stem}.epub" if self.options.epub else None

    @cached_property
    def fingerprint(self) -> str:
        """A hash of every input: the TEI folder, the bibliographies and registers edition.toml names
        (wherever they are in the project), styles, schemas, settings, code and options."""
        root = self.project.root
        project = self.project
        files = tree_files(*self.tei_inputs(), root / "bibliography", *project.bibliographies,
                           *filter(None, (project.registers, *project.validation_files)),
                           *project.theme_folders, root / "schema", root / "edition.toml", PACKAGE)
        options = self.options
        salt = (f"{self.volume.resolve()}|{options.pdf}|{options.html}|{options.epub}|{options.only}|"
                f"{_versions()}")
        return digest_files(files, salt)

    def tei_inputs(self) -> list[Path]:
        """The TEI a build reads: the project's ``tei/`` folder for a volume there; for a file
        elsewhere (a document on its own), the file and the XML files beside it (which it may
        include), not the whole folder it happens to sit in (nor the output folder inside it)."""
        folder = self.volume.parent
        if folder.resolve() == self.project.tei.resolve():
            return [folder]
        return [self.volume, *(p for p in folder.glob("*.xml") if p.is_file() and p != self.volume)]

    def up_to_date(self) -> bool:
        """True when the last build had the same inputs and its outputs are still there."""
        outputs = [p for p in (self.pdf_path, self.html_path, self.epub_path) if p is not None]
        return (self.options.incremental and all(p.exists() for p in outputs)
                and self.manifest.fingerprint == self.fingerprint)

    def layout_cache(self) -> LayoutCache:
        project = self.project
        stylesheets = [project.themed(project.root / name) for name in dict.fromkeys(BOOK_CSS + FOLIO_CSS)]
        files = stylesheets + tree_files(*(folder / kind for folder in project.theme_folders
                                           for kind in ("fonts", "hyphenation"))) + [
            PACKAGE / name for name in LAYOUT_CODE]
        salt = f"{_versions()}|{settings_stylesheet(project.config.print)}"  # edition.toml's [print]
        return LayoutCache(self.cache / "layout", digest_files(files, salt), reuse=self.options.incremental)


def book_stylesheets(project: Project) -> tuple[list[str], list[str]]:
    """The stylesheets of the book's parts and of its folio sheet: the theme's, then the one made
    from edition.toml's [print] (page size, fonts)."""
    settings = settings_stylesheet(project.config.print)
    return [*BOOK_CSS, settings], [*FOLIO_CSS, settings]


@cache
def _versions() -> str:
    from importlib.metadata import version

    return "|".join(f"{name}={version(name)}" for name in ("weasyprint", "pydyf", "pikepdf"))


def load(project: Project, volume: Path | None, timings: Timings, progress: Progress | None) -> VolumeModel:
    """The volume's model with its bibliography."""
    model = read_volume(project, volume, timings, progress)
    attach_bibliography(model, BibliographyStage(project, timings, progress, lang=model.lang).result())
    return model


def read_volume(project: Project, volume: Path | None, timings: Timings,
                progress: Progress | None) -> VolumeModel:
    with timings.stage("load", progress):
        tei = load_volume(volume or project.volume, project.root)
        attach_registers(tei, project.registers, project.root)
        default_language(tei, project.config.project.text_language)
    with timings.stage("model", progress):
        return build_model(tei, project.config)


def attach_bibliography(model: VolumeModel, bibliography) -> None:
    """The formatted bibliography joins the model. Without one (a document on its own), a
    ``bib:`` pointer has no entry to link to: its citation stays the authors' words, unlinked."""
    model.bibliography = bibliography
    if bibliography is None:
        for text in filter(None, (model.introduction, *model.articles)):
            text.citations = {}


class BibliographyStage:
    """The unified bibliography, formatted by pandoc's citeproc in a thread of its own: pandoc is a
    process of its own, so the build goes on meanwhile. ``result()`` waits for it (None: no file).

    pandoc's output is kept in the build's cache, keyed by the .bib file, the CSL style, our code
    and the pandoc binary: a build that changed none of them formats nothing (with ``reuse`` off, a cold
    build, the cache is written but not read)."""

    def __init__(self, project: Project, timings: Timings, progress: Progress | None,
                 cache: Path | None = None, reuse: bool = True, lang: str = "en") -> None:
        self.value = None
        self.error: BaseException | None = None
        self.thread: threading.Thread | None = None
        self.writing = threading.Lock()
        self.abandoned = False  # the build failed: its output folder is no longer ours to write
        bibs = [bib for bib in project.bibliographies if bib.exists()]  # not a file: refused when read
        if bibs:
            if progress:
                progress("bibliography")
            self.thread = threading.Thread(target=self._run, args=(project, bibs, lang, timings, cache,
                                                                   reuse), daemon=True)
            self.thread.start()

    def _run(self, project: Project, bibs: list[Path], lang: str, timings: Timings, cache: Path | None,
             reuse: bool) -> None:
        from edition.bib.bibliography import build_bibliography

        try:
            with timings.stage("bibliography"):
                csl = project.csl
                key = _formatted_key(bibs, csl, lang) if cache is not None else None
                stored = cache / f"bibliography-{key[:32]}.json" if key else None
                formatted = _read_formatted(stored) if stored is not None and reuse else None
                self.value = build_bibliography(bibs, csl, formatted, lang)
                formatted_now = stored is not None and formatted is None
                # Not kept if the files changed while pandoc read them.
                if formatted_now and _formatted_key(bibs, csl, lang) == key:
                    with self.writing:
                        if not self.abandoned:
                            _write_formatted(stored, {r.key: str(r.html) for r in self.value.entries})
        except BaseException as exc:  # handed to the caller of result()
            self.error = exc

    def abandon(self) -> None:
        """The build failed: write nothing more into its output folder (which may be removed)."""
        with self.writing:
            self.abandoned = True

    def result(self):
        if self.thread is not None:
            self.thread.join()
        if self.error is not None:
            raise self.error
        return self.value


def _formatted_key(bibs: list[Path], csl: Path, lang: str) -> str | None:
    """What pandoc's output for the bibliography depends on: the .bib files, the CSL style, the code
    that runs pandoc and keeps its output, and the pandoc binary (a large file: known by its size and
    time). None when pandoc cannot be found (the bibliography stage then reports it)."""
    from edition.pandoc import pandoc_binary

    try:
        pandoc = pandoc_binary().stat()
    except OSError:
        return None
    salt = f"{BIBLIOGRAPHY_CACHE}|{lang}|{pandoc.st_size}|{pandoc.st_mtime_ns}"
    return digest_files([*bibs, csl, PACKAGE / "bib" / "bibliography.py"], salt)


def _read_formatted(path: Path) -> dict[str, Markup] | None:
    """pandoc's kept output; None when absent or damaged (pandoc formats again)."""
    try:
        formatted = read_json(path)
        if not (isinstance(formatted, dict) and all(isinstance(html, str) for html in formatted.values())):
            raise DamagedEntryError("not a table of formatted entries")
    except OSError:
        return None
    except DamagedEntryError as damage:
        discard_damaged(path, damage)
        return None
    return {key: Markup(html) for key, html in formatted.items()}


def _write_formatted(path: Path, formatted: dict[str, str]) -> None:
    for old in path.parent.glob("bibliography-*.json"):  # one entry: the bibliography last formatted
        old.unlink(missing_ok=True)
    write_text(path, json.dumps(formatted, ensure_ascii=False), sync=False)


class ValidationStage:
    """The volume's validation, in a process forked before the build starts its own work, so that
    it runs on a core the build leaves idle until the layout begins. A plain process and a pipe:
    no thread is left in this process to trouble the layout workers forked later."""

    def __init__(self, state: BuildState) -> None:
        context = multiprocessing.get_context("fork")
        self.receiver, sender = context.Pipe(duplex=False)
        self.process = context.Process(target=_validate_into, daemon=True,
                                       args=(sender, state.volume, state.project.root, os.getpid()))
        with forking():
            self.process.start()
        sender.close()
        self.received = False

    def findings(self, timings: Timings) -> list:
        try:
            outcome = self.receiver.recv()
        except EOFError:
            raise RuntimeError("the validation process ended without a result") from None
        finally:
            self.received = True
            self.close()
        if isinstance(outcome, BaseException):
            raise outcome
        findings, timings.stages["validate"] = outcome
        return findings

    def close(self) -> None:
        """Wait for the process; stop it if the build no longer wants its result (it failed)."""
        if not self.received and self.process.is_alive():
            # SIGKILL, not SIGTERM: a child stopped before become_child() reset its handlers would
            # still run the build's SIGTERM handler and print a traceback. It holds nothing to clean.
            self.process.kill()
        self.process.join()
        self.receiver.close()


def _validate_into(sender, volume: Path, root: Path, parent: int) -> None:
    """The validation process: (findings, seconds), or the exception that stopped it."""
    from edition.check.validate import validate

    become_child(parent)
    start = time.perf_counter()
    try:
        outcome = (validate(volume, root), time.perf_counter() - start)
    except Exception as exc:  # handed to the build, which reports it
        outcome = exc
    with suppress(OSError):  # the build may have stopped listening
        sender.send(outcome)
    sender.close()


def restrict(model: VolumeModel, only: str | None) -> VolumeModel:
    """The volume with a single article (``--only``)."""
    if not only:
        return model
    model.tei.article(only)  # raises a clear error for an unknown id
    model.articles = [a for a in model.articles if a.id == only]
    return model


def build(project: Project, options: BuildOptions, volume: Path | None = None,
          progress: Progress | None = None, timings: Timings | None = None,
          state: BuildState | None = None, on_wait: Progress | None = None) -> BuildResult:
    """Build the PDF and/or the HTML site of a volume into ``options.out`` (``state``: the caller's,
    whose fingerprint may already be computed).

    The validation and the site need not wait for the layout: they run while the layout workers
    lay the book out, validation first, so that an invalid volume stops the build before anything
    is written. Raises ``InvalidVolumeError`` for validation errors (unless forced).

    Another build into the same folder is waited for (``on_wait`` is told); what an interrupted
    build left is finished or removed first (``output.recover``).
    """
    timings = timings or Timings()
    state = state or BuildState(project, options, volume)
    with BuildLock(state.out, on_wait) as lock:
        if recover(state.out):
            log.warning("the last build into %s was stopped while it put its outputs in place; "
                        "they are all in place now", display_path(state.out))
        with timings.stage("fingerprint"):
            if state.up_to_date():
                return BuildResult(state.pdf_path, state.html_path, timings, epub=state.epub_path,
                                   up_to_date=True)
        outputs = OutputSet(state.out)
        try:
            result = build_outputs(project, options, volume, progress, timings, state, outputs)
            with timings.stage("commit"):
                outputs.commit()
        finally:
            lock.committed = outputs.committed
            outputs.discard()
    return result


def build_outputs(project: Project, options: BuildOptions, volume: Path | None, progress: Progress | None,
                  timings: Timings, state: BuildState, outputs: OutputSet) -> BuildResult:
    """The build's stages, each output written to its staged place in ``outputs``."""
    validation = ValidationStage(state) if options.validate else None
    bibliography: BibliographyStage | None = None
    result = BuildResult(None, None, timings)
    try:
        model = restrict(read_volume(project, volume, timings, progress), options.only)
        bibliography = BibliographyStage(project, timings, progress, state.cache, options.incremental,
                                         model.lang)
        renderer = project_renderer(project)
        result.unruled = renderer.model.unruled(part.text for part in model_parts(model))
        # Our stages that need not wait for the layout; the validation first: it comes before
        # anything is written (the typesetter runs these before it takes in a laid-out part).
        stages: list[Callable[[], None]] = [lambda: check(validation, state, result),
                                            lambda: check_fonts(model, project, result)]
        if options.html:
            stages.append(lambda: site(model, renderer, project, state, result, progress, outputs))
        refs = None
        if options.pdf:
            refs = typeset(state, model, bibliography, renderer, result, progress, stages, outputs)
        else:
            attach_bibliography(model, bibliography.result())
            for stage in stages:
                stage()
        if options.epub:
            # Without a layout in this build, the page numbers of the last one (if any).
            pages = refs if refs is not None else state.manifest.refs() if options.incremental else None
            ebook(model, renderer, project, state, result, pages, progress, outputs)
    except BaseException:
        if bibliography is not None:
            bibliography.abandon()
        raise
    finally:
        if validation is not None:
            validation.close()
    state.manifest.save(state.fingerprint, refs, to=outputs.stage(state.manifest.path))
    return result


def project_renderer(project: Project) -> Renderer:
    """The renderer of a project: its templates, processing model, interface language and words."""
    from edition.check.validate import project_config  # the project's settings, read when building

    gathered = project_config(project.root).print.editors_notes == "after-article"
    return Renderer(project.template_folders, project_model(project.root), interface_language(project),
                    project.styles, editors_notes_gathered=gathered)


def interface_language(project: Project) -> str:
    """The language of the book's and the site's own words: edition.toml's [project] interface_language."""
    from edition.check.validate import (
        project_config,  # imported here: the project's settings are read only when building
    )

    return project_config(project.root).project.interface_language


def check_fonts(model: VolumeModel, project: Project, result: BuildResult) -> None:
    """Find the characters of the text that no vendored font prints (reported, not boxed)."""
    from edition.print.coverage import font_gaps

    result.font_gaps = font_gaps(model, project.theme_file("css/fonts.css"), project.themed)


def check(validation: ValidationStage | None, state: BuildState, result: BuildResult) -> None:
    """The validation's findings; raise ``InvalidVolumeError`` on errors unless the build is forced.
    Called before anything is written."""
    if validation is None:
        return
    result.findings = validation.findings(result.timings)
    errors = [f for f in result.findings if f.severity == "error"]
    if errors and not state.options.force:
        raise InvalidVolumeError(errors)


def site(model: VolumeModel, renderer: Renderer, project: Project, state: BuildState,
         result: BuildResult, progress: Progress | None, outputs: OutputSet) -> None:
    with result.timings.stage("html", progress):
        pdf = f"../{state.name}" if state.pdf_path is not None else None  # beside html/
        write_site(model, renderer, project, outputs.stage(state.html_path), pdf)
        result.html = state.html_path


def typeset(state: BuildState, model: VolumeModel, bibliography: BibliographyStage, renderer: Renderer,
            result: BuildResult, progress: Progress | None, stages: list[Callable[[], None]],
            outputs: OutputSet):
    """Lay the book out (reusing the cache), running our other ``stages`` meanwhile; write the PDF
    and return the page references."""
    from edition.print.book import Book
    from edition.print.native import fast_library_lookup

    with fast_library_lookup():
        from edition.print.typeset import typeset_book  # WeasyPrint loads Pango: only when a PDF is wanted

    timings = result.timings
    attach_bibliography(model, bibliography.result())  # joined before the layout workers are forked
    book = Book(model, renderer, *book_stylesheets(state.project))
    cache = state.layout_cache()
    previous = state.manifest.refs() if state.options.incremental else None
    if progress:
        progress("pdf")
    start = time.perf_counter()
    typeset_result = typeset_book(book, state.project, cache, previous, state.options.jobs, progress,
                                  background=stages)
    # The book's HTML is rendered, and the site built, while the workers lay out: timed apart.
    timings.stages["html-book"] = book.render_seconds
    overlapped = timings.stages.get("html", 0.0) + book.render_seconds
    timings.stages["pdf"] = time.perf_counter() - start - overlapped
    write_bytes(outputs.stage(state.pdf_path), typeset_result.pdf)
    cache.prune()
    result.pdf = state.pdf_path
    result.note_problems = typeset_result.problems
    result.laid_out = typeset_result.laid_out
    result.early = typeset_result.early
    result.unresolved_links = typeset_result.unresolved
    return typeset_result.plan.refs


def ebook(model: VolumeModel, renderer: Renderer, project: Project, state: BuildState, result: BuildResult,
          refs, progress: Progress | None, outputs: OutputSet) -> None:
    """The EPUB 3 of the volume, from the site's pages (``refs``: the printed book's page numbers)."""
    from edition.render.epub import build_epub

    with result.timings.stage("epub", progress):
        data = build_epub(model, renderer, project.theme_file, refs if refs and refs.main else None,
                          text_language(project, model), build_time())
        write_bytes(outputs.stage(state.epub_path), data)
        result.epub = state.epub_path


def text_language(project: Project, model: VolumeModel) -> str:
    """The language of the texts: edition.toml's [project] text_language, else the volume's."""
    from edition.check.validate import project_config
    from edition.tei.model import xml_lang

    configured = project_config(project.root).project.text_language
    return configured or xml_lang(model.tei.root) or "und"


def build_time():
    """When the book was made: SOURCE_DATE_EPOCH if set (reproducible builds), else now."""
    from datetime import UTC, datetime

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return datetime.fromtimestamp(int(epoch), UTC) if epoch and epoch.isdigit() else datetime.now(UTC)


def write_site(model: VolumeModel, renderer: Renderer, project: Project, target: Path,
               pdf: str | None = None) -> Path:
    """Render the reading site and swap it into ``target`` in one move; ``pdf``: the book's PDF made in
    the same build, relative to the site (each article page links to it), and each article's TEI
    source goes in ``tei/`` for the reader to download."""
    from edition.render.search import build_index, index_script  # the search is the site's stage alone

    pages = render_site(model, renderer, pdf)
    index = index_script(build_index(model))
    # The fonts as WOFF2, subset to the characters the pages show (the search shows the same texts).
    fonts, font_css = embedded_fonts(project.theme_file, "".join(pages.values()) + index)
    with staged_directory(target) as staging:
        for name, text in pages.items():
            (staging / name).write_text(text, encoding="utf-8")
        for folder in ("css", "fonts", "js"):
            (staging / "assets" / folder).mkdir(parents=True)
        for name in SITE_CSS:
            shutil.copy2(project.theme_file(f"css/{name}"), staging / "assets" / "css" / name)
        (staging / "assets" / "css" / "fonts.css").write_text(FONTS_NOTE + font_css, encoding="utf-8")
        for name, data in fonts.items():
            (staging / "assets" / "fonts" / name).write_bytes(data)
        for name in SITE_JS:
            shutil.copy2(project.theme_file(f"js/{name}"), staging / "assets" / "js" / name)
        (staging / "tei").mkdir()
        for article in model.articles:
            shutil.copy2(article.path, staging / "tei" / f"{article.id}.xml")
        # A script, not JSON: pages opened from disk cannot fetch() a file.
        (staging / "assets" / "search-index.js").write_text(index, encoding="utf-8")
    return target
