"""Stage 4: lay the book out, part by part, on every core, and join the parts into one PDF.

The book is laid out part by part (``book.py``), each part as a document of its own (``layout.py``),
on worker processes (one per core by default); a part whose HTML has not changed since the last
build is taken from the layout cache. The ``Typesetter`` sends a part to the workers as soon as the
page numbers it prints are known (``pagination.Schedule``): the article texts at once, then the
notes, the back matter and the contents as the parts they name are laid out; it lays out again
whatever a change of pages altered, until nothing changes. Meanwhile the assembler (``assemble.py``)
joins the finished parts' PDFs, and the folio sheet is laid out to be printed over them.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from edition.buildcache import LayoutCache
from edition.output import pause_for_tests
from edition.print.assemble import AssembledPart, Assembler
from edition.print.audit import NoteProblem
from edition.print.book import Book, PageRefs, PartSpec, own_ids, page_ref_targets
from edition.print.hyphenation import register_patterns
from edition.print.layout import book_stylesheets, folio_sheet, lay_out_part, render_folio_sheet
from edition.print.pagination import PagePlan, PartLayout, Schedule, plan_pages, starts_left
from edition.processes import become_child, forking
from edition.project import Project

MAX_LAYOUTS_PER_PART = 6
# The assembler keeps every part's PDF open (qpdf copies lazily), some 5 MB a part. Parts are joined
# while the others are still laid out only up to this resident size of the build's own process, so
# that a long book does not add the assembler's peak to the layout workers'; the rest are joined
# once the workers have exited.
EARLY_ASSEMBLY_BUDGET = 400  # megabytes


def resident_megabytes() -> float:
    """This process's resident memory (0 where /proc is not available)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0


@dataclass
class TypesetResult:
    """The book's PDF and what the typesetter did to make it."""

    pdf: bytes
    plan: PagePlan
    problems: list[NoteProblem]
    laid_out: list[str] = field(default_factory=list)  # each layout made (a measured part twice)
    unresolved: set[str] = field(default_factory=set)  # link targets no part defines
    early: list[str] = field(default_factory=list)  # parts sent to the workers before the book was rendered


class Workers:
    """Lays parts out on ``jobs`` forked processes (WeasyPrint, the stylesheets, fonts and hyphenation
    patterns are loaded once, before the fork), or in this process when ``jobs`` is 1.

    The workers die with this process, even when it is killed (``processes.become_child``). When the
    typesetting stops on an exception (Ctrl-C, SIGTERM, an invalid volume) they are killed at once:
    shutting the pool down would wait for the layouts under way and for those already handed to
    the pool's queue, which took a loaded machine two minutes after a Ctrl-C."""

    def __init__(self, jobs: int, root: Path, css: tuple[str, ...], folio_css: tuple[str, ...]) -> None:
        self.jobs = max(1, jobs)
        self.root = root
        self.css = css
        self.folio_css = folio_css
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Workers:
        # Loaded here, inherited by the forked workers.
        book_stylesheets(self.root, self.css)
        book_stylesheets(self.root, self.folio_css)
        register_patterns(Project(self.root).hyphenation)
        if self.jobs > 1:
            self.pool = ProcessPoolExecutor(self.jobs, mp_context=multiprocessing.get_context("fork"),
                                            initializer=become_child, initargs=(os.getpid(),))
        return self

    def __exit__(self, failure: type[BaseException] | None, *_: object) -> None:
        if self.pool is None:
            return
        if failure is not None:
            kill_workers(self.pool)
        self.pool.shutdown(cancel_futures=True)

    def submit(self, name: str, html: str, measure: bool, earlier: PartLayout | None = None) -> Future:
        """``earlier``: the part's last layout (a measurement, or one with other page numbers): the
        words it left whole and its apparatus lines are where this layout starts."""
        whole, lines = (tuple(earlier.whole), earlier.entries) if earlier is not None else ((), {})
        return self._run(_lay_out_in_worker, name, html, self.root, self.css, measure, whole, lines)

    def submit_folios(self, html: str, pages: int) -> Future:
        return self._run(render_folio_sheet, html, self.root, pages, self.folio_css)

    def _run(self, function: Callable, *args: object) -> Future:
        if self.pool is not None:
            with forking():  # the pool forks its workers as the first job comes
                return self.pool.submit(function, *args)
        future: Future = Future()
        future.set_result(function(*args))
        return future


