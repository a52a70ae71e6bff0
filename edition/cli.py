"""The ``edition`` command: build, validate, import and export.

Exit status: 0 success, 1 the input has problems (or a file cannot be read or written), 2 the command
line is wrong, 3 an error in edition itself; 130 after Ctrl-C, 143 after SIGTERM. Whatever goes
wrong is one line on stderr, never a traceback (``--verbose`` adds the traceback of an error in
edition itself).
"""

from __future__ import annotations

import argparse
import errno
import logging
import os
import stat
import sys
import traceback
from pathlib import Path

from edition import __version__
from edition.errors import EditionError, display_path
from edition.limits import configure as configure_limits
from edition.processes import Terminated, stop_signals_interrupt
from edition.project import Project, find_project

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3
EXIT_INTERRUPTED = 128  # + the signal's number
# What an OSError means for the file it names, in the words of this command's messages.
FILE_ERRORS = {
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EISDIR: "is a folder, where a file is expected",
    errno.ENOTDIR: "a part of this path is a file, where a folder is expected",
    errno.ENOENT: "no such file or folder",
}
# Rules of the loader (load.py, project.py): a finding of one of these means the volume was not read.
UNREADABLE_RULES = ("xml-", "xinclude", "tei-namespace", "tei-p4", "link-outside", "project-root")
PROFILE_NAMES = ("article-volume",)  # edition.check.validate.PROFILES, named here to keep --help fast


