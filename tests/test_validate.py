"""`edition validate`: the real volume passes; every hostile or broken file gets its rule's error."""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from lxml import etree

from edition.check.schema import RNG, derive_profile
from edition.check.validate import RULES, validate
from edition.project import SCHEMAS
from edition.tei.load import load_volume

from .conftest import ROOT

INVALID = ROOT / "tests" / "data" / "invalid"
EXPECTED = [line.split("\t") for line in (INVALID / "expected.tsv").read_text().splitlines()
            if line and not line.startswith("#")]


def edition(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "edition.cli", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)


def test_bundled_volume_is_valid() -> None:
    findings = validate(ROOT / "tei" / "volume.xml", ROOT)
    assert [str(f) for f in findings if f.severity == "error"] == []


@pytest.mark.parametrize(("name", "rule"), EXPECTED, ids=[name for name, _ in EXPECTED])
def test_each_invalid_file_gets_its_rule(name: str, rule: str) -> None:
    result = edition("validate", str(INVALID / name))
    lines = result.stdout.strip().splitlines()
    assert any(line.endswith(f"[{rule}]") for line in lines), result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    finding = next(line for line in lines if line.endswith(f"[{rule}]"))
    assert finding.startswith(f"tests/data/invalid/{name}:")
    if rule != "note-glue":
        assert result.returncode == 1
        assert ": error: " in finding


def test_verbose_shows_what_each_rule_took_and_the_same_findings() -> None:
    """--verbose promised each stage and its timing and printed nothing more: each rule's seconds on
    stderr, the report on stdout unchanged."""
    document = ROOT / "tests" / "data" / "tei" / "perseus" / "phi0474.phi041.perseus-lat2.xml"
    quiet, verbose = edition("validate", str(document)), edition("validate", "-v", str(document))
    assert quiet.returncode == verbose.returncode == 0 and verbose.stdout == quiet.stdout
    timed = dict(line.split()[:2] for line in verbose.stderr.splitlines() if line.endswith(" s"))
    assert {"tei-schema", "id-unique", "pointer-resolves"} <= set(timed) <= {rule.id for rule in RULES}
    assert all(float(seconds) >= 0 for seconds in timed.values())


def test_every_rule_id_is_documented() -> None:
    ids = {rule.id for rule in RULES}
    loading = {"xml-malformed", "xml-doctype", "xml-encoding", "xml-size", "tei-namespace",
               "xinclude-outside"}
    assert {rule for _, rule in EXPECTED} <= ids | loading
    assert all(rule.sentence.endswith(".") for rule in RULES)


def test_huge_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    big = tmp_path / "big.xml"
    with big.open("wb") as stream:  # sparse: 100 MB on paper, no disk used
        stream.write(b'<TEI xmlns="http://www.tei-c.org/ns/1.0">')
        stream.truncate(100 * 1024 * 1024)
    result = edition("validate", str(big))
    assert result.returncode == 1
    assert "[xml-size]" in result.stdout and "100 MB" in result.stdout


def test_no_network_access_for_external_entities_or_includes(tmp_path: Path) -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(3)
    port = server.getsockname()[1]
    connections: list[object] = []

    def accept() -> None:
        with contextlib.suppress(OSError):
            connections.append(server.accept())

    thread = threading.Thread(target=accept)
    thread.start()
    (tmp_path / "tei").mkdir()
    entity = tmp_path / "tei" / "entity.xml"
    entity.write_text(f'<!DOCTYPE TEI SYSTEM "http://127.0.0.1:{port}/tei.dtd">\n'
                      '<TEI xmlns="http://www.tei-c.org/ns/1.0"/>', encoding="utf-8")
    include = tmp_path / "tei" / "include.xml"
    include.write_text('<teiCorpus xmlns="http://www.tei-c.org/ns/1.0" '
                       'xmlns:xi="http://www.w3.org/2001/XInclude">'
                       f'<xi:include href="http://127.0.0.1:{port}/a.xml"/></teiCorpus>', encoding="utf-8")
    results = [edition("validate", str(entity)), edition("validate", str(include))]
    thread.join()
    server.close()
    assert connections == []
    assert "[xml-doctype]" in results[0].stdout
    assert "[xinclude-outside]" in results[1].stdout