def _lay_out_in_worker(name: str, html: str, root: Path, css: tuple[str, ...], measure: bool,
                       whole: tuple[str, ...] = (), lines: dict[str, list[int]] | None = None
                       ) -> tuple[PartLayout, bytes]:
    """``lay_out_part`` as a worker runs it: the tests stop a build while a worker is inside a layout
    (``EDITION_TEST_PAUSE=layout`` stops the worker there until they continue it)."""
    pause_for_tests("layout")
    return lay_out_part(name, html, root, css, measure, whole, lines)


def kill_workers(pool: ProcessPoolExecutor) -> None:
    """Kill a pool's processes (the pool then finds itself broken and shuts down at once). The
    processes are the pool's private ``_processes`` before Python 3.14's ``kill_workers``."""
    kill = getattr(pool, "kill_workers", None)
    if kill is not None:
        kill()
        return
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.kill()


@dataclass(order=True)
class Job:
    """A part (or the folio sheet) waiting for a worker; the lowest ``priority`` goes first."""

    priority: tuple
    name: str = field(compare=False)
    html: str = field(compare=False)
    key: str = field(compare=False)
    measure: bool = field(compare=False, default=False)
    pages: int = field(compare=False, default=0)  # the folio sheet's


FOLIO_SHEET = "folio-sheet"