class Console:
    """Progress on stderr when it is a terminal (or when asked), silenced by --quiet."""

    def __init__(self, quiet: bool, verbose: bool) -> None:
        self.quiet = quiet
        self.verbose = verbose
        self.live = not quiet and (verbose or sys.stderr.isatty())

    def progress(self, stage: str) -> None:
        if self.live:
            print(f"edition: {stage}…", file=sys.stderr, flush=True)

    def info(self, message: str) -> None:
        if not self.quiet:
            print(message, file=sys.stderr)


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="edition", description="Build, check and export a critical edition encoded in TEI P5.")
    main.add_argument("--version", action="version", version=f"edition {__version__}")
    main.add_argument("--project", type=Path, metavar="DIR",
                      help="work on the project in DIR (or the one DIR is in) instead of the one around the "
                      "working directory; paths given to the command stay relative to the working directory")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    common.add_argument("-v", "--verbose", action="store_true", help="show each stage and its timing")
    common.add_argument("--limit", action="append", metavar="NAME=VALUE",
                        help="raise one of the input limits (see the README's security section)")
    commands = main.add_subparsers(dest="command", required=True, metavar="COMMAND")

    new = commands.add_parser(
        "new", parents=[common], help="start a project: settings, a sample volume, its bibliography",
        description="Write a new project into DIR (a new or empty folder): edition.toml, tei/volume.xml "
        "with registers and one sample text (a name, a quotation, a citation, a note) and "
        "bibliography/references.bib with the work it cites. It validates and builds at once; replace "
        "the sample with your texts. The theme is not copied: put a file in styles/ to change one.")
    new.add_argument("folder", type=Path, metavar="DIR", help="the folder to create")
    new.add_argument("--title", help="the edition's title (default: the folder's name)")
    new.add_argument("--language", default="en", metavar="CODE",
                     help="the language of the texts, a BCP 47 code (default: en); the interface (headings, "
                     "labels) is in the same language if edition has a catalogue for it, else in English")
    new.set_defaults(run=run_new)

    theme = commands.add_parser(
        "theme", parents=[common], help="copy a theme file into styles/ to change it",
        description="Copy files of the package's theme (templates, stylesheets, scripts, fonts, CSL "
        "styles) into the project's styles/, at the same path, where the build takes them instead of the "
        "package's; every other file still comes from the package. Without FILE: list the theme's files.")
    theme.add_argument("files", nargs="*", metavar="FILE",
                       help="a path in the theme, such as css/screen.css or templates/site/base.html.j2")
    theme.set_defaults(run=run_theme)

    build = commands.add_parser(
        "build", parents=[common], help="typeset the PDF and the HTML site",
        description="Build edition.pdf and html/ from the project's volume, or from one TEI file anywhere "
        "on disk (made with the package's templates and styles, or the project's own styles/ where it "
        "has them). The output goes to --out DIR, else to output/ in the project's root: the folder of "
        "the nearest edition.toml above the file, else the file's own folder.")
    build.add_argument("volume", nargs="?", type=Path, metavar="FILE",
                       help="the volume or TEI file to build (default: the project's, edition.toml's "
                       "[files] volume, else tei/volume.xml)")
    kind = build.add_mutually_exclusive_group()
    kind.add_argument("--pdf", action="store_true", help="build only the PDF")
    kind.add_argument("--html", action="store_true", help="build only the HTML site")
    build.add_argument("--epub", action="store_true",
                       help="also make an EPUB 3 of the volume (edition.epub), with the printed book's page "
                       "numbers when the PDF is laid out in the same build or was in the last one")
    build.add_argument("--out", type=Path, metavar="DIR",
                       help="output folder (default: output/ in the project's root, for a file on its own "
                       "output/ beside it)")
    build.add_argument("--only", metavar="ARTICLE", help="build one article (its id, e.g. a003)")
    build.add_argument("--force", action="store_true", help="build even when validation finds errors")
    build.add_argument("-j", "--jobs", type=positive, metavar="N",
                       help="lay the book out on N processes (default: one per core)")
    build.add_argument("--clean", action="store_true",
                       help="ignore what the last build left (layout cache, page numbers) and build all")
    build.set_defaults(run=run_build)

    validate = commands.add_parser(
        "validate", parents=[common], help="check TEI files: tei_all, integrity, the project's profile",
        description="Check TEI P5 files as jing checks them against tei_all 4.3.0 (or the project's "
        "schema), with the integrity rules every edition needs (warnings where tei_all is silent) and "
        "the conventions of the profile the project's edition.toml switches on (profiles: "
        f"{', '.join(PROFILE_NAMES)}). Without FILE: the project's volume (edition.toml's [files] volume, "
        "else tei/volume.xml).")
    validate.add_argument("files", nargs="*", type=Path, metavar="FILE",
                          help="TEI files to check (default: the project's volume)")
    validate.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    validate.set_defaults(run=run_validate)

    schema = commands.add_parser(
        "schema", parents=[common], help="write the project's TEI profile as a RELAX NG schema",
        description="Write tei_all restricted to the elements the project's volume uses (and common "
        "ones an editor may add next) into the project, and print the line that makes `edition validate` "
        "hold the texts to it.")
    schema.add_argument("-o", "--output", type=Path, metavar="FILE",
                        help="where to write it, inside the project (default: schema/edition.rng)")
    schema.set_defaults(run=run_schema)

    draft = commands.add_parser("import", parents=[common], help="draft TEI from a Word manuscript or a "
                                "PDF-extracted text",
                                description="Make a draft TEI article. From a Word manuscript (.docx): "
                                "headings, notes, quotations, lists, tables and images, its Zotero, Mendeley "
                                "or EndNote citations linked to the project's bibliography (new works added "
                                "to its .bib), written to tei/NAME.xml of the project unless -o says "
                                "otherwise. From a PDF-extracted plain text: dehyphenation, footnotes moved "
                                "to their calls, paragraphs rejoined, headings and abstracts detected. "
                                "Prints what it placed and what needs the editor.")
    draft.add_argument("source", type=Path, help="the manuscript (.docx) or plain-text witness (UTF-8)")
    draft.add_argument("-o", "--output", type=Path, metavar="FILE",
                       help="write here (default: for a .docx, tei/NAME.xml of the project; for a text, "
                       "stdout)")
    draft.add_argument("--language", metavar="CODE",
                       help="the language of a plain text (BCP 47; default: the project's text_language, "
                       "else none is written and the including volume's applies); a .docx says its own")
    draft.set_defaults(run=run_import)

    bib = commands.add_parser("bib", help="the unified bibliography",
                              description="Work with the unified bibliography.")
    bib_commands = bib.add_subparsers(dest="bib_command", required=True, metavar="COMMAND")
    export = bib_commands.add_parser("export", parents=[common], help="export the bibliography",
                                     description="Export the project's bibliography (the .bib files "
                                     "edition.toml names, else bibliography/*.bib, merged) for citation "
                                     "managers.")
    from edition.bib.export import FORMATS

    export.add_argument("--format", choices=FORMATS, default="bibtex", help="output format")
    export.add_argument("-o", "--output", type=Path, metavar="FILE", help="write here (default: stdout)")
    export.add_argument("--bib", type=Path, action="append", metavar="FILE",
                        help="a .bib file (repeat for several; default: the project's)")
    export.set_defaults(run=run_bib_export)
    check = bib_commands.add_parser("check", parents=[common], help="check the bibliography",
                                    description="Duplicate keys, probable duplicates, entries cited nowhere, "
                                    "citations without an entry, fields missing for the entry type."
                                    " Outside a project, --bib FILE is checked on its own.")
    check.add_argument("--bib", type=Path, action="append", metavar="FILE",
                       help="a .bib file (repeat for several; default: the project's)")
    check.add_argument("--volume", type=Path, help="the volume file (default: the project's)")
    check.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    check.set_defaults(run=run_bib_check)
    merge = bib_commands.add_parser("import", parents=[common], help="import entries into the bibliography",
                                    description="Add the entries of a RIS, EndNote XML (.xml), CSL-JSON "
                                    "(.json) or .bib file to the project's bibliography (its first .bib "
                                    "file) under the project's keys; entries already in any of its .bib "
                                    "files are reported, not added.")
    merge.add_argument("source", type=Path, help="the file to import")
    merge.add_argument("--bib", type=Path, help="the .bib file to add to (default: the project's first)")
    merge.add_argument("--dry-run", action="store_true", help="report what would be added; change nothing")
    merge.set_defaults(run=run_bib_import)
    return main


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def run_build(args: argparse.Namespace, console: Console) -> int:
    from edition.check.validate import report
    from edition.pipeline import BuildOptions, InvalidVolumeError, build

    check_input_file(args.volume)
    project = find_project(args.volume, purpose="name the volume or TEI file to build: edition build FILE",
                           start=args.project)
    volume = args.volume or project.volume
    check_input_file(volume)
    options = BuildOptions(pdf=not args.html, html=not args.pdf, epub=args.epub, out=args.out,
                           only=args.only, incremental=not args.clean, validate=True, force=args.force)
    if args.jobs:
        options.jobs = args.jobs
    try:
        result = build(project, options, volume=volume, progress=console.progress, on_wait=console.info)
    except InvalidVolumeError as invalid:
        return refuse(invalid.findings)
    except Exception:
        # A volume the validation rejects may break the build before the validation has run
        # (it runs alongside the layout): its findings say why better than the error.
        errors = [] if args.force else validation_errors(volume, project.root)
        if errors:
            return refuse(errors)
        raise
    if result.up_to_date:
        console.info("nothing changed since the last build: the outputs are up to date")
        return EXIT_OK
    forced = [f for f in result.findings if f.severity == "error"]
    if forced:
        print(report(forced), file=sys.stderr)
    for problem in result.note_problems:
        print(f"edition: warning: footnote audit: {problem}", file=sys.stderr)
    for gap in result.font_gaps:
        print(f"{display_path(gap.path)}: warning: {gap.message()}", file=sys.stderr)
    for name, count in sorted(result.unruled.items()):
        print(f"edition: warning: <{name}> has no row in the processing model: its content is printed as "
              f"plain text ({count} {'time' if count == 1 else 'times'})", file=sys.stderr)
    for target in sorted(result.unresolved_links):
        print(f"edition: warning: a link points to #{target}, which the book does not print", file=sys.stderr)
    for path in (result.pdf, result.html, result.epub):
        if path:
            console.info(f"wrote {display_path(path)}")
    if console.verbose:
        laid_out = ", ".join(result.laid_out) or "none (all parts from the layout cache)"
        console.info(f"  parts laid out: {laid_out}")
        if result.early:
            console.info(f"  started before the rest of the book was rendered: {', '.join(result.early)}")
        for stage, seconds in result.timings.stages.items():
            console.info(f"  {stage:10} {seconds:7.2f} s")
    return EXIT_OK


