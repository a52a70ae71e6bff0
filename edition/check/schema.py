"""The edition's TEI profile: tei_all restricted to the elements the edition uses.

Compiling the full tei_all RELAX NG grammar takes several seconds per process. The profile keeps
tei_all's definitions and makes the elements the edition does not use match nothing (their content
``notAllowed``); references to what matches nothing are dropped from the choices that offer them,
then what is no longer reachable is dropped. Neither step lets more documents through, so every
document valid against the profile is valid against tei_all (the test suite also validates the corpus
against tei_all itself).

Why not simply replace those definitions by ``notAllowed``: libxml2 compiles a content model into an
automaton only when no ``notAllowed`` is reachable in it; otherwise it validates the content by
backtracking, keeping every position reached so far, which takes quadratic time in the number of
children (a body of 150,000 paragraphs took 100 s). Dropping the dead branches keeps the models
compilable and small (0.3 s to compile, validation linear).

    edition schema                   # a project's own profile, from its volume: schema/edition.rng
    python -m edition.check.schema   # regenerate the theme's schemas/edition.rng from the bundled volume
"""

from __future__ import annotations

import sys
from pathlib import Path

from lxml import etree

from edition.errors import EditionError
from edition.output import write_bytes
from edition.processing.rules import default_model
from edition.project import SCHEMAS, Project, find_project
from edition.tei.load import TEI_NS, load_volume, parse_file, safe_parser

RNG_NS = "http://relaxng.org/ns/structure/1.0"
RNG = f"{{{RNG_NS}}}"
# Elements the processing table does not render that an editor may reasonably add next without
# regenerating the profile: the header's, the registers' and the containers of both. Every element with
# a row in the table is kept as well (``reserve``).
UNRENDERED_RESERVE = frozenset({
    "TEI", "teiCorpus", "teiHeader", "fileDesc", "titleStmt", "editionStmt", "publicationStmt",
    "availability", "licence", "sourceDesc", "notesStmt", "noteGrp", "encodingDesc", "editorialDecl",
    "correction", "normalization", "hyphenation", "quotation", "segmentation", "interpretation",
    "projectDesc", "samplingDecl", "classDecl", "taxonomy", "category", "catDesc", "prefixDef",
    "listPrefixDef", "profileDesc", "langUsage", "language", "textClass", "keywords", "abstract",
    "revisionDesc", "change", "funder", "principal", "sponsor", "span",
    "listPerson", "person", "birth", "death", "occupation", "affiliation", "state", "trait", "listPlace",
    "place", "location", "listOrg", "org", "listEvent", "event", "listRelation", "relation",
})


def reserve() -> frozenset[str]:
    """What the profile keeps besides the elements the volume uses: every element the processing
    table renders, and ``UNRENDERED_RESERVE``."""
    return frozenset(rule.element for rule in default_model().rules) | UNRENDERED_RESERVE


def used_elements(volume: Path) -> set[str]:
    """Local names of every TEI element in the volume."""
    root = load_volume(volume).root
    return {etree.QName(e).localname for e in root.iter() if isinstance(e.tag, str)
            and etree.QName(e).namespace == TEI_NS}


def derive_profile(tei_all: etree._ElementTree, keep: set[str]) -> etree._ElementTree:
    """tei_all with every element outside ``keep`` made to match nothing, the choices rid of what
    matches nothing, unreachable defines dropped."""
    grammar = etree.fromstring(etree.tostring(tei_all), safe_parser())
    defines = {d.get("name"): d for d in grammar.iterfind(f"{RNG}define")}
    for define in defines.values():
        element = define.find(f"{RNG}element")
        if element is not None and element.get("name") and element.get("name") not in keep:
            for child in list(element):
                element.remove(child)
            etree.SubElement(element, f"{RNG}notAllowed")
    _drop_dead_branches(grammar, _dead_defines(defines))
    reachable = _reachable(grammar, defines)
    for name, define in defines.items():
        if name not in reachable:
            grammar.remove(define)
    for node in grammar.iter(etree.Comment):
        if node.getparent() is not None and node.getparent() is not grammar:
            node.getparent().remove(node)
    for doc in list(grammar.iter("{http://relaxng.org/ns/compatibility/annotations/1.0}documentation")):
        doc.getparent().remove(doc)
    return etree.ElementTree(grammar)


