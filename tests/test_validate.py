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

from edition.load import load_volume
from edition.schema import RNG, derive_profile
from edition.validate import RULES, validate

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


def test_profile_only_forbids_what_tei_all_allows() -> None:
    """Each define of the profile is tei_all's own or notAllowed: its language is a subset."""
    tei_all = etree.parse(str(ROOT / "schema" / "tei_all.rng"))
    profile = etree.parse(str(ROOT / "schema" / "edition.rng"))
    originals = {d.get("name"): etree.tostring(d) for d in tei_all.getroot().iterfind(f"{RNG}define")}
    regenerated = derive_profile(tei_all, set())
    assert regenerated.getroot().find(f"{RNG}start") is not None
    for define in profile.getroot().iterfind(f"{RNG}define"):
        body = list(define)
        if len(body) == 1 and body[0].tag == f"{RNG}notAllowed":
            continue
        original = etree.fromstring(originals[define.get("name")])
        strip = "{http://relaxng.org/ns/compatibility/annotations/1.0}documentation"
        for node in original.iter(strip):
            node.getparent().remove(node)
        for node in original.iter(etree.Comment):
            node.getparent().remove(node)
        assert shape(define) == shape(original), define.get("name")


def test_corpus_is_valid_against_full_tei_all() -> None:
    schema = etree.RelaxNG(etree.parse(str(ROOT / "schema" / "tei_all.rng")))
    volume = load_volume(ROOT / "tei" / "volume.xml", ROOT)
    assert schema.validate(etree.ElementTree(volume.root)), schema.error_log