def validation_errors(volume: Path, root: Path) -> list:
    """The volume's validation errors; none when the validation itself fails (the build's own error
    is then reported)."""
    from edition.check.validate import validate

    try:
        return [f for f in validate(volume, root) if f.severity == "error"]
    except Exception:
        return []


def check_input_file(path: Path | None) -> None:
    """Refuse, in one line naming it, an input file that is a folder or cannot be opened."""
    if path is None:
        return
    try:
        if not stat.S_ISDIR(os.stat(path).st_mode) and not stat.S_ISREG(os.stat(path).st_mode):
            # A FIFO or a device: opening it could wait for ever.
            raise EditionError("not a regular file (a pipe or a device); name a TEI file", path=path)
        with open(path, "rb"):
            pass
    except OSError as exc:
        raise EditionError(file_error_reason(exc), path=path) from None


def file_error_reason(exc: OSError) -> str:
    return FILE_ERRORS.get(exc.errno) or (exc.strerror or str(exc)).lower()


def refuse(errors: list) -> int:
    from edition.check.validate import report

    if len(errors) == 1 and errors[0].rule.startswith(UNREADABLE_RULES):
        # The volume could not be read at all: one line, as for any file that cannot be read (no
        # summary, and no --force hint, which could not help).
        print(errors[0], file=sys.stderr)
        return EXIT_INPUT
    print(report(errors), file=sys.stderr)
    print("edition: not building a volume with validation errors (use --force to build anyway)",
          file=sys.stderr)
    return EXIT_INPUT


