"""The processing model: one table from TEI element and predicate to a rendering behaviour.

As in TEI Publisher's and TEI Simple's processing model (``teisimple.odd``), each row names an
element, an optional predicate on it, and a behaviour: a macro in a template family
(``edition/theme/templates/tei/<family>.html.j2``), whether it makes a block, optional parameters the macro
reads, and optionally the one output (``print`` or ``screen``) it is for. The first matching row
wins. The package's rows are ``default.toml`` beside this module, read once; a project adds or
overrides rows with ``[[processing.rule]]`` tables in its ``edition.toml``, tried before the
package's.

Predicates are a small, safe part of XPath 1.0, evaluated by lxml on the element: attribute tests
(``@type='x'``, ``not(@n)``), the axes that look up or across (``parent::sp``, ``ancestor::lg``,
``child::head``, ``preceding-sibling::*``, ``following-sibling::w``, ``self::``), ``and``, ``or``,
comparisons, string literals and numbers, and the functions in ``FUNCTIONS``. Element names are TEI
names. No descendant axis or ``//`` (a predicate is asked for every element: its cost must stay
that of a walk up or along the tree), no variables, no arithmetic, no extension functions; any
other predicate is refused with one line naming its row.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from lxml import etree

from edition.config import CONFIG_NAME, Config, load_config, table_array_lines
from edition.errors import EditionError, Location
from edition.limits import current, refusal
from edition.tei.load import TEI_NS

DEFAULT_TABLE = Path(__file__).with_name("default.toml")
OUTPUTS = ("print", "screen")
ROW_KEYS: dict[str, type] = {"element": str, "predicate": str, "behaviour": str, "block": bool,
                             "phrasing": bool, "output": str, "params": dict, "text": str, "editorial": bool}
# How an element counts where the text is read as words rather than rendered (the reading text of
# titles and search records, the authorial text compared with the witness, the checks of the text).
TEXT_ROLES = {
    "passage": "a passage of its own: a search record, a unit of the language check",
    "apart": "stands apart from the running text (notes, forme work): left out of the reading text, "
             "and no word runs across it",
    "alternative": "the source's own form where the edition reads the editors' (sic, orig, abbr): left "
                   "out of the reading text, kept in the authorial text",
    "reference": "a reference or title, where numbers after words are expected",
}
AXES = frozenset({"self", "parent", "ancestor", "ancestor-or-self", "child", "preceding-sibling",
                  "following-sibling", "attribute"})
FUNCTIONS = frozenset({"not", "count", "text", "node", "contains", "starts-with", "normalize-space",
                       "string-length", "substring", "translate", "local-name", "true", "false"})
PREFIXES = frozenset({"tei", "xml"})
ELEMENT_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
BEHAVIOUR_NAME = re.compile(r"([a-z_][a-z0-9_]*)\.([a-z_][a-z0-9_]*)")

_TOKEN = re.compile(r"""\s*(?:
    (?P<literal>'[^']*'|"[^"]*")
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_.-]*(?::[A-Za-z_][A-Za-z0-9_.-]*)?)
  | (?P<symbol>::|!=|<=|>=|//|\.\.|[=<>()\[\],/@*.|$+-])
)""", re.VERBOSE)
_OPERAND_END = frozenset({")", "]", "*", ".", ".."})
_REFUSED_SYMBOLS = {"//": "'//' (the descendant axis)", "|": "'|' (unions)", "$": "variables",
                    "+": "arithmetic", "-": "arithmetic"}


@dataclass(frozen=True)
class Behaviour:
    """How an element renders: a macro in a template family, block or inline, with parameters."""

    family: str
    macro: str
    block: bool = False
    params: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    phrasing: bool = True  # its HTML holds phrasing content only: a block inside renders as a span
    text: str = ""  # its role where the text is read as words (TEXT_ROLES); "": running text
    editorial: bool = False  # its words are the editors', not the source's


@dataclass(frozen=True)
class ChoiceRow:
    """A pair a ``choice`` holds, as the table gives it: the source's form, the edited reading, the
    pair's class and the label of the source's form (a msgid)."""

    original: str
    edited: str
    kind: str
    label: str


FALLBACK = Behaviour("inline", "span")  # an element without a rule: its content, in a span


class Predicate:
    """A compiled predicate: ``predicate(element)`` is True where the row applies."""

    def __init__(self, source: str, where: str, location: Location | None) -> None:
        self.source = source
        limit = current().processing_predicate_chars
        if len(source) > limit:
            raise _row_error(where, location, refusal("processing_predicate_chars",
                                                      f"the predicate has {len(source)} characters"))
        expression = translate(source, where, location)
        try:
            self._xpath = etree.XPath(f"boolean({expression})", namespaces={"tei": TEI_NS})
        except etree.XPathSyntaxError as exc:
            raise _row_error(where, location, f"invalid predicate \"{source}\": {exc}") from None

    def __call__(self, element: etree._Element) -> bool:
        return bool(self._xpath(element))


def translate(source: str, where: str, location: Location | None) -> str:
    """The predicate as lxml's XPath, TEI names prefixed; refused outside the safe subset."""
    tokens = _tokens(source, where, location)
    out: list[str] = []
    previous: tuple[str, str] | None = None
    for index, (kind, text) in enumerate(tokens):
        following = tokens[index + 1][1] if index + 1 < len(tokens) else ""
        operand_before = previous is not None and (
            previous[0] in ("literal", "number", "test") or previous[1] in _OPERAND_END)
        if kind == "symbol" and text in _REFUSED_SYMBOLS:
            raise _invalid(source, where, location, f"{_REFUSED_SYMBOLS[text]} is not allowed")
        if kind == "symbol" and text == "*" and operand_before:
            raise _invalid(source, where, location, "arithmetic is not allowed")
        if kind == "name":
            kind, text = _name(text, following, operand_before, previous, source, where, location)
        out.append(text)
        previous = (kind, text)
    if not out:
        raise _invalid(source, where, location, "it is empty")
    return " ".join(out)


