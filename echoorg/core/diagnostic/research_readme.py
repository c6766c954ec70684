"""The README.txt that travels in a researcher's zip of a wave's rows.

It says what each file holds, how to score it with `echoorg survey score`, and which
variant the rows are: k-anonymous (with what was done to get there) or the full rows
released under a recorded data-sharing agreement. Pure text; no Django.
"""

from __future__ import annotations

from echoorg.core.diagnostic.kanonymity import WITHHELD, KAnonymousRows

ROWS_README = """De-identified responses of "{wave}" ({instrument}).

responses.csv   one row per response, shuffled: respondent (a row number made for this
                file), unit, and one column per item. Units named here each stand for
                at least {k} responses; smaller units are reported as the unit above.
background.csv  the same respondents' audience (staff or leaders) and background answers.
units.csv       the unit tree (unit,parent) as it was when the wave closed.

Score it with:
  echoorg survey score --instrument {instrument} --responses responses.csv \\
      --units units.csv --min-group {k} --out results

No names, links, dates or comments are included. Keep the files as research data.
"""

FULL_ROWS_NOTE = """
Variant: FULL ROWS. Audience and background answers are as the respondents gave them, so
a combination of unit, audience and background answers may belong to one person. These
rows were released to you under data-sharing agreement "{reference}" (recorded with your
name in the organisation's audit trail). Keep them only as that agreement allows, and
never publish a figure for fewer people than the smallest group above.
"""


def k_anonymous_note(k: int, release: KAnonymousRows) -> str:
    """What was generalised, withheld or left out so that every combination of unit,
    audience and background answers is shared by at least `k` rows."""
    lines = [
        "",
        f"Variant: K-ANONYMOUS (k = {k}). Every combination of unit, audience and background",
        f"answers in these files is shared by at least {k} rows. To get there:",
    ]
    lines.append(
        f"- {release.units_generalised} rows report an enclosing unit instead of their own;"
    )
    for question, count in release.withheld.items():
        lines.append(f"- {count} rows have their answer to '{question}' withheld;")
    if release.rows_left_out:
        lines.append(
            f"- {release.rows_left_out} rows are left out: the wave has fewer than {k} responses;"
        )
    lines.append(f'Withheld answers read "{WITHHELD}"; an empty cell means not answered.')
    lines.append("A researcher may ask for the full rows under a data-sharing agreement.")
    return "\n".join(lines) + "\n"


def rows_readme(
    wave_title: str,
    instrument_key: str,
    k: int,
    release: KAnonymousRows,
    agreement_reference: str | None = None,
) -> str:
    """The whole README: the files, the scoring command, then the variant's note (full
    rows when `agreement_reference` is given, else k-anonymous)."""
    readme = ROWS_README.format(wave=wave_title, k=k, instrument=instrument_key)
    if agreement_reference is not None:
        return readme + FULL_ROWS_NOTE.format(reference=agreement_reference)
    return readme + k_anonymous_note(k, release)