def run_new(args: argparse.Namespace, console: Console) -> int:
    from edition.scaffold import create_project

    if args.project is not None:
        raise EditionError("edition new makes a project: name its folder (edition new DIR), not --project",
                           rule="usage")
    made = create_project(args.folder, args.title, args.language)
    console.info(f"wrote {display_path(made.root)}/: {', '.join(made.files)}")
    if made.interface_fallback:
        console.info(f"edition: no interface catalogue for '{args.language}': the book's and the site's "
                     f"headings and labels are in English ([project] interface_language in edition.toml)")
    console.info(f"next: cd {display_path(made.root)} && edition validate && edition build")
    return EXIT_OK


def run_theme(args: argparse.Namespace, console: Console) -> int:
    """List the theme's files, or copy some into the project's styles/ (never over a file there)."""
    import shutil

    from edition.project import THEME

    shipped = sorted(p.relative_to(THEME).as_posix() for p in THEME.rglob("*")
                     if p.is_file() and "__pycache__" not in p.parts)
    if not args.files:
        sys.stdout.write("".join(f"{name}\n" for name in shipped))
        return EXIT_OK
    project = find_project(purpose="run `edition theme FILE` in a project's folder", start=args.project)
    for name in args.files:
        name = Path(name).as_posix().removeprefix("styles/")
        if name not in shipped:
            raise EditionError(f"the theme has no file '{name}' (`edition theme` lists them)", rule="usage")
        if (project.styles / name).exists():
            raise EditionError(f"{display_path(project.styles / name)} exists already; edit it there "
                               "(edition theme writes over nothing)", rule="usage")
    for name in args.files:
        name = Path(name).as_posix().removeprefix("styles/")
        target = project.styles / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(THEME / name, target)
        console.info(f"wrote {display_path(target)}")
    return EXIT_OK


def run_validate(args: argparse.Namespace, console: Console) -> int:
    from edition.check.validate import report, validate
    from edition.config import CONFIG_NAME, load_config

    findings = []
    timings: dict[str, float] | None = {} if console.verbose else None
    if not args.files:
        project = find_project(purpose="name the TEI files to check: edition validate FILE…",
                               start=args.project)
        check_input_file(project.volume)
        findings = validate(project.volume, project.root, timings=timings)
    for file in args.files:
        check_input_file(file)
        # The project of a file: the nearest edition.toml or repository layout, else its own folder
        # (never /), as for build; its edition.toml, if it has one, gives the settings.
        project = find_project(file)
        settings = project.root / CONFIG_NAME
        findings += validate(file, project.root, config=load_config(settings if settings.is_file() else None),
                             timings=timings)
    for rule, seconds in sorted((timings or {}).items(), key=lambda item: -item[1]):
        console.info(f"  {rule:24} {seconds:7.3f} s")
    text = report(findings, args.format)
    if findings or not console.quiet:
        print(text)
    return EXIT_INPUT if any(f.severity == "error" for f in findings) else EXIT_OK


