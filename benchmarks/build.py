"""Build speed (issues 9 and 24): cold, unchanged and ten-word-edit rebuilds (validation included;
``edition validate`` alone is ``validate.py``'s), one WeasyPrint render of the whole book and two peers
typesetting the same book (Paged.js in Chromium, pandoc → xelatex), a profile of a cold build
(``profile.py``), and the scale curve of a synthetic volume. Every goal of issue 24 is a ratio of two
measurements of the same run, met or not, in the JSON.

    .venv/bin/python benchmarks/build.py [--runs N] [--scale 5,10,20,35,50] [--quick] [--only LIST]
                                         [--rate HZ] [--out FILE]

``--quick``: one run of each scenario, no scale curve; ``--only cold,xelatex``: those scenarios alone.

Not part of the test suite: the numbers depend on the machine. Every build runs ``edition build`` in a
fresh process, as a user does, on a copy of the project in a temporary folder. Peak memory is the
largest physical memory the process tree (the build and its layout workers) took, sampled every
20 ms: the sum of the processes' proportional set sizes (``TreeMemory``), with the sum of their
resident sizes, which counts the pages the forked workers share with the build in each, beside it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import timeit
from pathlib import Path

from report import write_report  # benchmarks/ is the script's folder, first on sys.path
from synthetic import make_volume

ROOT = Path(__file__).resolve().parent.parent
PROJECT_FOLDERS = ("tei", "bibliography", "styles")
STAGE_LINE = re.compile(r"^\s+(\S+)\s+([\d.]+) s$")
PART_LINE = re.compile(r"laid out (\S+) \(\d+ pages, ([\d.]+) s\)")  # the final layouts, not measurements
NOTES_FILTER = ROOT / "benchmarks" / "pandoc-notes.lua"
# Ten words added to a paragraph of the longest article (issue 24's edit).
TEN_WORDS = "Editörün bu paragrafa eklediği on kelimelik deneme cümlesi burada bitiyor. "
SCENARIOS = ("cold", "unchanged", "single", "pagedjs", "xelatex", "edit", "profile")
GOALS = {"cold_over_pagedjs": 0.85, "cold_over_single_render": 0.5, "edit_over_cold": 0.45,
         "own_stages_cpu_share": 0.10, "peak_memory_megabytes": 600}

# One WeasyPrint render of the book's HTML in ``html`` (layout.py's one render: without the passes
# that leave words unhyphenated, move notes or number the apparatus lines), timed; first, the peers'
# copy of the HTML in sys.argv[3], its stylesheets linked where the project's theme has them.
RENDER_ONCE = r"""
from edition.print.hyphenation import register_patterns
from edition.print.layout import PDF_VARIANT, _render, parse
from edition.print.weasy import mend_line_breaking

peers = html
for name in BOOK_CSS:
    peers = peers.replace(f'href="{name}"', f'href="{project.themed(project.root / name).as_uri()}"')
Path(sys.argv[3]).write_text(peers, encoding="utf-8")
if sys.argv[4:] == ["html-only"]:
    raise SystemExit(0)
register_patterns(project.hyphenation)
mend_line_breaking()
start, cpu = time.perf_counter(), time.process_time()
document = _render(parse(html, project), project, (), PDF_VARIANT)  # parsing is part of it
laid_out = time.perf_counter()
pdf = document.write_pdf(pdf_variant=PDF_VARIANT)
done = time.perf_counter()
result = {"layout": laid_out - start, "write": done - laid_out, "total": done - start,
          "cpu_seconds": time.process_time() - cpu, "pages": len(document.pages)}
"""

SINGLE_RENDER = r"""
import json, sys, time
from pathlib import Path
from edition.print.book import Book
from edition.buildcache import Manifest
from edition.pipeline import BOOK_CSS, FOLIO_CSS, Timings, load, project_renderer
from edition.project import Project