class Typesetter:
    """Lays the book's parts out, each as soon as its page numbers are known, until every part has
    been laid out with the page references its neighbours' layouts give; hands each final layout to
    ``on_final`` (the assembler).

    Jobs wait in a queue of our own and only a few at a time go to the workers, so that what others
    wait for (measurements, the folio sheet) overtakes what is already waiting, and a job whose
    HTML changed while it waited is replaced rather than laid out for nothing.
    """

    def __init__(self, book: Book, cache: LayoutCache, refs: PageRefs,
                 progress: Callable[[str], None] | None,
                 on_final: Callable[[str, PartLayout, Path | bytes], None] | None = None) -> None:
        self.book = book
        self.on_final = on_final  # told of every final layout (the assembler takes it in meanwhile)
        self.cache = cache
        self.refs = refs
        self.progress = progress
        self.layouts: dict[str, PartLayout] = {}  # measured or final
        self.sources: dict[str, Path | bytes] = {}  # part -> its PDF (final layouts only)
        self.keys: dict[str, str] = {}  # part -> key of the HTML its final layout was made from
        self.queue: dict[str, Job] = {}
        self.pending: dict[Future, Job] = {}
        self.laid_out: list[str] = []  # parts laid out in this build, measurements included
        self.early: list[str] = []  # texts sent to the workers while the rest of the book was rendered
        self.attempts: dict[str, int] = {}  # part -> layouts made or taken from the cache
        self.rendered: dict[tuple, tuple[str, str]] = {}  # (part, starts left, numbers) -> (html, key)
        self.sheets: dict[str, bytes | Path] = {}  # folio sheet key -> PDF
        self.targets: dict[str, set[str]] = {}  # part -> the ids whose pages it prints
        self.plan = plan_pages([], {})  # placed once parts are laid out (the specs need every text)
        # With the last build's page numbers, parts that wait for themselves are laid out with those
        # (almost always right) rather than measured first.
        self.measuring = not refs.known
        self.seed = refs

    def run(self, workers: Workers, background: list[Callable[[], None]]) -> PagePlan:
        texts = self._start_texts(workers)
        book, refs = self.book, self.refs
        first = {spec.name: texts[spec.name] if spec.name in texts
                 else self._keyed(book.render(spec, refs, starts_left(spec, refs)))
                 for spec in book.specs}
        self.targets = {name: page_ref_targets(html) for name, (html, _) in first.items()}
        self.schedule = Schedule(book.specs, {name: own_ids(html) for name, (html, _) in first.items()},
                                 self.targets)
        for spec in book.specs:  # the first look is the first render of the loop below too
            self.rendered.setdefault(self._memo(spec), first[spec.name])
        background = list(background)
        while True:
            if self._enqueue_ready():
                continue  # parts came from the cache: look again with the page numbers they give
            self._enqueue_folio_sheet()
            self._dispatch(workers)
            if not self.pending:
                break  # every part laid out with the page numbers the others' layouts give
            if background:
                background.pop(0)()  # our own stages run while the workers lay out
                continue
            self._collect(next(as_completed(self.pending)))
        for job in background:
            job()
        missing = [s.name for s in self.book.specs if s.name not in self.sources]
        if missing:
            raise RuntimeError(f"parts never laid out: {', '.join(missing)}")
        return self.plan

    def folio_sheet(self) -> bytes:
        """The folio sheet of the final plan (laid out alongside the last parts: ``run`` ends only
        once the current plan's sheet is in)."""
        sheet = self.sheets.get(self._folio_sheet()[1])
        if sheet is None:
            raise RuntimeError("the folio sheet of the final page plan was never laid out")
        return sheet if isinstance(sheet, bytes) else Path(sheet).read_bytes()

    def _folio_sheet(self) -> tuple[str, str]:
        """The current plan's folio sheet and its cache key."""
        html = folio_sheet(self.plan)
        return html, self.cache.key(html)

    def _start_texts(self, workers: Workers) -> dict[str, tuple[str, str]]:
        """Send the article texts to the workers as soon as they are rendered, before the rest of
        the book is: a text that prints no page numbers waits for nothing, one that does is laid out
        with the last build's page numbers where they are known. Returns each text's first render
        and its cache key."""
        articles = list(self.book.volume.articles)
        # The TEI's size foretells the layout's length: the longest go first, not to finish last.
        articles.sort(key=lambda article: -len(article.text.xpath("string()")))
        texts: dict[str, tuple[str, str]] = {}
        unchanged = []
        for article in articles:
            spec = self.book.body_spec(article)
            html, key = texts[spec.name] = self._keyed(self.book.render(spec, self.refs))
            if page_ref_targets(html):
                self._start_with_last_pages(workers, spec.name, html, key)
                continue  # otherwise laid out once the pages it names are known
            cached = self.cache.get(key)
            if cached is not None:
                unchanged.append((spec.name, key, cached))
            else:
                self._start(workers, Job((2, -len(html)), spec.name, html, key))
        for name, key, cached in unchanged:
            self._take(name, key, cached)
        return texts

    def _start_with_last_pages(self, workers: Workers, name: str, html: str, key: str) -> None:
        """With the last build's page numbers, an edited text that prints page numbers is laid out
        with them at once, while the rest of the book is rendered: they are almost always its final
        ones (once the book is placed, a text whose numbers moved is laid out again, as any part)."""
        if not self.measuring and not self.cache.has(key):  # an unchanged text is taken in later
            self._start(workers, Job((2, -len(html)), name, html, key))

    def _start(self, workers: Workers, job: Job) -> None:
        """Send an edited text to the workers before the others are taken in (as far as they are
        free: one that waits in the queue is sent once the book is rendered, if ready then)."""
        self.queue[job.name] = job
        sent = {id(each) for each in self.pending.values()}
        self._dispatch(workers)
        self.early += [each.name for each in self.pending.values() if id(each) not in sent]

    def _keyed(self, html: str) -> tuple[str, str]:
        return html, self.cache.key(html)

    def _enqueue_ready(self) -> bool:
        """Queue every part that is ready and whose HTML changed (measure the parts that wait for
        themselves); True when a part came from the cache instead, moving page numbers."""
        busy = {job.name for job in self.pending.values()} | set(self.queue)
        for spec in self.book.specs:
            name = spec.name
            if name in busy and name not in self.queue:
                continue  # being laid out
            busy.discard(name)
            # A part that waits for itself cannot wait to be ready: it is measured, or laid out
            # with the last build's page numbers, first.
            first_look = self._first_look(name)
            measure = first_look and self.measuring
            if not first_look and not self.schedule.ready(name, self.layouts, busy - {name}):
                continue
            html, key = self._render(spec)
            if self.keys.get(name) == key:
                self.queue.pop(name, None)
                continue
            if self._from_cache(name, key):
                self.queue.pop(name, None)
                return True
            rank = 1 if measure else 2
            self.queue[name] = Job((rank, -len(html)), name, html, key, measure)
            busy.add(name)
        # A part found ready before a part it needs was queued in this same pass waits for it.
        for name in list(self.queue):
            if name != FOLIO_SHEET and not self._first_look(name) and not self.schedule.ready(
                    name, self.layouts, busy - {name}):
                del self.queue[name]
        return False

    def _first_look(self, name: str) -> bool:
        return name in self.schedule.cyclic and name not in self.layouts

    def _enqueue_folio_sheet(self) -> None:
        """Once every part has a length, the folio sheet can be laid out alongside the last parts."""
        if len(self.layouts) < len(self.book.specs):
            return
        html, key = self._folio_sheet()
        if key in self.sheets or any(job.key == key for job in self.pending.values()):
            return
        cached = self.cache.get(key)
        if cached is not None:
            self.sheets[key] = cached[1]
        else:
            self.queue[FOLIO_SHEET] = Job((0,), FOLIO_SHEET, html, key, pages=self.plan.total)

    def _from_cache(self, name: str, key: str) -> bool:
        cached = self.cache.get(key)
        if cached is None:
            return False
        self._take(name, key, cached)
        return True

    def _take(self, name: str, key: str, cached: tuple[PartLayout, Path]) -> None:
        """Take a part's layout from the cache as its final one."""
        self._count(name)  # page numbers that flip between two cached layouts would never settle
        self.layouts[name], self.sources[name] = cached
        self.keys[name] = key
        self._replan()
        self._final(name)

    def _final(self, name: str) -> None:
        if self.on_final is not None:
            self.on_final(name, self.layouts[name], self.sources[name])

    def _dispatch(self, workers: Workers) -> None:
        """Keep every worker busy and one job waiting for the first to be free, best jobs first."""
        while self.queue and len(self.pending) < workers.jobs + 1:
            job = min(self.queue.values())
            del self.queue[job.name]
            if job.name == FOLIO_SHEET:
                self.pending[workers.submit_folios(job.html, job.pages)] = job
                continue
            self._count(job.name)
            self.pending[workers.submit(job.name, job.html, job.measure, self.layouts.get(job.name))] = job

    def _count(self, name: str) -> None:
        """Count a layout of the part (laid out or taken from the cache); stop at the limit."""
        self.attempts[name] = self.attempts.get(name, 0) + 1
        if self.attempts[name] > MAX_LAYOUTS_PER_PART:
            raise RuntimeError(f"page numbers did not settle: part {name} was laid out "
                               f"{MAX_LAYOUTS_PER_PART} times")

    def _render(self, spec: PartSpec) -> tuple[str, str]:
        """The part's HTML with the current page references, and its cache key (memoised on the
        page numbers the part prints)."""
        memo = self._memo(spec)
        if memo not in self.rendered:
            self.rendered[memo] = self._keyed(self.book.render(spec, self.refs, memo[1]))
        return self.rendered[memo]

    def _memo(self, spec: PartSpec) -> tuple:
        """What a part's HTML depends on: the side it starts on and the page numbers it prints."""
        refs = self.refs
        if spec.kind in ("front", "back"):
            numbers: tuple = (tuple(sorted(refs.folios.items())), tuple(sorted(refs.main.items())))
        else:
            numbers = tuple(refs.span(target) for target in sorted(self.targets[spec.name]))
        return spec.name, starts_left(spec, refs), numbers

    def _collect(self, future: Future) -> None:
        job = self.pending.pop(future)
        if job.name == FOLIO_SHEET:
            pdf = future.result()
            self.sheets[job.key] = self.cache.put(job.key, PartLayout(FOLIO_SHEET, 0, [], {}, []), pdf)
            return
        layout, pdf = future.result()
        self.layouts[job.name] = layout
        self.laid_out.append(job.name)
        if not job.measure:
            self.sources[job.name] = self.cache.put(job.key, layout, pdf)
            self.keys[job.name] = job.key
        self._replan()
        if not job.measure:
            self._final(job.name)
        if self.progress:
            what = "measured" if job.measure else "laid out"
            self.progress(f"{what} {job.name} ({layout.pages} pages, {layout.renders} layouts, "
                          f"{layout.seconds:.1f} s)")

    def _replan(self) -> None:
        """Place the parts laid out so far; their page numbers replace the last build's where the
        parts before them (in the same numbering) are all laid out, so that those are placed."""
        self.plan = plan_pages(self.book.specs, self.layouts)
        refs = PageRefs(dict(self.seed.folios), dict(self.seed.main))
        unplaced: set[str] = set()  # matters with a part not laid out yet
        for spec in self.book.specs:
            layout = self.layouts.get(spec.name)
            if layout is None:
                unplaced.add(spec.matter)
            elif spec.matter not in unplaced:
                for ident in layout.anchors:
                    refs.folios[ident] = self.plan.refs.folios[ident]
                    if ident in self.plan.refs.main:
                        refs.main[ident] = self.plan.refs.main[ident]
        self.refs = refs if unplaced else self.plan.refs