def run_schema(args: argparse.Namespace, console: Console) -> int:
    from edition.check.schema import write_project_schema

    project = find_project(purpose="run `edition schema` in a project's folder", start=args.project)
    check_input_file(project.volume)
    target, kept = write_project_schema(project, args.output)
    name = target.absolute().resolve().relative_to(project.root.resolve()).as_posix()
    console.info(f"wrote {display_path(target)} ({kept} elements kept)")
    if project.config.validation.schema == target.absolute().resolve():
        console.info("edition.toml names it already: `edition validate` holds the texts to it")
    else:
        console.info(f'to validate against it, add to edition.toml, under [validation]:\nschema = "{name}"')
    return EXIT_OK


def run_import(args: argparse.Namespace, console: Console) -> int:
    from edition.importers.pdftext import import_text
    from edition.output import write_text

    check_input_file(args.source)
    if args.source.suffix.lower() == ".docx":
        return run_import_docx(args, console)
    try:
        tei, report = import_text(args.source, draft_language(args))
    except UnicodeDecodeError as exc:
        raise EditionError(f"{display_path(args.source)}: not UTF-8 text ({exc.reason})") from exc
    if args.output:
        write_text(args.output, tei)
        console.info(f"wrote {display_path(args.output)}")
    else:
        sys.stdout.write(tei)
    console.info(report.summary())
    return EXIT_OK


def draft_language(args: argparse.Namespace) -> str | None:
    """The language a plain-text draft declares: --language, else the project's text_language."""
    from edition.scaffold import canonical_language, check_arguments

    if args.language:
        check_arguments("-", args.language)
        return canonical_language(args.language)
    project = project_or_none(args.project)
    return project.config.project.text_language if project is not None else None


def run_import_docx(args: argparse.Namespace, console: Console) -> int:
    """A Word manuscript: the draft into the project (its .bib gains the works it cites); outside a
    project, the draft and a .bib of its works beside the manuscript."""
    from edition.importers.docx import import_docx

    project = project_or_none(args.project)
    if project is not None:
        target = args.output or project.tei / f"{args.source.stem}.xml"
        bibliographies = project.bibliographies
        # New works go into the first .bib; a project with none gets bibliography/references.bib.
        bibliography = (bibliographies[0] if bibliographies
                        else project.root / "bibliography" / "references.bib")
    else:
        target = args.output or args.source.with_suffix(".xml")
        bibliography = target.with_suffix(".bib")
        bibliographies = [bibliography]
    result = import_docx(args.source, target, bibliographies, bibliography)
    result.write()
    console.info(f"wrote {display_path(target)}")
    console.info(result.report.summary())
    return EXIT_OK


def project_or_none(start: Path | None) -> Project | None:
    try:
        return find_project(start=start)
    except EditionError:
        if start is not None:
            raise
        return None


def run_bib_export(args: argparse.Namespace, console: Console) -> int:
    from edition.bib.export import export
    from edition.output import write_text

    text = export(args.bib or project_bibliographies(find_project(start=args.project)), args.format)
    if args.output:
        write_text(args.output, text)
        console.info(f"wrote {display_path(args.output)}")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def run_bib_import(args: argparse.Namespace, console: Console) -> int:
    from edition.bib.merge import merge
    from edition.output import write_text

    bibs = [args.bib] if args.bib else project_bibliographies(find_project(start=args.project))
    bib = bibs[0]  # the entries go into the first; the others are looked in for duplicates and keys
    result = merge(args.source, bib, bibs[1:])
    for repeat in result.duplicates:
        console.info(f"{display_path(args.source)}: '{repeat.incoming}' is already '{repeat.existing}' "
                     f"({repeat.reason}); not added")
    if result.added and not args.dry_run:
        write_text(bib, result.text)
    verb = "would add" if args.dry_run else "added"
    console.info(f"{verb} {len(result.added)} entries to {display_path(bib)}"
                 + (f": {', '.join(result.added)}" if result.added else "")
                 + f"; {len(result.duplicates)} already there")
    return EXIT_OK