project = Project(Path(sys.argv[1]))
refs = Manifest(Path(sys.argv[2])).refs()
model = load(project, None, Timings(), None)
renderer = project_renderer(project)
book = Book(model, renderer, list(BOOK_CSS), list(FOLIO_CSS))
html = book.whole(refs, list(BOOK_CSS))
""" + RENDER_ONCE + "print(json.dumps(result))\n"


class TreeMemory:
    """The peak memory of a process and its descendants, sampled: the sum of their proportional set
    sizes (PSS: a page shared by n processes counts 1/n in each, so the forked workers' pages shared
    with the build's own process count once: the physical memory the build takes), and the sum of
    their resident sizes (RSS: shared pages counted in every process that maps them) beside it."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_pss = self.peak_rss = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.is_set():
            tree = _tree(self.pid)
            self.peak_rss = max(self.peak_rss, sum(_rss(pid) for pid in tree))
            self.peak_pss = max(self.peak_pss, sum(_pss(pid) for pid in tree))
            self.stop.wait(0.02)

    def finish(self) -> tuple[int, int]:
        """(peak summed PSS, peak summed RSS), bytes."""
        self.stop.set()
        self.thread.join()
        return self.peak_pss, self.peak_rss


def _tree(root: int) -> list[int]:
    """``root`` and its living descendants."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            parents[int(entry)] = int(stat[stat.rindex(")") + 2:].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    tree = []
    for pid in parents:
        ancestor = pid
        while ancestor not in (0, 1) and ancestor != root:
            ancestor = parents.get(ancestor, 0)
        if ancestor == root:
            tree.append(pid)
    return tree


def _rss(pid: int) -> int:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return int(stat[stat.rindex(")") + 2:].split()[21]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0  # the process ended between the listing and this reading


def _pss(pid: int) -> int:
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        return int(re.search(r"^Pss:\s+(\d+) kB", rollup, re.M).group(1)) * 1024
    except (OSError, ValueError, AttributeError):
        return 0


def edition(project: Path, *args: str) -> dict:
    """Run ``edition`` in a fresh process; its wall time, CPU time, peak memory and verbose report."""
    before = os.times()
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "edition.cli", *args], cwd=project, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    memory = TreeMemory(process.pid)
    stdout, stderr = process.communicate()
    wall = time.perf_counter() - start
    peak_pss, peak_rss = memory.finish()
    after = os.times()
    if process.returncode:
        raise RuntimeError(f"edition {' '.join(args)} failed:\n{stderr}")
    stages = {m.group(1): float(m.group(2)) for m in map(STAGE_LINE.match, stderr.splitlines()) if m}
    parts = re.search(r"parts laid out: (.*)", stderr)
    laid_out = [] if not parts or parts.group(1).startswith("none") else parts.group(1).split(", ")
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return {"wall_seconds": round(wall, 3), "cpu_seconds": round(cpu, 3), "peak_tree_pss_bytes": peak_pss,
            "peak_tree_rss_bytes": peak_rss,
            "stages": stages, "parts_laid_out": laid_out, "stdout": stdout[-200:],
            "part_seconds": {m.group(1): float(m.group(2)) for m in PART_LINE.finditer(stderr)}}


def copy_project(target: Path) -> Path:
    for folder in PROJECT_FOLDERS:
        shutil.copytree(ROOT / folder, target / folder)
    shutil.copy2(ROOT / "edition.toml", target / "edition.toml")  # the volume's validation profile
    return target




def edit_paragraph(project: Path, article: str) -> str:
    """Add ten words to the article's fifth paragraph (a correction an editor might make)."""
    path = project / "tei" / f"{article}.xml"
    text = path.read_text(encoding="utf-8")
    ident = f"{article}-p5"
    match = re.search(rf'(<p [^>]*xml:id="{ident}"[^>]*>)', text)
    if not match:
        raise RuntimeError(f"no paragraph {ident} in {path}")
    path.write_text(text.replace(match.group(1), match.group(1) + TEN_WORDS, 1), encoding="utf-8")
    return ident


def longest_article(project: Path) -> str:
    """The article with the most text (its layout is the longest: the floor of its edit's rebuild)."""
    def words(path: Path) -> int:
        return len(re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")).split())

    return max((p for p in (project / "tei").glob("a[0-9][0-9][0-9].xml")), key=words).stem


def build_scenarios(runs: int, wanted: set[str], rate: int) -> dict:
    """Every scenario ``runs`` times; the goals take the fastest run of each (on a shared machine,
    noise only ever adds time). The edit is made on the built volume and undone afterwards, so that
    the edits do not pile up."""
    results: dict = {"cold": [], "unchanged": [], "edit": {}, "single_render": [], "pagedjs": [],
                     "xelatex": []}
    for _ in range(runs if wanted & {"cold", "unchanged"} else 0):
        with tempfile.TemporaryDirectory() as folder:
            project = copy_project(Path(folder))
            results["cold"].append(edition(project, "build", "-v", "--clean"))
            if "unchanged" in wanted:
                results["unchanged"].append(edition(project, "build", "-v"))
    with tempfile.TemporaryDirectory() as folder:
        project = copy_project(Path(folder))
        edition(project, "build", "-v", "--clean")
        manifest = project / "output" / ".cache" / "manifest-edition.json"
        whole_html = project / "whole-book.html"
        subprocess.run([sys.executable, "-c", SINGLE_RENDER, str(project), str(manifest), str(whole_html),
                        "html-only"], check=True, capture_output=True, cwd=ROOT)
        results["words_printed"] = pdf_words(project / "output" / "edition.pdf")
        results["pages"] = pdf_pages(project / "output" / "edition.pdf")
        for _ in range(runs):
            if "single" in wanted:
                results["single_render"].append(json.loads(subprocess.run(
                    [sys.executable, "-c", SINGLE_RENDER, str(project), str(manifest), str(whole_html)],
                    check=True, capture_output=True, text=True, cwd=ROOT).stdout.strip().splitlines()[-1]))
            if "pagedjs" in wanted:
                results["pagedjs"].append(pagedjs(project, whole_html))
            if "xelatex" in wanted:
                results["xelatex"].append(xelatex(whole_html))
        if "edit" in wanted:
            article = longest_article(project)
            results["edit"][article] = edits(project, article, runs)
    if "profile" in wanted:
        results["profile"] = profile_once(rate)
    return results


def edits(project: Path, article: str, runs: int) -> list[dict]:
    source = project / "tei" / f"{article}.xml"
    original = source.read_text(encoding="utf-8")
    measured = []
    for _ in range(runs):
        paragraph = edit_paragraph(project, article)
        run = edition(project, "build", "-v")
        run["paragraph"] = paragraph
        measured.append(run)
        source.write_text(original, encoding="utf-8")
        edition(project, "build")  # back to the unedited volume's layouts
    return measured


def profile_once(rate: int) -> dict:
    """One cold build under py-spy (``profile.py``): where the CPU goes, written to profile.json too."""
    from sampling import profile_build

    with tempfile.TemporaryDirectory() as folder:
        project = copy_project(Path(folder) / "project")
        summary = profile_build(project, rate, Path(folder) / "stacks.txt")
    write_report({"benchmark": "where a cold build of the bundled volume spends its CPU",
                  "machine": {"speed_check_seconds": machine_speed()}, **summary},
                 ROOT / "benchmarks" / "results" / "profile.json", show=False)
    return summary


def pdf_words(pdf: Path) -> int:
    """The words a PDF prints (our book's and the peers': whether a peer set all of the book)."""
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    return len(text.split())


def pdf_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    return int(info.split("Pages:")[1].split()[0])


def timed(command: list[str], cwd: Path, env: dict | None = None) -> tuple[subprocess.CompletedProcess, dict]:
    """Run a peer's command; its wall time and the CPU time of every process it ran, read from /proc
    while they run (Chromium's helper processes are not waited for by the command: the CPU time the
    kernel hands on to a parent that waits would miss theirs)."""
    from sampling import ProcessCPU

    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, text=True, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    cpu = ProcessCPU(process.pid)
    try:
        stdout, stderr = process.communicate(timeout=900)
    finally:
        process.kill()
        processes = cpu.finish()
    wall = time.perf_counter() - start
    completed = subprocess.CompletedProcess(command, process.returncode, stdout, stderr)
    seconds = sum(info.cpu_seconds for info in processes.values())
    return completed, {"wall_seconds": round(wall, 3), "cpu_seconds": round(seconds, 3)}


def pagedjs(project: Path, html: Path) -> dict:
    """A Paged.js render of the same whole-book HTML, when pagedjs-cli (npm, installed by ``make``
    without puppeteer's own browser) and Debian's chromium are here."""
    cli = ROOT / "node_modules" / ".bin" / "pagedjs-cli"
    chromium = shutil.which("chromium")
    if not cli.exists() or not chromium:
        return {"available": False, "reason": "pagedjs-cli (npm) or chromium not installed"}
    output = project / "pagedjs.pdf"
    command = [str(cli), str(html), "-o", str(output), "--browserArgs", "--no-sandbox,--disable-gpu"]
    completed, measured = timed(command, html.parent, {**os.environ, "PUPPETEER_EXECUTABLE_PATH": chromium})
    if completed.returncode:
        return {"available": True, "failed": completed.stderr[:1000] + completed.stderr[-500:]}
    return {"available": True, **measured, "pages": pdf_pages(output), "words_printed": pdf_words(output)}


def xelatex(html: Path) -> dict:
    """pandoc → xelatex typesetting the same whole-book HTML (``make bench`` installs Debian's
    texlive-xetex): pandoc reads the HTML, ``pandoc-notes.lua`` makes its notes and apparatus entries
    LaTeX footnotes, and pandoc runs xelatex as often as the cross-references need, with the theme's
    fonts and the book's page size and margins. The same book, every word of it (its word count is
    reported beside ours); pandoc's TEI reader would drop the apparatus, the indexes and the
    bibliography, and the peer would set less of the book than we do."""
    engine = shutil.which("xelatex")
    if engine is None:
        return {"available": False, "reason": "xelatex not installed (scripts/bench-deps.sh installs it)"}
    from edition.pandoc import pandoc_binary
    from edition.project import THEME

    fonts = THEME / "fonts"
    output = html.with_name("pandoc-xelatex.pdf")
    # pandoc takes a link with role="doc-noteref" for a call to a note in its own HTML's form and makes
    # an empty footnote of it; ours link to the editor's notes printed after the article: links, read
    # as such.
    source = html.with_name("whole-book-pandoc.html")
    source.write_text(html.read_text(encoding="utf-8").replace(' role="doc-noteref"', ""), encoding="utf-8")
    settings = ["mainfont=LinLibertine_R.otf", f"mainfontoptions=Path={fonts}/",
                "mainfontoptions=BoldFont=LinLibertine_RB.otf",
                "mainfontoptions=ItalicFont=LinLibertine_RI.otf",
                "mainfontoptions=BoldItalicFont=LinLibertine_RBI.otf", "sansfont=LinBiolinum_R.otf",
                f"sansfontoptions=Path={fonts}/", "sansfontoptions=BoldFont=LinBiolinum_RB.otf",
                "fontsize=10.5pt", "geometry=paperwidth=160mm", "geometry=paperheight=240mm",
                "geometry=top=20mm", "geometry=bottom=24mm", "geometry=inner=19mm", "geometry=outer=23mm",
                "documentclass=book"]
    command = [str(pandoc_binary()), source.name, "--from", "html", "--lua-filter", str(NOTES_FILTER),
               "--pdf-engine", engine, "--output", output.name, *(f"--variable={s}" for s in settings)]
    completed, measured = timed(command, html.parent)
    if completed.returncode:
        return {"available": True, "failed": completed.stderr[-1500:]}
    return {"available": True, **measured, "pages": pdf_pages(output), "words_printed": pdf_words(output)}


def scale_curve(sizes: list[int]) -> dict:
    points = []
    for size in sizes:
        with tempfile.TemporaryDirectory() as folder:
            project = copy_project(Path(folder))
            make_volume(project, size)
            run = edition(project, "build", "-v", "--clean")
            pages = int(subprocess.run(["pdfinfo", str(project / "output" / "edition.pdf")], check=True,
                                       capture_output=True, text=True).stdout.split("Pages:")[1].split()[0])
            points.append({"articles": size, "pages": pages, "wall_seconds": run["wall_seconds"],
                           "peak_tree_pss_bytes": run["peak_tree_pss_bytes"],
                           "peak_tree_rss_bytes": run["peak_tree_rss_bytes"]})
    return {"points": points, "fit_seconds_per_page": linear_fit([p["pages"] for p in points],
                                                                  [p["wall_seconds"] for p in points])}


def linear_fit(xs: list[float], ys: list[float]) -> dict:
    """Least squares y = a + b·x, with R² (1 means time grows exactly linearly)."""
    if len(xs) < 2:
        return {}
    slope, intercept = statistics.linear_regression(xs, ys)
    mean = statistics.fmean(ys)
    residual = sum((y - (intercept + slope * x)) ** 2 for x, y in zip(xs, ys, strict=True))
    total = sum((y - mean) ** 2 for y in ys) or 1.0
    return {"intercept": round(intercept, 3), "slope": round(slope, 4),
            "r_squared": round(1 - residual / total, 4)}


def fastest(runs: list[dict]) -> dict:
    return min(runs, key=lambda run: run["wall_seconds"])




def goals(results: dict) -> dict:
    """Issue 24's goals, each a ratio of two measurements of this run (the fastest run of each), met
    or not by wall time (the issue's measure), with the same ratio in CPU time beside it (on a machine
    shared with other work, the steadier one); the peers' times, pages and words beside them."""
    report: dict = {}
    cold = fastest(results["cold"]) if results["cold"] else None
    single = best([{"wall_seconds": round(run["total"], 3), "pages": run["pages"],
                    "cpu_seconds": round(run.get("cpu_seconds") or 0, 3)}
                   for run in results["single_render"]])
    pagedjs_best, xelatex_best = best(results["pagedjs"]), best(results["xelatex"])
    if cold:
        if pagedjs_best:
            report["cold_over_pagedjs"] = ratio(cold, pagedjs_best, GOALS["cold_over_pagedjs"])
        if single:
            report["cold_over_single_render"] = ratio(cold, single, GOALS["cold_over_single_render"])
        if xelatex_best:
            report["cold_over_xelatex"] = ratio(cold, xelatex_best, None)
        for article, runs in results["edit"].items():
            edit = fastest(runs)
            report["edit_over_cold"] = {**ratio(edit, cold, GOALS["edit_over_cold"]),
                                        "article": article, "paragraph": edit["paragraph"],
                                        "edited_article_layout_seconds": layout_seconds(edit, article),
                                        "also_laid_out": [p for p in edit["parts_laid_out"]
                                                          if not p.startswith(article)]}
        peak = max(run["peak_tree_pss_bytes"] for run in results["cold"]) / 2**20
        rss = max(run["peak_tree_rss_bytes"] for run in results["cold"]) / 2**20
        limit = GOALS["peak_memory_megabytes"]
        report["peak_memory_megabytes"] = {"value": round(peak), "goal": f"<= {limit}", "met": peak <= limit,
                                           "measure": "summed PSS of the build's processes",
                                           "summed_rss": round(rss)}
    if results["unchanged"]:
        unchanged = fastest(results["unchanged"])
        met = unchanged["wall_seconds"] < 1 and not unchanged["parts_laid_out"]
        report["unchanged_rebuild_seconds"] = {"value": unchanged["wall_seconds"],
                                               "goal": "< 1 s, nothing laid out", "met": met}
    if "profile" in results:
        profile = results["profile"]
        own, limit = profile["own_stages"], GOALS["own_stages_cpu_share"]
        report["own_stages_cpu_share"] = {
            "value": own["share"], "goal": f"<= {limit}", "met": own["share"] <= limit,
            "stages": {name: profile["by_stage"].get(name, {}).get("cpu_seconds", 0.0)
                       for name in own["stages"]}}
    ours = {"pages": results.get("pages"), "words_printed": results.get("words_printed")}
    report["side_by_side"] = {
        "edition cold build": {**_times(cold), **ours} if cold else None,
        "one WeasyPrint render": {**_times(single), "pages": single["pages"]} if single else None,
        "Paged.js (Chromium)": pagedjs_best, "pandoc → xelatex": xelatex_best}
    return report


def best(runs: list[dict]) -> dict | None:
    """The fastest run that succeeded (a peer that is not installed or failed has no time)."""
    timed_runs = [run for run in runs if run.get("wall_seconds")]
    return min(timed_runs, key=lambda run: run["wall_seconds"]) if timed_runs else None


def ratio(run: dict, reference: dict, limit: float | None) -> dict:
    """``run``'s time over ``reference``'s, in wall and in CPU time; met or not by wall time."""
    share = run["wall_seconds"] / reference["wall_seconds"]
    cpu = (round(run["cpu_seconds"] / reference["cpu_seconds"], 3)
           if run.get("cpu_seconds") and reference.get("cpu_seconds") else None)
    report = {"value": round(share, 3), "cpu_value": cpu}
    if limit is not None:
        report.update({"goal": f"<= {limit}", "met": share <= limit})
    return report


def _times(run: dict) -> dict:
    return {"wall_seconds": run["wall_seconds"], "cpu_seconds": run.get("cpu_seconds")}


def layout_seconds(run: dict, article: str) -> float | None:
    """How long the edited article's own layout took (the floor of any rebuild after editing it)."""
    return run["part_seconds"].get(article)


def machine_speed() -> float:
    """Seconds a fixed loop of pure Python takes (best of 3): a shared machine's speed drifts, and
    the two readings, before and after, show by how much during the run."""
    loop = "total = 0\nfor number in range(5_000_000):\n    total += number"
    return round(min(timeit.repeat(loop, number=1, repeat=3)), 3)




def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scale", default="5,10,20,35,50", help="article counts of the synthetic volumes")
    parser.add_argument("--quick", action="store_true", help="one run of each scenario, no scale curve")
    parser.add_argument("--only", default=",".join(SCENARIOS), help=f"scenarios: {', '.join(SCENARIOS)}")
    parser.add_argument("--rate", type=int, default=50, help="the profile's samples per second")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "build.json")
    args = parser.parse_args()
    wanted = {name.strip() for name in args.only.split(",") if name.strip()}
    unknown = wanted - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))} (known: {', '.join(SCENARIOS)})")
    runs = 1 if args.quick else args.runs
    speed_before = machine_speed()
    results = build_scenarios(runs, wanted, args.rate)
    sizes = [] if args.quick else [int(n) for n in args.scale.split(",") if n]
    scale = scale_curve(sizes) if sizes else None
    report = {
        "benchmark": "edition build: cold, unchanged, ten words edited; one render; peers; profile; scale",
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": len(os.sched_getaffinity(0)), "load_average_at_end": os.getloadavg(),
                    "speed_check_seconds": {"before": speed_before, "after": machine_speed()}},
        "goals": goals(results),
        "results": results,
        "scale": scale,
    }
    return write_report(report, args.out)


if __name__ == "__main__":
    raise SystemExit(main())