def _name(text: str, following: str, operand_before: bool, previous: tuple[str, str] | None,
          source: str, where: str, location: Location | None) -> tuple[str, str]:
    """One name token: an operator, an axis, a function, an attribute or a TEI element name."""
    if operand_before:
        if text in ("and", "or"):
            return "operator", text
        raise _invalid(source, where, location, f"'{text}' where an operator (and, or, =, !=) belongs")
    if following == "::":
        if text not in AXES:
            raise _invalid(source, where, location, f"the axis '{text}' is not allowed "
                           f"(axes: {', '.join(sorted(AXES))})")
        return "axis", text
    if following == "(":
        if text not in FUNCTIONS:
            raise _invalid(source, where, location, f"the function '{text}' is not allowed "
                           f"(functions: {', '.join(sorted(FUNCTIONS))})")
        return "function", text
    prefix, _, local = text.rpartition(":")
    if prefix and prefix not in PREFIXES:
        raise _invalid(source, where, location, f"the prefix '{prefix}' is unknown (tei:, xml:)")
    attribute = previous is not None and (previous[1] == "@" or previous == ("axis", "attribute"))
    if attribute or prefix:
        return "test", text
    return "test", f"tei:{local}"


def _tokens(source: str, where: str, location: Location | None) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    source = source.rstrip()
    while position < len(source):
        match = _TOKEN.match(source, position)
        if match is None or match.end() == position:
            raise _invalid(source, where, location,
                           f"unexpected '{source[position:].strip()[:10]}'")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


@dataclass(frozen=True)
class Rule:
    """A row of the table: element, predicate, output → behaviour; ``origin`` says where it was written."""

    element: str
    behaviour: Behaviour
    predicate: Predicate | None = None
    output: str | None = None
    origin: str = ""
    location: Location | None = None

    def matches(self, element: etree._Element, mode: str | None) -> bool:
        if self.output is not None and mode is not None and self.output != mode:
            return False
        return self.predicate is None or self.predicate(element)