def test_json_output(tmp_path: Path) -> None:
    result = edition("validate", str(INVALID / "dangling-pointer.xml"), "--format", "json")
    findings = json.loads(result.stdout)
    assert findings[0]["rule"] == "pointer-resolves" and findings[0]["line"] == 5


def test_messages_say_what_to_do() -> None:
    result = edition("validate", str(INVALID / "dangling-pointer.xml"))
    assert "no element has xml:id 'nowhere'; add that id or fix the pointer" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "1 error, 0 warnings"


def shape(element: etree._Element) -> tuple:
    """An element's name, attributes, text and children, whitespace and namespace declarations aside."""
    children = tuple(shape(c) for c in element if isinstance(c.tag, str))
    return element.tag, tuple(sorted(element.attrib.items())), (element.text or "").strip(), children


def _cleaned(define: etree._Element) -> etree._Element:
    copy = etree.fromstring(etree.tostring(define))
    strip = "{http://relaxng.org/ns/compatibility/annotations/1.0}documentation"
    for node in [*copy.iter(strip), *copy.iter(etree.Comment)]:
        node.getparent().remove(node)
    return copy


def _is_stub(define: etree._Element) -> bool:
    """An element that matches nothing: its content is notAllowed."""
    return (len(define) == 1 and define[0].tag == f"{RNG}element"
            and [c.tag for c in define[0]] == [f"{RNG}notAllowed"])


def test_profile_only_forbids_what_tei_all_allows() -> None:
    """Each define of the profile is tei_all's own, except that an element left out matches nothing
    (its content notAllowed) and choices lose their branches that refer to what matches nothing: its
    language is tei_all's with those elements notAllowed."""
    tei_all = etree.parse(str(SCHEMAS / "tei_all.rng"))
    profile = etree.parse(str(SCHEMAS / "edition.rng"))
    originals = {d.get("name"): _cleaned(d) for d in tei_all.getroot().iterfind(f"{RNG}define")}
    assert derive_profile(tei_all, set()).getroot().find(f"{RNG}start") is not None
    defines = {d.get("name"): d for d in profile.getroot().iterfind(f"{RNG}define")}
    kept = {d[0].get("name") for d in defines.values()
            if not _is_stub(d) and len(d) == 1 and d[0].tag == f"{RNG}element"}
    dead: set[str] = set()  # what matches nothing in tei_all once the elements outside `kept` do not
    while True:
        found = {name for name, d in originals.items() if len(d) == 1 and (
            (d[0].tag == f"{RNG}element" and d[0].get("name") and d[0].get("name") not in kept)
            or (d[0].tag == f"{RNG}ref" and d[0].get("name") in dead)
            or (d[0].tag == f"{RNG}choice" and all(c.tag == f"{RNG}ref" and c.get("name") in dead
                                                   for c in d[0])))}
        if found == dead:
            break
        dead = found
    assert len(kept) > 100
    # A notAllowed elsewhere than as an element's whole content keeps libxml2 from compiling the
    # content models around it, and their validation turns quadratic in the number of children.
    assert all(n.getparent().tag == f"{RNG}element" for n in profile.iter(f"{RNG}notAllowed"))
    for name, define in defines.items():
        original = originals[name]
        if _is_stub(define):
            assert name in dead and define[0].get("name") == original[0].get("name"), name
            continue
        for choice in original.iter(f"{RNG}choice"):
            branches = list(choice)
            gone = [b for b in branches if b.tag == f"{RNG}ref" and b.get("name") in dead]
            for branch in gone[1:] if len(gone) == len(branches) else gone:
                choice.remove(branch)
        assert shape(define) == shape(original), name


def test_corpus_is_valid_against_full_tei_all() -> None:
    schema = etree.RelaxNG(etree.parse(str(SCHEMAS / "tei_all.rng")))
    volume = load_volume(ROOT / "tei" / "volume.xml", ROOT)
    assert schema.validate(etree.ElementTree(volume.root)), schema.error_log
