"""Hostile .bib files (issue 16): each refused with one exact line and exit status 1 by every command
that reads a .bib, before anything slow (pandoc, pylatexenc) sees it; pandoc's own failures and its
time limit are one line too.

The committed inputs and their refusals are in tests/data/hostile/bib-expected.tsv; large or special
files (100,000 nested braces, a file over the size limit, a directory, a FIFO, an unreadable file)
are made here in tmp_path.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import bibtexparser
import pytest
from pylatexenc.latexencode import UnicodeToLatexEncoder

from edition.bib.check import check
from edition.bib.export import DASHES, LatexEscaper, _latex_encoder
from edition.cli import main
from edition.textfile import probable_encoding

from .conftest import ROOT

HOSTILE = ROOT / "tests" / "data" / "hostile"
EDITION = Path(sys.executable).parent / "edition"
FORMATS = ("bibtex", "biblatex", "csljson", "ris")
EVERY_READER = [["bib", "export", "--format", fmt] for fmt in FORMATS] + [["bib", "check"]]
PANDOC_EXPORT = [["bib", "export", "--format", "csljson"]]


def expected_refusals() -> list[tuple[str, str, str]]:
    rows = (HOSTILE / "bib-expected.tsv").read_text(encoding="utf-8").splitlines()
    return [tuple(row.split("\t")) for row in rows if row and not row.startswith("#")]


def cli(args: list[str], cwd: Path, monkeypatch, capsys) -> tuple[int, str, str]:
    """The command run in this process (``edition.cli.main``) from ``cwd``: status, stdout, stderr."""
    monkeypatch.chdir(cwd)
    status = main(args)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def assert_refused(commands: list[list[str]], bib: str, refusal: str, cwd: Path, monkeypatch, capsys,
                   *options: str) -> None:
    for command in commands:
        result = cli([*command, "--bib", bib, *options], cwd, monkeypatch, capsys)
        assert result == (1, "", refusal + "\n"), command


@pytest.mark.parametrize(("name", "readers", "refusal"), expected_refusals())
def test_committed_hostile_bib_is_refused_with_its_line(name: str, readers: str, refusal: str, monkeypatch,
                                                         capsys) -> None:
    commands = EVERY_READER if readers == "every" else PANDOC_EXPORT
    assert_refused(commands, name, refusal, HOSTILE, monkeypatch, capsys)


def test_an_at_string_of_two_macros_is_refused_by_every_export(monkeypatch, capsys) -> None:
    # BibTeX refuses it; bibtexparser would read one macro, "{İletişim}, yer = {İstanbul}", and the
    # publisher would print as that; pandoc refuses it too.
    refusal = ("bib-string-pandoc-rejects.bib:1:32: error: this @string defines more than one macro; "
               "write one @string{name = value} for each")
    for fmt in ("bibtex", "biblatex", "ris", "csljson"):
        status, out, err = cli(["bib", "export", "--format", fmt, "--bib", "bib-string-pandoc-rejects.bib"],
                               HOSTILE, monkeypatch, capsys)
        assert (status, out, err) == (1, "", refusal + "\n"), fmt


def test_100000_nested_braces_are_refused_before_pandoc_or_pylatexenc(tmp_path: Path, monkeypatch,
                                                                     capsys) -> None:
    depth = 100_000
    (tmp_path / "deep.bib").write_text("@book{deep,\n  title = " + "{" * depth + "x" + "}" * depth + ",\n}\n",
                                       encoding="utf-8")
    refusal = ("deep.bib:2:75: error: braces nested 65 deep in one field, over the limit bib_brace_depth=64 "
               "(raise it with --limit bib_brace_depth=N)")
    assert_refused(EVERY_READER, "deep.bib", refusal, tmp_path, monkeypatch, capsys)


def test_pandoc_is_stopped_at_its_time_limit(tmp_path: Path, monkeypatch, capsys) -> None:
    # With the brace limit raised, pandoc gets the 100,000 nested braces, over which it takes minutes.
    depth = 100_000
    (tmp_path / "deep.bib").write_text("@book{deep,\n  title = " + "{" * depth + "x" + "}" * depth + ",\n}\n",
                                       encoding="utf-8")
    refusal = ("deep.bib: error: pandoc was stopped after 2 s, over the limit pandoc_seconds=2 "
               "(raise it with --limit pandoc_seconds=N)")
    assert_refused(PANDOC_EXPORT, "deep.bib", refusal, tmp_path, monkeypatch, capsys,
                   "--limit", "bib_brace_depth=200000", "--limit", "pandoc_seconds=2")


def test_a_crossref_chain_within_a_raised_limit_is_exported(monkeypatch, capsys) -> None:
    status, out, err = cli(["bib", "export", "--format", "csljson", "--bib", "bib-crossref-chain.bib",
                            "--limit", "bib_crossref_depth=9"], HOSTILE, monkeypatch, capsys)
    assert (status, err) == (0, "")
    assert [item["id"] for item in json.loads(out)] == [f"c{i}" for i in range(10)]


@pytest.mark.parametrize("link", ['crossref = "cr2"', "crossref = {{cr2}}", "crossref = ref",
                                  'crossref = "cr" # "2"', "CROSSREF = {cr2}", "crossref = { cr2 }",
                                  "crossref = {cr2,}", "crossref = {cr3, cr2}", "xdata = {cr2}"])
def test_every_spelling_of_a_link_pandoc_follows_is_checked(link: str, tmp_path: Path, monkeypatch,
                                                            capsys) -> None:
    # Each of these makes pandoc's biblatex reader loop for ever (checked by hand with pandoc 3.9).
    (tmp_path / "links.bib").write_text(
        "@string{ref = {cr2}}\n@book{cr3, title = {Üç}}\n"
        f"@book{{cr1, title = {{Bir}}, {link}}}\n@book{{cr2, title = {{İki}}, crossref = {{cr1}}}}\n",
        encoding="utf-8")
    status, out, err = cli(["bib", "export", "--format", "ris", "--bib", "links.bib"], tmp_path, monkeypatch,
                           capsys)
    assert (status, out) == (1, "")
    assert err.startswith("links.bib:3:") and " cycle cr1 → cr2 → cr1: " in err and err.count("\n") == 1


def test_files_that_are_not_a_readable_bib_are_refused(tmp_path: Path, monkeypatch, capsys) -> None:
    (tmp_path / "folder.bib").mkdir()
    os.mkfifo(tmp_path / "pipe.bib")  # opening it would wait for a writer for ever
    with open(tmp_path / "huge.bib", "wb") as sparse:  # over the limit without writing 16 MB
        sparse.truncate(16 * 1024 * 1024 + 1)
    cases = {
        "folder.bib": "folder.bib: error: is a directory, not a file",
        "pipe.bib": "pipe.bib: error: is not a regular file (a FIFO, socket or device); give a file",
        "missing.bib": "missing.bib: error: no such file",
        "huge.bib": "huge.bib: error: the file has 16,777,217 bytes, over the limit bib_file_bytes=16777216 "
                    "(raise it with --limit bib_file_bytes=N)",
    }
    for name, refusal in cases.items():
        assert_refused(EVERY_READER, name, refusal, tmp_path, monkeypatch, capsys)


def unreadable_command() -> list[str]:
    """How to run the CLI so that a mode-000 file cannot be read: as root, without the capabilities
    that let root read any file (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH)."""
    if os.geteuid() != 0:
        return [str(EDITION)]
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root, where chmod 000 does not stop reads, and setpriv (util-linux) "
                    "is missing to drop root's file-reading capabilities")
    return [setpriv, "--bounding-set", "-dac_override,-dac_read_search", str(EDITION)]


def test_an_unreadable_bib_is_refused_through_the_real_cli(tmp_path: Path) -> None:
    locked = tmp_path / "locked.bib"
    locked.write_text("@book{a, title = {Kitap}, date = {2001}}\n", encoding="utf-8")
    locked.chmod(0)
    refusal = "locked.bib: error: cannot read it: permission denied (the file is not readable by this user)\n"
    for command in EVERY_READER:
        result = subprocess.run([*unreadable_command(), *command, "--bib", "locked.bib"], cwd=tmp_path,
                                capture_output=True, text=True, timeout=120)
        assert (result.returncode, result.stdout, result.stderr) == (1, "", refusal), command


def test_a_latin1_bib_gives_one_line_and_no_traceback_through_the_real_cli() -> None:
    result = subprocess.run([str(EDITION), "bib", "export", "--format", "csljson", "--bib", "bib-latin1.bib"],
                            cwd=HOSTILE, capture_output=True, text=True, timeout=120)
    [line] = [row[2] for row in expected_refusals() if row[0] == "bib-latin1.bib"]
    assert (result.returncode, result.stdout, result.stderr) == (1, "", line + "\n")


# --- the build ----------------------------------------------------------------------------------------

def project_with_bib(tmp_path: Path, bib_text: str) -> Path:
    """A copy of the bundled project (its TEI and styles) whose bibliography is ``bib_text``."""
    root = tmp_path / "project"
    for folder in ("tei", "styles"):
        shutil.copytree(ROOT / folder, root / folder)
    (root / "bibliography").mkdir()
    (root / "bibliography" / "edition.bib").write_text(bib_text, encoding="utf-8")
    return root


def build_html(root: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(EDITION), "build", "--html", "--out", "out", *options], cwd=root,
                          capture_output=True, text=True, timeout=300)


def test_build_refuses_a_crossref_cycle_with_its_line(tmp_path: Path) -> None:
    bib = (ROOT / "bibliography" / "edition.bib").read_text(encoding="utf-8")
    cycle = (HOSTILE / "bib-crossref-cycle.bib").read_text(encoding="utf-8")
    line = bib.count("\n") + 4  # the crossref field of cr1, counted from the end of the real entries
    root = project_with_bib(tmp_path, bib + cycle)
    refusal = (f"bibliography/edition.bib:{line}:3: error: crossref cycle cr1 → cr2 → cr1: an entry cannot "
               "inherit from itself; remove one of these crossref fields")
    result = build_html(root)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == refusal + " [bib-crossref]"  # as the validation reports it
    assert "Traceback" not in result.stderr and not (root / "out").exists()
    forced = build_html(root, "--force")
    assert (forced.returncode, forced.stderr) == (1, refusal + "\n")
    assert not (root / "out").exists()


def test_build_gives_pandocs_complaint_as_one_line(tmp_path: Path) -> None:
    # Two values in one field: bibtexparser takes "{x} {y}" as the value, pandoc refuses it.
    rejected = "@book{pandocrejects, title = {x} {y}}"
    root = project_with_bib(tmp_path, rejected + "\n" + (ROOT / "bibliography" / "edition.bib").read_text(
        encoding="utf-8"))
    result = build_html(root)
    assert (result.returncode, result.stderr) == (
        1, "bibliography/edition.bib:1:34: error: pandoc cannot read this: unexpected '{'; fix it here\n")
    assert not (root / "out").exists()


def test_build_refuses_an_at_string_of_two_macros(tmp_path: Path) -> None:
    rejected = (HOSTILE / "bib-string-pandoc-rejects.bib").read_text(encoding="utf-8").splitlines()[0]
    root = project_with_bib(tmp_path, rejected + "\n" + (ROOT / "bibliography" / "edition.bib").read_text(
        encoding="utf-8"))
    result = build_html(root)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("bibliography/edition.bib:1:32: error: this @string defines more than "
                                    "one macro; write one @string{name = value} for each [bib-syntax]\n")
    assert not (root / "out").exists()


# --- what the checks rest on --------------------------------------------------------------------------

def test_probable_encodings() -> None:
    assert probable_encoding("Fran\u00e7ois".encode("latin-1"))[0] == "latin_1"
    assert probable_encoding("Ay\u015fe Y\u0131lmaz".encode("iso8859_9"))[0] == "iso8859_9"
    assert probable_encoding("\u201cAy\u015fe\u201d".encode("cp1254"))[0] == "cp1254"
    assert probable_encoding("\u201cFran\u00e7ois\u201d".encode("cp1252"))[0] == "cp1252"


def test_latex_escaping_keeps_ascii_and_encodes_each_other_character_as_pylatexenc_does() -> None:
    # The user's LaTeX (ASCII: braces, backslashes, ~, $, %) is kept as written; every other
    # character is pylatexenc's encoding of it (dashes BibTeX's own), combining marks with their letter.
    library = bibtexparser.parse_file(str(ROOT / "bibliography" / "edition.bib"))
    values = {str(field.value) for entry in library.entries for field in entry.fields}
    values |= {"Çağdaş {Türk} tarihi: 50\\% \\& $5$ ~ \\emph{x} “q” «g» — … ı İ ğ Ş é ﬁ 𝔄 \t", ""}
    escape, encoder = LatexEscaper(), _latex_encoder()
    assert isinstance(encoder, UnicodeToLatexEncoder)
    for value in values:
        expected = "".join(c if c.isascii() else DASHES.get(c) or encoder.unicode_to_latex(c) for c in value)
        assert escape(value) == expected, value
    assert escape("e\u0301") == encoder.unicode_to_latex("\u00e9")


def test_probable_duplicates_in_a_large_group_are_found_once_each(tmp_path: Path) -> None:
    # 40 works of one author in one year: more than are compared pairwise. Two near-identical titles
    # far apart in the file are neighbours in alphabetical order; each is reported once.
    titles = [hashlib.sha256(str(i).encode()).hexdigest()[:40] for i in range(40)]  # all unlike
    titles[35] = titles[3] + "."
    entries = "".join(f"@book{{w{i}, author = {{Yılmaz, Ayşe}}, title = {{{title}}}, date = {{2001}}}}\n"
                      for i, title in enumerate(titles))
    (tmp_path / "many.bib").write_text(entries, encoding="utf-8")
    findings = [f for f in check(tmp_path / "many.bib", ROOT / "tei" / "volume.xml", ROOT)
                if f.rule == "bib-probable-duplicate"]
    assert [(f.line, f.message.split(" may")[0]) for f in findings] == [(36, "'w35'")]
    assert "'w3'" in findings[0].message
