"""Any TEI P5 file gets jing's verdict: real documents from public projects, datatype edge cases,
input that is not TEI P5, a project's own schema and Schematron, and edition.toml."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from edition.check.conformance import TEI_ALL, schema
from edition.tei.load import parse_file, safe_parser

from .conftest import ROOT

REAL = ROOT / "tests" / "data" / "tei"
JING = [line.split("\t") for line in (REAL / "jing.tsv").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")]
PROBES = [line.split("\t") for line in (REAL / "probes.tsv").read_text(encoding="utf-8").splitlines()
          if line and not line.startswith("#")]
PROBE_DOCUMENT = ('<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>t</title>'
                  "</titleStmt><publicationStmt><p>p</p></publicationStmt><sourceDesc><p>s</p></sourceDesc>"
                  "</fileDesc></teiHeader><text><body>{}</body></text></TEI>")
FINDING = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<column>\d+): (?P<severity>error|warning): "
                     r"(?P<message>.+) \[(?P<rule>[\w-]+)\]$")


def edition(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "edition.cli", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


def jing(*files: Path) -> set[str]:
    """The files jing (Debian's package, with tei_all 4.3.0) calls invalid."""
    result = subprocess.run(["jing", str(TEI_ALL), *map(str, files)], capture_output=True, text=True,
                            timeout=300)
    return {line.split(":", 1)[0] for line in result.stdout.splitlines() if ": error: " in line}


@pytest.fixture(scope="module")
def real_findings() -> dict[str, list[re.Match]]:
    """`edition validate` of every real document at once, its findings by file."""
    result = edition("validate", *(str(REAL / name) for name, _, _ in JING))
    assert "Traceback" not in result.stderr, result.stderr
    findings: dict[str, list[re.Match]] = {name: [] for name, _, _ in JING}
    lines = result.stdout.strip().splitlines()
    for line in lines[:-1]:
        match = FINDING.match(line)
        assert match, line
        findings[match.group("path").removeprefix("tests/data/tei/")].append(match)
    return findings


def test_the_corpus_covers_what_the_issue_asks() -> None:
    projects = {name.split("/")[0] for name, _, _ in JING}
    assert len(JING) >= 10 and len(projects) >= 4
    for project in projects:
        readme = (REAL / project / "README.md").read_text(encoding="utf-8")
        assert "Licence: " in readme and "https://github.com/" in readme and "commit" in readme
    text = {name: (REAL / name).read_text(encoding="utf-8") for name, _, _ in JING}
    def having(*tags: str) -> list[str]:
        return [n for n, t in text.items() if all(re.search(rf"<{tag}[\s>]", t) for tag in tags)]
    assert having("lg", "l") and having("sp", "speaker") and having("choice", "add", "del")
    assert having("note") and (having("opener") or having("closer") or having("correspDesc"))  # letters
    assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", text["ceteicean/meros.xml"])  # Japanese
    assert re.search(r"[\u0370-\u03ff\u1f00-\u1fff]", text["dracor/aeschylus-persians.xml"])  # Greek
    assert {verdict for _, verdict, _ in JING} == {"valid", "invalid"}


@pytest.mark.parametrize(("name", "verdict", "first"), JING, ids=[name for name, _, _ in JING])
def test_validate_gives_jings_verdict(real_findings, name: str, verdict: str, first: str) -> None:
    errors = [m for m in real_findings[name] if m.group("severity") == "error"]
    if verdict == "valid":
        assert errors == [], [m.group(0) for m in errors]
    else:
        assert errors and {m.group("rule") for m in errors} == {"tei-schema"}
        assert errors[0].group("line") == first.split(":")[0], (errors[0].group(0), first)


def test_recorded_verdicts_are_jings_own() -> None:
    """jing itself (a test dependency: scripts/system-deps.sh installs it) agrees with jing.tsv."""
    invalid = jing(*(REAL / name for name, _, _ in JING))
    assert {name for name, verdict, _ in JING if verdict == "invalid"} == {
        str(Path(path).relative_to(REAL)) for path in invalid}


def test_a_finding_names_the_file_though_the_author_set_an_xml_base(tmp_path: Path) -> None:
    """Perseus's texts give each section a CTS URN as its xml:base: findings named the URN as the
    file ("urn:cts:latinLit:…:85:1"). A paragraph put inside a paragraph (its text after it) is
    reported as jing reports it, in the file the user gave."""
    source = (REAL / "perseus" / "phi0474.phi041.perseus-lat2.xml").read_text(encoding="utf-8")
    broken = tmp_path / "cicero.xml"
    broken.write_text(source.replace("</reg> genera esse", "</reg><p>x</p> genera esse", 1), encoding="utf-8")
    assert jing(broken) == {str(broken)}
    result = edition("validate", "cicero.xml", cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        "cicero.xml:85:1: error: <p> is not allowed here, in <p> [tei-schema]", "1 error, 0 warnings"]


def test_reduced_grammar_gives_full_tei_alls_verdict() -> None:
    """Validity against tei_all reduced to a document's elements is validity against tei_all."""
    full = etree.RelaxNG(parse_file(TEI_ALL))
    reduced = schema(TEI_ALL)
    for name, _, _ in JING:
        root = parse_file(REAL / name).getroot()
        assert full.validate(etree.ElementTree(root)) == (not reduced.problems(root)), name


def probe_verdict(body: str) -> str:
    root = etree.fromstring(PROBE_DOCUMENT.format(body).encode(), safe_parser())
    return "invalid" if schema(TEI_ALL).problems(root) else "valid"


@pytest.mark.parametrize(("body", "by_jing", "by_edition"), PROBES, ids=[str(i) for i in range(len(PROBES))])
def test_datatype_probe(body: str, by_jing: str, by_edition: str) -> None:
    assert probe_verdict(body) == by_edition


def test_probes_differ_from_jing_only_where_the_readme_says() -> None:
    differ = [body for body, by_jing, by_edition in PROBES if by_jing != by_edition]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(differ) <= 6
    for body in differ:
        value = re.search(r'(?:when|url)="([^"]*)"', body).group(1)
        assert f"`{value}`" in readme, value


def test_probe_table_is_jings_verdict(tmp_path: Path) -> None:
    files = []
    for number, (body, _, _) in enumerate(PROBES):
        files.append(tmp_path / f"probe{number:03d}.xml")
        files[-1].write_text(PROBE_DOCUMENT.format(body), encoding="utf-8")
    invalid = jing(*files)
    assert [by_jing for _, by_jing, _ in PROBES] == [
        "invalid" if str(f) in invalid else "valid" for f in files]


@pytest.mark.parametrize(("content", "expected"), [
    (b"<TEI.2><teiHeader/><text><body><p>x</p></body></text></TEI.2>", "this is TEI P4 (root <TEI.2>"),
    (b'<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>', "root element <html> (namespace"),
    (b"<TEI><teiHeader/></TEI>", "root element <TEI> is not in the TEI namespace"),
    (b"%PDF-1.4\n\x89\xff binary", "not XML (a file that does not start with '<')"),
    (b"", "not XML (an empty file)"),
    (b'<text xmlns="http://www.tei-c.org/ns/1.0"><body><p>x</p></body></text>',
     "<text> may not be the root element of a document (expected: <TEI> or <teiCorpus>)"),
], ids=["tei-p4", "xhtml", "no-namespace", "pdf", "empty", "text-root"])
def test_what_is_not_tei_p5_gets_one_line(tmp_path: Path, content: bytes, expected: str) -> None:
    (tmp_path / "edition.toml").write_text("", encoding="utf-8")
    (tmp_path / "input.xml").write_bytes(content)
    result = edition("validate", "input.xml", cwd=tmp_path)
    lines = result.stdout.strip().splitlines()
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert len(lines) == 2 and lines[1] == "1 error, 0 warnings"
    assert lines[0].startswith("input.xml:1:1: error: ") and expected in lines[0], lines[0]


def test_the_bundled_volume_still_validates_under_its_profile() -> None:
    result = edition("validate")
    assert result.returncode == 0 and result.stdout.strip() == "0 errors, 0 warnings"
    assert 'profile = "article-volume"' in (ROOT / "edition.toml").read_text(encoding="utf-8")


def test_the_volume_profile_is_not_held_against_other_documents() -> None:
    """Verse, drama and unnumbered notes are no errors outside the profile."""
    result = edition("validate", str(REAL / "tei-publisher" / "kipling.xml"),
                     str(REAL / "tei-publisher" / "27003.xml"))
    assert result.returncode == 0, result.stdout
    assert "outside the edition's profile" not in result.stdout and "[note-number]" not in result.stdout


def test_outside_a_project_validate_and_build_say_what_they_need(tmp_path: Path) -> None:
    for command, wanted in (("validate", "edition validate FILE"), ("build", "edition build FILE")):
        result = edition(command, cwd=tmp_path)
        assert result.returncode == 2, result.stderr
        assert result.stdout == "" and len(result.stderr.strip().splitlines()) == 1
        assert "no edition project here" in result.stderr and wanted in result.stderr


def project_with(tmp_path: Path, settings: str) -> Path:
    (tmp_path / "edition.toml").write_text(settings, encoding="utf-8")
    (tmp_path / "text.xml").write_text(PROBE_DOCUMENT.format("<p>x</p>"), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(("settings", "expected"), [
    ("[validation]\nprofil = \"article-volume\"\n",
     "edition.toml:2:1: error: unknown key 'profil' in [validation] (keys: profile, schema, schematron)"),
    ("[validation]\n\nprofile = 3\n",
     "edition.toml:3:1: error: [validation] profile must be a string, not an integer"),
    ("[validaton]\n", "edition.toml:1:1: error: unknown section [validaton] (sections: [project], [files], "
                     "[bibliography], [print], [indexes], [validation], [processing])"),
    ("[project]\neditors = \"A. Editor\"\n",
     "edition.toml:2:1: error: [project] editors must be an array of strings, not a string"),
    ("[project]\nyear = \"2024\"\n",
     "edition.toml:2:1: error: [project] year must be an integer, not a string"),
    ("[validation]\nprofile = \"turkish\"\n",
     "edition.toml:2:1: error: [validation] profile = 'turkish': no such profile (profiles: article-volume)"),
    ("[validation]\nschema = \"missing.rng\"\n",
     "edition.toml:2:1: error: [validation] schema = 'missing.rng': no such file"),
    ("[validation]\nschema = \"../outside.rng\"\n", "is outside the project"),
    ("[validation\n", "edition.toml:1:"),
], ids=["unknown-key", "wrong-type", "unknown-section", "wrong-list", "wrong-integer", "unknown-profile",
        "missing-file", "outside", "syntax"])
def test_settings_that_cannot_be_used_are_one_line(tmp_path: Path, settings: str, expected: str) -> None:
    root = tmp_path / "project"
    root.mkdir()
    project = project_with(root, settings)
    result = edition("validate", "text.xml", cwd=project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and expected in result.stderr, result.stderr


PROJECT_SCHEMA = """<grammar xmlns="http://relaxng.org/ns/structure/1.0" ns="http://www.tei-c.org/ns/1.0">
  <start><element name="TEI"><element name="text"><oneOrMore><element name="p"><text/></element>
  </oneOrMore></element></element></start>
</grammar>
"""
PROJECT_RULES = """<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt">
  <ns prefix="tei" uri="http://www.tei-c.org/ns/1.0"/>
  <pattern><rule context="tei:p">
    <assert id="p-capital" test="translate(substring(., 1, 1), 'abcdefghijklmnopqrstuvwxyz', '') != ''">a
      paragraph starts with a capital</assert>
    <assert test="string-length(.) &lt; 20" role="warning">a short paragraph is wanted</assert>
  </rule></pattern>
</schema>
"""


def test_a_project_names_its_own_schema_and_schematron(tmp_path: Path) -> None:
    (tmp_path / "schema").mkdir()
    (tmp_path / "schema" / "project.rng").write_text(PROJECT_SCHEMA, encoding="utf-8")
    (tmp_path / "schema" / "rules.sch").write_text(PROJECT_RULES, encoding="utf-8")
    (tmp_path / "edition.toml").write_text(
        '[validation]\nschema = "schema/project.rng"\nschematron = "schema/rules.sch"\n', encoding="utf-8")
    tei = ('<TEI xmlns="http://www.tei-c.org/ns/1.0"><text>\n<p>Fine.</p>\n<p>lower case and long enough</p>'
           "\n</text></TEI>")
    (tmp_path / "own.xml").write_text(tei, encoding="utf-8")
    (tmp_path / "tei_all.xml").write_text(PROBE_DOCUMENT.format("<p>x</p>"), encoding="utf-8")
    result = edition("validate", "own.xml", "tei_all.xml", cwd=tmp_path)
    lines = result.stdout.strip().splitlines()
    assert "own.xml:3:1: error: a paragraph starts with a capital [p-capital]" in lines
    assert "own.xml:3:1: warning: a short paragraph is wanted [schematron]" in lines
    # A document of tei_all is not one of this project's schema: its header's elements are not in it.
    schema_errors = [line for line in lines if line.endswith("[tei-schema]")]
    assert schema_errors and all(line.startswith("tei_all.xml:1:1: error: <") for line in schema_errors)
    assert ("tei_all.xml:1:1: error: <teiHeader> is TEI but not in the schema in force "
            "(schema/project.rng) [tei-schema]") in schema_errors
    assert any(line.startswith("tei_all.xml:1:1: error: a paragraph starts") for line in lines)
    assert lines[-1] == f"{len(schema_errors) + 2} errors, 1 warning"


def test_generic_integrity_rules_warn_where_tei_all_is_silent(tmp_path: Path) -> None:
    project_with(tmp_path, "")
    (tmp_path / "text.xml").write_text(PROBE_DOCUMENT.format(
        '<p><persName ref="#nobody">N.</persName></p>'
        '<p>A<note place="foot">no @n</note>.</p>'), encoding="utf-8")
    (tmp_path / "twice.xml").write_text(PROBE_DOCUMENT.format(
        '<p xml:id="a">x</p><p xml:id="a">y</p>'), encoding="utf-8")
    result = edition("validate", "text.xml", "twice.xml", cwd=tmp_path)
    lines = result.stdout.strip().splitlines()
    assert ("text.xml:1:1: warning: @ref points to '#nobody', but no element has xml:id 'nobody'; add that "
            "id or fix the pointer [pointer-resolves]") in lines
    assert not any("[note-number]" in line for line in lines)
    assert "twice.xml:1:1: error: xml:id 'a' is used twice in the document (an xml:id must be unique) " \
           "[tei-schema]" in lines
    assert any(line.startswith("twice.xml:1:1: error: xml:id 'a' is already used") for line in lines)
    assert result.returncode == 1 and lines[-1] == "2 errors, 1 warning"
