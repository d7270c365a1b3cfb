"""The run's summary: one row of ``runs.csv`` per finished (or current) run."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sim.scenario import CHANNELS

if TYPE_CHECKING:
    from sim.model.model import ProxyWarModel


def run_summary(model: ProxyWarModel) -> dict[str, Any]:
    """One row describing the finished (or current) run, for runs.csv."""
    row: dict[str, Any] = {
        "outcome": model.outcome or ("stalemate" if not model.running else "running"),
        "end_week": model.end_week if model.end_week is not None else model.week,
        "end_date": model.date.isoformat(),
        "front_km": round(model.front_km, 3),
        "min_front_km": round(min(model.front_series, default=model.front_km), 3),
        "casualties": round(model.total_casualties(), 1),
        "stalemate_weeks": model.termination.stalemate_weeks,
        "longest_stalemate": model.termination.longest_stalemate,
        "ceasefires": model.termination.ceasefires,
        "breakdowns": model.termination.breakdowns,
        "vetoes": model.termination.vetoes,
        "support_spent": round(sum(b.spent for b in model.backers), 3),
        "intercepted": round(model.support.intercepted, 3),
    }
    for f in model.factions:
        row[f"places_{f.fid}"] = model.theatre.count(f.fid)
        row[f"fighters_{f.fid}"] = round(f.fighters, 1)
        row[f"casualties_{f.fid}"] = round(f.casualties, 1)
        row[f"objectives_week_{f.fid}"] = model.termination.objectives_week.get(f.fid)
    row["start_line_week"] = model.termination.start_line_week
    row["abandoned"] = sum(e.kind == "abandon" for e in model.events)
    for b in model.backers:
        row[f"level_{b.bid}"] = round(b.level, 3)
        row[f"withdrew_{b.bid}"] = b.withdrawn_week
    for g in model.groups:
        row[f"left_{g.gid}"] = g.leave_reason
        row[f"peak_{g.gid}"] = round(g.peak, 1)
    if model.sides is not None:
        row.update(model.sides.summary())
    # analyst columns (docs/outputs.md): appended so the columns above keep their place
    for b in model.backers:
        row[f"spent_{b.bid}"] = round(b.spent, 3)  # MUSD: channels and its groups' pay
    for f in model.factions:
        for ch in CHANNELS:
            row[f"received_{f.fid}_{ch}"] = round(f.received_total[ch], 3)
    departs = {}
    for e in model.events:
        if e.kind == "depart" and e.actor not in departs:
            departs[e.actor] = e.week
    for g in model.groups:
        row[f"left_week_{g.gid}"] = departs.get(g.gid, "stayed") if g.leave_reason else "stayed"
    return row
