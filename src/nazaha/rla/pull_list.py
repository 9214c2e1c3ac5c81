"""The pull list: which paper cards an audit board fetches in a round, in the order they are stored.

The draw order (``rounds/round-N.csv``) is what the audit is checked against; boards work better
from the cards sorted by container, tabulator, batch and position, once each even when drawn twice.
Each item says which targeted contests the card may hold, and when it holds none (only a contest
audited opportunistically, or none of the audit's contests at all), so that the board knows the card
may stay in its box. ``pull_list_csv`` writes the list as CSV and ``pull_sheet_html`` as a sheet to
print, with room for the board to write what the card says and to initial it.
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from nazaha.rla.manifest import CardRef

__all__ = ["PullItem", "pull_list_csv", "pull_sheet_html", "sort_pull_list"]

NO_TARGETED_CONTEST = "holds no targeted contest: need not be pulled"


@dataclass(frozen=True, slots=True)
class PullItem:
    card: CardRef
    container: str
    draws: tuple[int, ...]  # draw numbers (1-based); empty in a hand count
    targeted: tuple[str, ...]
    opportunistic: tuple[str, ...]
    note: str

    @property
    def must_pull(self) -> bool:
        return bool(self.targeted) and not self.card.phantom and "already read" not in self.note


def sort_pull_list(items: Iterable[PullItem]) -> list[PullItem]:
    """By container, tabulator, batch and position (phantoms last)."""
    return sorted(items, key=lambda i: (i.card.phantom, i.container, i.card.tabulator, i.card.batch, i.card.position))


_COLUMNS = ["container", "tabulator", "batch", "position", "targeted contests", "other contests", "draws", "note"]


def pull_list_csv(items: Sequence[PullItem]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(_COLUMNS)
    for item in items:
        writer.writerow(
            [
                item.container,
                item.card.tabulator,
                item.card.batch,
                item.card.position,
                "|".join(item.targeted),
                "|".join(item.opportunistic),
                "|".join(str(draw) for draw in item.draws),
                item.note,
            ]
        )
    return out.getvalue()


def pull_sheet_html(items: Sequence[PullItem], *, title: str, contests: Sequence[str]) -> str:
    """A self-contained page to print: one row per card, a blank for each targeted contest's marks."""
    escape = html.escape
    head = "".join(f"<th>{escape(contest)}</th>" for contest in contests)
    rows = []
    for item in items:
        blanks = "".join(
            "<td class='blank'></td>" if contest in item.targeted else "<td class='none'>—</td>" for contest in contests
        )
        css = "" if item.must_pull else " class='skip'"
        rows.append(
            f"<tr{css}><td>{escape(item.container)}</td><td>{escape(item.card.tabulator)}</td>"
            f"<td>{escape(item.card.batch)}</td><td class='n'>{item.card.position}</td>{blanks}"
            f"<td>{escape(item.note)}</td><td class='blank'></td></tr>"
        )
    pulled = sum(1 for item in items if item.must_pull)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>
<style>
body {{ font-family: sans-serif; font-size: 11pt; margin: 1.5cm; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border: 1px solid #444; padding: 4px 6px; text-align: left; vertical-align: top; }}
td.n {{ text-align: right; }}
td.blank {{ min-width: 6em; height: 1.6em; }}
td.none {{ color: #888; text-align: center; }}
tr.skip td {{ color: #777; background: #f2f2f2; }}
@media print {{ body {{ margin: 0; }} tr {{ page-break-inside: avoid; }} }}
</style></head><body>
<h1>{escape(title)}</h1>
<p>{pulled} card(s) to pull, sorted by container, tabulator, batch and position. Write each targeted
contest's marks as the card shows them (empty: no mark; the card lacks the contest: write "not on card";
the card cannot be found: write "NOT FOUND" in the note). Grey rows need not be pulled.</p>
<table><thead><tr><th>container</th><th>tabulator</th><th>batch</th><th>position</th>{head}<th>note</th>
<th>initials</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table>
<p>Audit board members' signatures: ______________________ &nbsp; ______________________ &nbsp; date ________</p>
</body></html>
"""
