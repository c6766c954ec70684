"""The text a learner's reflection starts from after a scenario: what they chose, in
order, with the patterns each choice showed, and the ending they reached.

It describes choices, never scores the person: the prompts at the end are the critical
reflection questions of Fook and Gardner's first stage (2007, *Practising Critical
Reflection*), to be answered in the learner's own words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ChoiceLine:
    step: int
    text: str
    patterns: tuple[str, ...]  # the names of the ECHO codes the choice was tagged with


def prefill(title: str, choices: Sequence[ChoiceLine], ending_title: str, finished: bool) -> str:
    """Plain text: a heading line, one numbered line per choice, the ending (or that the
    play is unfinished) and three questions to start from."""
    lines = [f"Scenario: {title} (a fictional composite)", "", "The choices I made:"]
    for choice in choices:
        shown = f" [{', '.join(choice.patterns)}]" if choice.patterns else ""
        lines.append(f"{choice.step}. {choice.text}{shown}")
    if not choices:
        lines.append("(none yet)")
    lines.append("")
    if finished:
        lines.append(f"Where it ended: {ending_title}")
    else:
        lines.append("I have not finished the scenario yet.")
    lines += [
        "",
        "To reflect on:",
        "- Which choice was hardest, and what was I assuming about the people involved?",
        "- Whose voice did I weigh most, and whose least: the people at risk, staff, or "
        "the organisation?",
        "- What would I do differently, and what would help me do it in my own work?",
    ]
    return "\n".join(lines)