def _matches_nothing(pattern: etree._Element, dead: set[str]) -> bool:
    """Whether a pattern can match nothing: notAllowed, an element whose content is notAllowed, a
    reference to a dead define, a choice of such."""
    if pattern.tag == f"{RNG}notAllowed":
        return True
    if pattern.tag == f"{RNG}ref":
        return pattern.get("name") in dead
    if pattern.tag == f"{RNG}element":
        return [c.tag for c in _patterns(pattern)] == [f"{RNG}notAllowed"]
    if pattern.tag == f"{RNG}choice":
        return all(_matches_nothing(c, dead) for c in _patterns(pattern))
    return False


def _patterns(parent: etree._Element) -> list[etree._Element]:
    """The RELAX NG children of an element (not comments, not annotations)."""
    return [c for c in parent if isinstance(c.tag, str) and c.tag.startswith(RNG)]


def _dead_defines(defines: dict[str, etree._Element]) -> set[str]:
    """The defines whose one pattern matches nothing (to a fixed point: one may refer to another)."""
    dead: set[str] = set()
    while True:
        found = {name for name, define in defines.items()
                 if len(body := _patterns(define)) == 1
                 and _matches_nothing(body[0], dead)}
        if found == dead:
            return dead
        dead = found


def _drop_dead_branches(grammar: etree._Element, dead: set[str]) -> None:
    """Remove from every choice the branches that match nothing (one is kept if all do)."""
    for choice in grammar.iter(f"{RNG}choice"):
        branches = _patterns(choice)
        for branch in branches[1:] if all(_matches_nothing(b, dead) for b in branches) else branches:
            if _matches_nothing(branch, dead):
                choice.remove(branch)


def _reachable(grammar: etree._Element, defines: dict[str, etree._Element]) -> set[str]:
    seen: set[str] = set()
    todo = [ref.get("name") for ref in grammar.find(f"{RNG}start").iter(f"{RNG}ref")]
    while todo:
        name = todo.pop()
        if name in seen or name not in defines:
            continue
        seen.add(name)
        todo += [ref.get("name") for ref in defines[name].iter(f"{RNG}ref")]
    return seen


def write_profile(volume: Path, target: Path, command: str) -> int:
    """Derive the profile of ``volume`` (the elements it uses, and ``reserve()``) from tei_all and write it
    to ``target``; the number of elements kept. ``command``: what the file's header says made it."""
    keep = used_elements(volume) | reserve()
    profile = derive_profile(parse_file(SCHEMAS / "tei_all.rng"), keep)
    header = etree.Comment(
        f" Generated by `{command}` from tei_all.rng (TEI P5 4.3.0): tei_all with the "
        "elements the edition does not use made to match nothing (content notAllowed) and dropped from "
        "the choices that offered them. Do not edit. ")
    profile.getroot().insert(0, header)
    write_bytes(target, etree.tostring(profile, xml_declaration=True, encoding="UTF-8"))
    return len(keep)


PROJECT_SCHEMA = "schema/edition.rng"  # where `edition schema` writes a project's profile


def write_project_schema(project: Project, target: Path | None = None) -> tuple[Path, int]:
    """``edition schema``: the profile of the project's volume written into the project (default
    schema/edition.rng); the file and the number of elements kept."""
    target = Path(target) if target is not None else project.root / PROJECT_SCHEMA
    if not target.absolute().resolve().is_relative_to(project.root.resolve()):
        raise EditionError(f"the schema must be written inside the project ({project.root}), "
                           "where edition.toml can name it", path=target, rule="usage")
    return target, write_profile(project.volume, target, "edition schema")


def main(argv: list[str] | None = None) -> int:
    """Regenerate the package theme's own profile (the bundled volume's: schemas/edition.rng)."""
    target = SCHEMAS / "edition.rng"
    kept = write_profile(find_project().volume, target, "python -m edition.check.schema")
    print(f"wrote {target} ({kept} elements kept)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
