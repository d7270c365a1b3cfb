"""The war's record: one :class:`Event` per decision or happening that changed the war.

Why a typed record and not a line of text: an analyst asks "in how many runs
did Wagner leave over pay?" or "when did the GNA retake Gharyan?", and a
validation check counts captures of one place by one faction. Both need the
actor, the kind of event and the place as fields, not parsed out of prose.
"""

from __future__ import annotations

from dataclasses import dataclass

#: every kind of event the model records (events.csv's ``kind`` column)
KINDS = (
    "intervention",  # a scenario intervention fires (detail says which)
    "sanction_bites",  # a sanction's lag has run out
    "redeploy",  # a group moves station
    "capture",  # a faction takes a place by assault
    "abandon",  # an unsupplied place is given up to the enemy
    "supply_cut",  # a place's supply line is cut
    "supply_restored",  # a cut place is reached again
    "breakthrough",  # a defence broke and the attacker presses on (several captures in a week)
    "milestone",  # a war aim short of victory (an offensive defeated, the start line passed)
    "escalate",  # a backer raises its support level
    "deescalate",  # a backer lowers its support level
    "withdraw",  # a backer stops all support
    "arrive",  # a mercenary group's first fighters reach the theatre
    "depart",  # a mercenary group starts leaving (detail says why)
    "talks",  # ripeness reached: the sides are ready to talk
    "veto",  # a backer blocks a ceasefire
    "ceasefire",  # a ceasefire is agreed
    "breakdown",  # a ceasefire breaks down
    "truce",  # a truce imposed from outside starts or ends
    "transfer",  # a place changes hands outside the modelled fighting
    "resize",  # a group's contracted size changes
    "end",  # the war ends (detail: the outcome in words)
)


@dataclass(frozen=True, slots=True)
class Event:
    """One row of ``events.csv``.

    Attributes:
        week: the week it happened (in force from).
        actor: who acted: a faction, backer or group id, or ``scenario`` /
            ``mediator`` for what comes from outside the war.
        kind: one of :data:`KINDS`.
        detail: a sentence a reader understands without the other columns.
        place: the place id concerned, if any.
    """

    week: int
    actor: str
    kind: str
    detail: str
    place: str | None = None
