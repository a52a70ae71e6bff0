"""The setting audit: lines a typographer would send back, found on the laid-out pages.

* a loose line inside a paragraph: a word alone, or a few words stretched across the measure, and
  the paragraph goes on (the mark of a break with no reason in the text);
* a ladder: more than ``LADDER`` hyphenated lines in a row;
* a page whose last line ends on a hyphen.

WeasyPrint has neither ``hyphenate-limit-lines`` nor ``hyphenate-limit-last``: the last two are
remedied by laying the part out again with the offending words not hyphenated where they stand
(``weasy.unhyphenated``), which ``layout.py`` does; loose lines are reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from edition.print.weasy import TextLine, hyphenation_key, justified_lines

LOOSE = 0.6  # a line inside a paragraph whose words fill less of the measure than this is loose
LADDER = 2  # hyphenated lines in a row a page may have


@dataclass(frozen=True)
class SettingProblem:
    page: int  # 1-based, in the part
    line: str
    problem: str
    key: str | None = None  # the hyphenation_key of the word to leave whole, where that is the remedy

    def __str__(self) -> str:
        return f"page {self.page}: {self.problem}: “{self.line}”"


def paragraphs(lines: list[TextLine]) -> list[list[TextLine]]:
    """The lines grouped by block, a paragraph that runs onto the next page in one group."""
    groups: list[list[TextLine]] = []
    for line in lines:
        if groups and groups[-1][-1].block == line.block:
            groups[-1].append(line)
        else:
            groups.append([line])
    return groups


def audit_setting(document) -> list[SettingProblem]:
    """Loose lines, ladders of hyphens and pages ending on a hyphen in a laid-out document."""
    return audit_lines(justified_lines(document))


def audit_lines(lines: list[TextLine]) -> list[SettingProblem]:
    """The problems of a document's justified lines (``weasy.justified_lines``), in reading order."""
    text = [line for line in lines if not line.note]
    problems: list[SettingProblem] = []
    for group in paragraphs(text) + paragraphs([line for line in lines if line.note]):
        problems += _loose(group) + _ladders(group)
    return problems + _page_ends(text)


def _loose(group: list[TextLine]) -> list[SettingProblem]:
    return [SettingProblem(line.page + 1, line.text, "a loose line inside a paragraph")
            for line in group[:-1] if line.natural < LOOSE * line.measure]


def hyphenated_word(line: TextLine, following: TextLine) -> str:
    """The ``hyphenation_key`` of the word hyphenated at the end of ``line``."""
    return hyphenation_key(line.tail, following.head.split(" ", 1)[0])


def _ladders(group: list[TextLine]) -> list[SettingProblem]:
    problems, run = [], 0
    for line, following in pairwise(group):
        run = run + 1 if line.hyphenated else 0
        if run > LADDER:
            problems.append(SettingProblem(line.page + 1, line.text, f"{run} hyphenated lines in a row",
                                           hyphenated_word(line, following)))
    return problems


def _page_ends(lines: list[TextLine]) -> list[SettingProblem]:
    problems = []
    for line, following in pairwise(lines):
        if line.hyphenated and following.page > line.page:
            problems.append(SettingProblem(line.page + 1, line.text, "the page ends on a hyphen",
                                           hyphenated_word(line, following)))
    return problems