def typeset_book(book: Book, project: Project, cache: LayoutCache, refs: PageRefs | None = None,
                 jobs: int = 1, progress: Callable[[str], None] | None = None,
                 background: list[Callable[[], None]] | None = None) -> TypesetResult:
    """Lay the book's parts out until their page references agree with the pages, then assemble it.

    ``refs`` are the page references of the last build, if any: parts rendered with them are found in
    the cache. ``background`` jobs (our own stages) run in this process while the workers lay out; an
    exception from one stops the typesetting.
    """
    assembler: Assembler | None = None
    deferred: dict[str, AssembledPart] = {}  # a part laid out again replaces its first layout

    def assemble(name: str, layout: PartLayout, pdf: Path | bytes) -> None:
        """Take each part into the book as soon as it is final, while the others are laid out,
        as long as this process stays within its memory budget (see ``EARLY_ASSEMBLY_BUDGET``)."""
        nonlocal assembler
        # Made at the first part, not before: the book's order needs every article rendered.
        assembler = assembler or Assembler([spec.name for spec in book.specs])
        if deferred or resident_megabytes() > EARLY_ASSEMBLY_BUDGET:
            deferred[name] = AssembledPart(layout, pdf)
        else:
            assembler.add(name, AssembledPart(layout, pdf))

    seed = refs if refs is not None else PageRefs()
    typesetter = Typesetter(book, cache, seed, progress, on_final=assemble)
    with Workers(jobs, project.root, tuple(book.print_css), tuple(book.folio_css)) as workers:
        plan = typesetter.run(workers, background or [])
    layouts = typesetter.layouts
    if assembler is None:
        raise RuntimeError("the book has no parts")
    for name, part in deferred.items():  # the workers have exited: their memory is free
        assembler.add(name, part)
    pdf, unresolved = assembler.save(plan, typesetter.folio_sheet())
    problems = [NoteProblem(note, f"{problem} (part {name})")
                for name, layout in layouts.items() for note, problem in layout.problems]
    return TypesetResult(pdf, plan, problems, typesetter.laid_out, unresolved, typesetter.early)