class ProcessingModel:
    """The rows in force, by element name in table order."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules = tuple(rules)
        by_element: dict[str, list[Rule]] = {}
        for rule in self.rules:
            by_element.setdefault(rule.element, []).append(rule)
        self._by_element = {name: tuple(rows) for name, rows in by_element.items()}
        self._choice_pairs = tuple(
            ChoiceRow(rule.behaviour.params["choice_with"], rule.element,
                      rule.behaviour.params.get("choice_kind", rule.element),
                      rule.behaviour.params.get("choice_label", ""))
            for rule in self.rules if "choice_with" in rule.behaviour.params)

    def rule_for(self, element: etree._Element, mode: str | None = None) -> Rule | None:
        """The first row matching ``element`` in ``mode`` (None: any output), or None."""
        name = tei_name(element)
        for rule in self._by_element.get(name, ()) if name else ():
            if rule.matches(element, mode):
                return rule
        return None

    def behaviour(self, element: etree._Element, mode: str | None = None) -> Behaviour:
        """The behaviour of the first matching row; an element without one renders as a span."""
        rule = self.rule_for(element, mode)
        return rule.behaviour if rule is not None else FALLBACK

    def names(self, *macros: str) -> frozenset[str]:
        """Elements with a row whose behaviour is one of ``macros`` (``family.macro``), any predicate."""
        return frozenset(rule.element for rule in self.rules
                         if f"{rule.behaviour.family}.{rule.behaviour.macro}" in macros)

    def choice_pairs(self) -> tuple[ChoiceRow, ...]:
        """The pairs a ``choice`` may hold, in table order: each row with a ``choice_with`` parameter
        (the edited reading's row; the parameter names the source's form it stands for)."""
        return self._choice_pairs

    def text_names(self, *roles: str) -> frozenset[str]:
        """Elements with a row whose text role (``text``) is one of ``roles``, any predicate."""
        return frozenset(rule.element for rule in self.rules if rule.behaviour.text in roles)

    def overridden_by(self, rules: Iterable[Rule]) -> ProcessingModel:
        """This table with ``rules`` tried first (a project's rows)."""
        return ProcessingModel((*rules, *self.rules))

    def unruled(self, texts: Iterable[etree._Element]) -> Counter[str]:
        """How often each element of ``texts`` (and below) has no row: rendered as a plain span."""
        found: Counter[str] = Counter()
        for text in texts:
            for element in text.iter():
                if isinstance(element.tag, str) and element is not text and self.rule_for(element) is None:
                    found[tei_name(element) or element.tag] += 1
        return found


def tei_name(element: etree._Element) -> str | None:
    """The element's TEI name; None for an element in another namespace (no row can match it)."""
    qname = etree.QName(element)
    return qname.localname if qname.namespace == TEI_NS else None


def rows_from(rows: Any, origin: str, path: Path, lines: list[int]) -> list[Rule]:
    """The rules of a list of TOML tables; ``lines``: the line of each table, for messages."""
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise EditionError("the processing rules must be tables ([[rule]] or [[processing.rule]])",
                           Location(path, lines[0] if lines else 0, 1), "processing")
    rules = []
    for number, row in enumerate(rows, start=1):
        line = lines[number - 1] if number <= len(lines) else 0
        rules.append(rule_from(row, f"{origin} {number}", Location(path, line, 1)))
    return rules


def rule_from(row: dict[str, Any], where: str, location: Location) -> Rule:
    """One row, checked: known keys of the right types, a behaviour named ``family.macro``."""
    for key, value in row.items():
        kind = ROW_KEYS.get(key)
        if kind is None:
            raise _row_error(where, location, f"unknown key '{key}' (keys: {', '.join(ROW_KEYS)})")
        if not isinstance(value, kind):
            raise _row_error(where, location, f"'{key}' must be a {kind.__name__}")
    for key in ("element", "behaviour"):
        if key not in row:
            raise _row_error(where, location, f"'{key}' is missing")
    element, behaviour = row["element"], row["behaviour"]
    where = f"{where} (element '{element}')"
    if not ELEMENT_NAME.fullmatch(element):
        raise _row_error(where, location, f"'{element}' is not an element name")
    named = BEHAVIOUR_NAME.fullmatch(behaviour)
    if named is None:
        raise _row_error(where, location, f"behaviour '{behaviour}' must be family.macro "
                         "(a macro of edition/theme/templates/tei/<family>.html.j2)")
    output = row.get("output")
    if output is not None and output not in OUTPUTS:
        raise _row_error(where, location, f"output '{output}' must be one of {', '.join(OUTPUTS)}")
    params = row.get("params", {})
    for name, value in params.items():
        if not isinstance(value, str | int | float | bool):
            raise _row_error(where, location, f"parameter '{name}' must be a string, number or boolean")
    text = row.get("text", "")
    if text and text not in TEXT_ROLES:
        raise _row_error(where, location, f"text '{text}' must be one of {', '.join(TEXT_ROLES)}")
    predicate = Predicate(row["predicate"], where, location) if row.get("predicate") else None
    block = row.get("block", False)
    return Rule(element, Behaviour(named.group(1), named.group(2), block, MappingProxyType(dict(params)),
                                   row.get("phrasing", not block), text, row.get("editorial", False)),
                predicate, output, where, location)


@cache
def default_model() -> ProcessingModel:
    """The package's table (``default.toml``), read once."""
    text = DEFAULT_TABLE.read_text(encoding="utf-8")
    table = tomllib.loads(text)
    return ProcessingModel(rows_from(table.get("rule", []), "default processing rule", DEFAULT_TABLE,
                                     table_array_lines(text, "rule")))


def processing_model(config: Config | None) -> ProcessingModel:
    """The table a project renders with: its own rows (``[[processing.rule]]``) first, then the
    package's."""
    if config is None or not config.processing.rule:
        return default_model()
    rows = rows_from(list(config.processing.rule), "processing rule", config.path,
                     config.arrays.get("processing.rule", []))
    return default_model().overridden_by(rows)


def project_model(root: Path) -> ProcessingModel:
    """The table of the project at ``root`` (its edition.toml; none: the package's)."""
    path = Path(root) / CONFIG_NAME
    return processing_model(load_config(path) if path.is_file() else None)


def _invalid(source: str, where: str, location: Location | None, why: str) -> EditionError:
    return _row_error(where, location, f"invalid predicate \"{source}\": {why}")


def _row_error(where: str, location: Location | None, message: str) -> EditionError:
    return EditionError(f"{where}: {message}", location, "processing")