def run_bib_check(args: argparse.Namespace, console: Console) -> int:
    from edition.bib.check import check
    from edition.check.validate import report

    if args.bib and not args.volume and not in_a_project(args.project):
        findings = check(args.bib, None, None)  # the .bib on its own: no citations to compare
    else:
        project = find_project(args.volume, purpose="name the .bib to check: edition bib check --bib FILE",
                               start=args.project)
        findings = check(args.bib or project_bibliographies(project), args.volume or project.volume,
                         project.root)
    print(report(findings, args.format))
    return EXIT_INPUT if any(f.severity == "error" for f in findings) else EXIT_OK


def project_bibliographies(project: Project) -> list[Path]:
    """The project's .bib files; none is an error naming where they are looked for."""
    bibs = [bib for bib in project.bibliographies if bib.exists()]
    if not bibs:
        raise EditionError("the project has no .bib file (edition.toml's [files] bibliography, else "
                           "bibliography/*.bib); name one with --bib FILE", path=project.root)
    return bibs


def in_a_project(start: Path | None) -> bool:
    try:
        find_project(start=start)
    except EditionError:
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    console = Console(getattr(args, "quiet", False), getattr(args, "verbose", False))
    logging.basicConfig(level=logging.ERROR if not console.verbose else logging.WARNING,
                        format="edition: %(name)s: %(message)s")
    try:
        with stop_signals_interrupt():
            configure_limits(getattr(args, "limit", None))
            check_project_option(args.project)
            return args.run(args, console)
    except EditionError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE if exc.rule == "usage" else EXIT_INPUT
    except Terminated as exc:
        print(f"edition: stopped by {exc}", file=sys.stderr)
        return EXIT_INTERRUPTED + exc.signum
    except KeyboardInterrupt:
        print("edition: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED + 2
    except BrokenPipeError:
        # Whoever read our output stopped reading (``edition bib export | head``): nothing to say.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_INPUT
    except OSError as exc:
        return report_failure(console, os_error_line(exc), EXIT_INPUT)
    except Exception as exc:
        return report_failure(console, bug_line(args, exc), EXIT_BUG)


def check_project_option(folder: Path | None) -> None:
    """--project names a folder: refuse, in one line, one that is not there."""
    if folder is not None and not folder.is_dir():
        reason = "no such folder" if not folder.exists() else "not a folder"
        raise EditionError(f"--project: {reason}; name the project's folder", rule="usage", path=folder)


def report_failure(console: Console, line: str, status: int) -> int:
    """One line on stderr (after the traceback, with --verbose); the exit status."""
    if console.verbose:
        traceback.print_exc()
    print(line, file=sys.stderr)
    return status


def os_error_line(exc: OSError) -> str:
    """A file that cannot be read or written: ``path: error: why``."""
    if exc.filename is None:
        return f"edition: error: {file_error_reason(exc)}"
    return f"{display_path(Path(os.fsdecode(exc.filename)))}: error: {file_error_reason(exc)}"


def bug_line(args: argparse.Namespace, exc: Exception) -> str:
    """An error the input did not cause: what failed, and that it is a bug to report."""
    command = " ".join(filter(None, (args.command, getattr(args, "bib_command", None))))
    what = " ".join(str(exc).split())[:300] or "(no message)"
    return (f"edition: error: {command} failed: {type(exc).__name__}: {what} — this is a bug in edition; "
            "please report it with the output of the same command run with --verbose")


def run() -> None:
    """The ``edition`` command: ``main``, then an exit that skips the interpreter's teardown.

    When ``main`` returns success every output is written and closed, the layout workers, pandoc and
    the validation process have been joined, and nothing is left for exit handlers to do; freeing the
    build's objects one by one (the volume's trees, WeasyPrint, qpdf's) would add 0.1-0.2 s to every
    rebuild. A command stopped by a signal has killed its workers and removed what it staged before
    ``main`` returns: it exits at once too, as 128 + the signal's number, where a signal reaching it
    during the teardown (Python puts the default handlers back) would kill it instead (seen as -2
    after "edition: interrupted", twice in a loaded test run)."""
    code = main()
    stopped = code > EXIT_INTERRUPTED
    if (code != EXIT_OK and not stopped) or sys.gettrace() or sys.getprofile():
        raise SystemExit(code)  # a failed build may leave threads; a profiler writes its report at exit
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    run()
