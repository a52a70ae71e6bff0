"""The profile's summariser (benchmarks/sampling.py, issue 24) on py-spy's samples of a real build: a
short EpiDoc inscription (tests/data/tei/epidoc, see its README) built on two layout workers.

No timing is asserted: what is checked is that every CPU second measured is shared out once, to
the stage, WeasyPrint phase and layout pass its samples name."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import sampling  # noqa: E402  (benchmarks/ is not a package)

INSCRIPTION = ROOT / "tests" / "data" / "tei" / "epidoc" / "PE3000014.xml"


@pytest.fixture(scope="module")
def profiled(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, str]:
    """A cold build of the inscription under py-spy: its summary and py-spy's raw samples."""
    if not Path(sys.executable).with_name("py-spy").exists() and shutil.which("py-spy") is None:
        pytest.skip("py-spy is not installed (make setup installs the test extras)")
    folder = tmp_path_factory.mktemp("profiled")
    source = Path(shutil.copy(INSCRIPTION, folder))
    raw = folder / "stacks.txt"
    try:
        # 500 samples a second: the inscription's PDF is written in some 50 ms, which 100 a second
        # could miss (the phase was then absent from the summary).
        summary = sampling.profile_build(folder, 500, raw, (source.name, "--pdf", "--force", "--clean",
                                                              "--jobs", "2"))
    except RuntimeError as failure:
        if "Permission denied" in str(failure) or "ptrace" in str(failure):
            pytest.skip(f"py-spy may not read other processes here: {failure}")
        raise
    return summary, raw.read_text(encoding="utf-8")


def test_every_cpu_second_is_shared_out_once(profiled: tuple[dict, str]) -> None:
    summary, _ = profiled
    total = summary["cpu_seconds"]
    assert total > 0
    for table in (summary["by_stage"], summary["by_process"]):
        shared = sum(row["cpu_seconds"] for row in table.values())
        # Rounded to the hundredth per row: each row's rounding at most 0.005 s.
        assert shared == pytest.approx(total, abs=0.005 * len(table))


def test_the_processes_of_a_build_are_told_apart(profiled: tuple[dict, str]) -> None:
    summary, raw = profiled
    # The validation of a tiny text may end before a sample falls inside it: it is then named by its
    # command ("python"), so only the two long-lived roles are required by name.
    assert {"build", "layout worker"} <= set(summary["by_process"])
    # py-spy names a forked process after its parents: the stacks of three processes at least.
    pids = {stack.pid for stack in sampling.parse_raw(raw)}
    assert len(pids) >= 3
    assert summary["samples"] == sum(stack.count for stack in sampling.parse_raw(raw))


def test_the_workers_time_goes_to_weasyprint_phases_and_layout_passes(profiled: tuple[dict, str]) -> None:
    summary, _ = profiled
    assert {"style", "layout", "PDF writing"} <= set(summary["by_weasyprint_phase"])
    assert {"first layout", "writing the part's PDF"} <= set(summary["by_layout_pass"])
    workers = summary["by_process"]["layout worker"]["cpu_seconds"]
    layouts = sum(row["cpu_seconds"] for name, row in summary["by_stage"].items()
                  if name in ("part layouts", "folio sheet"))
    assert 0 < layouts <= workers + 0.01


def test_the_passes_named_are_calls_in_the_layout_code() -> None:
    """The pass of a sample is read from the lines of edition/print/layout.py that call the next
    step: each function and call the summariser looks for is there."""
    sites = sampling.CallSites.read()
    calls = {function: {name for _, _, name in found} for function, found in sites.calls.items()}
    assert "write_pdf" in calls["lay_out_part"]
    assert "_with_line_numbers" in calls["lay_out_part"]
    assert sum(1 for _, _, name in sites.calls["layout_with_notes"] if name == "layout") >= 2
    assert sum(1 for _, _, name in sites.calls["layout"] if name == "_render") >= 2
    assert "render_folio_sheet" in calls


def test_a_sample_is_labelled_by_its_innermost_named_frame() -> None:
    """The site rendered while the workers lay out is the site, not the typesetting around it; an
    import inside it is an import."""
    frames = [sampling.Frame("typeset_book", "/x/edition/print/typeset.py", 10),
              sampling.Frame("site", "/x/edition/pipeline.py", 20),
              sampling.Frame("render_site", "/x/edition/render/html.py", 30)]
    assert sampling.label(frames, sampling.STAGES) == "site"
    importing = [*frames, sampling.Frame("_find_and_load", "<frozen importlib._bootstrap>", 1)]
    assert sampling.label(importing, sampling.STAGES) == "imports"
