"""Every path of every shipped scenario, walked with two independent Ink runtimes: bink
(the one echoorg plays with, through echoorg.core.scenarios.story) and inkjs's runtime in
node (tools/ink/walk.js). Each path must reach the `debrief` knot and name its ending,
take at least 12 decisions, and raise no runtime error or warning; each scenario must
have at least four distinct endings."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from echoorg.core.scenarios.story import (
    ScenarioError,
    choose,
    explore,
    info,
    start,
)

ROOT = Path(__file__).resolve().parents[2]
INK = ROOT / "echoorg" / "scenarios" / "ink"
TOOLS = ROOT / "tools" / "ink"
COMPILED = sorted(INK.glob("*.ink.json"))
MIN_DECISIONS = 12
MIN_ENDINGS = 4


def test_three_scenarios_ship_with_their_sources():
    assert {p.name.removesuffix(".ink.json") for p in COMPILED} >= {
        "neonatal-unit",
        "acute-ward-targets",
        "outsourced-placement",
    }
    for compiled in COMPILED:
        assert compiled.with_suffix("").exists(), f"{compiled.name} has no .ink source beside it"


@pytest.mark.parametrize("path", COMPILED, ids=lambda p: p.name)
def test_every_path_reaches_debrief_with_bink(path):
    walked = explore(path.read_text(encoding="utf-8-sig"))
    assert walked.problems == ()
    assert walked.ends > 100  # the walk really branched
    assert walked.fewest_decisions >= MIN_DECISIONS
    assert len(walked.endings) >= MIN_ENDINGS
    assert walked.codes, "choices carry ECHO code tags"


@pytest.mark.parametrize("path", COMPILED, ids=lambda p: p.name)
def test_each_scenario_says_it_is_a_fictional_composite(path):
    about = info(path.read_text(encoding="utf-8-sig"))
    assert about.fictional.startswith("A fictional composite.")
    assert about.title and about.summary and about.role


def test_the_walk_finds_a_path_that_never_reaches_debrief():
    # The checker is not a no-op: a story whose second branch ends early is caught.
    broken = _compile_inline(
        'VAR threat = 0\nVAR drive = 0\nVAR soothing = 0\nVAR safety = 0\nVAR ending = ""\n'
        "* [Go on # code: candour] -> debrief\n* [Stop # code: silencing] -> END\n"
        '=== debrief ===\n~ ending = "x"\nDone. # ending: Done\n-> END\n'
    )
    walked = explore(broken)
    assert any("without reaching debrief" in p for p in walked.problems)


def test_a_choice_not_on_offer_is_refused():
    compiled = COMPILED[0].read_text(encoding="utf-8-sig")
    opening = start(compiled)
    with pytest.raises(ScenarioError):
        choose(compiled, opening.state, len(opening.options))
    with pytest.raises(ScenarioError):
        choose(compiled, "{not a state", 0)


def test_saving_and_resuming_continue_the_same_story():
    compiled = (INK / "neonatal-unit.ink.json").read_text(encoding="utf-8-sig")
    opening = start(compiled)
    taken, after = choose(compiled, opening.state, 0)
    assert taken.knot == "opening"
    assert taken.codes == ("professional_curiosity",)
    assert after.systems.safety == 1
    # The saved state alone (a new runtime, as in another request) carries on from there.
    again, later = choose(compiled, after.state, 0)
    assert again.knot == "numbers"
    assert later.systems.safety == 2


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (CI has it)")
    if not (TOOLS / "node_modules" / "inkjs").exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip("npm is not installed")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=TOOLS, check=True, timeout=300)
    return node


def _compile_inline(source: str) -> str:
    node = _node()
    script = (
        "const {Compiler}=require('inkjs/full');"
        "process.stdout.write(new Compiler(require('fs').readFileSync(0,'utf-8')).Compile().ToJson())"
    )
    done = subprocess.run(
        [node, "-e", script], input=source, cwd=TOOLS, capture_output=True, text=True, check=True
    )
    return done.stdout


def test_every_path_reaches_debrief_with_inkjs():
    node = _node()
    done = subprocess.run(
        [node, str(TOOLS / "walk.js"), *map(str, COMPILED)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    results = json.loads(done.stdout)
    assert done.returncode == 0, done.stdout + done.stderr
    for result in results:
        assert result["problems"] == []
        assert result["fewest_decisions"] >= MIN_DECISIONS
        assert len(result["endings"]) >= MIN_ENDINGS


def test_both_runtimes_agree_on_every_scenario():
    node = _node()
    done = subprocess.run(
        [node, str(TOOLS / "walk.js"), *map(str, COMPILED)], capture_output=True, text=True
    )
    by_file = {Path(r["file"]).name: r for r in json.loads(done.stdout)}
    for path in COMPILED:
        walked = explore(path.read_text(encoding="utf-8-sig"))
        other = by_file[path.name]
        assert (walked.choice_points, walked.ends) == (other["choice_points"], other["terminals"])
        assert sorted(walked.endings) == other["endings"]


def test_the_committed_json_is_compiled_from_the_committed_source(tmp_path):
    node = _node()
    for compiled in COMPILED:
        source = compiled.with_suffix("")
        copy = tmp_path / source.name
        copy.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
        subprocess.run(
            [node, str(TOOLS / "compile.js"), str(copy)], check=True, capture_output=True
        )
        assert (tmp_path / compiled.name).read_text() == compiled.read_text(), (
            f"{compiled.name} is out of date: run `make scenarios`"
        )
