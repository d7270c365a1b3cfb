"""Each intervention type is one table (scenario layer) and one effect (model layer).

The tables are a pydantic discriminated union on ``type``
(sim/scenario/interventions.py); the effects a registry of classes by type
(sim/model/interventions.py). These tests check the two cover the same types,
that ``type`` picks the table, that each type refuses the keys of the others
and requires the keys it cannot do without, each with a one-line message naming
the key, and that each type's smallest valid form fires when it says.
"""

from __future__ import annotations

from typing import Any

import pytest

from sim import ProxyWarModel, load_scenario
from sim.model.interventions import EFFECTS, Effect
from sim.scenario import (
    INTERVENTION_CLASSES,
    INTERVENTION_KEYS,
    INTERVENTION_TYPES,
    ScenarioError,
)

TEACH = "teaching_line.toml"

#: the smallest valid intervention of each type on the teaching theatre (timing added below)
MINIMAL: dict[str, dict[str, Any]] = {
    "sanction": {"group": "contractors", "financial": 0.5},
    "withdraw": {"backer": "southland"},
    "redeploy": {"group": "contractors", "place": "west_town"},
    "embargo": {"sea": 0.5},
    "surge": {"backer": "northland", "level": 0.5},
    "mediation": {"strength": 0.5},
    "ceasefire_breakdown": {},
    "transfer": {"place": "east_village", "faction": "RED"},
    "resize": {"group": "contractors", "size": 300.0},
    "truce": {"duration_weeks": 2},
    "realign": {"faction": "BLUE", "side": "neutrals"},
}


def problems(*interventions: dict[str, Any]) -> list[str]:
    with pytest.raises(ScenarioError) as exc:
        load_scenario(TEACH, {"interventions": list(interventions)})
    return exc.value.problems


def test_every_type_has_one_table_and_one_effect_and_no_more():
    assert set(INTERVENTION_CLASSES) == set(EFFECTS) == set(INTERVENTION_TYPES)
    assert set(MINIMAL) == set(INTERVENTION_TYPES)  # this file tests every type
    for kind, effect in EFFECTS.items():
        assert effect.kind == kind and INTERVENTION_CLASSES[kind].kind() == kind
        assert effect.apply is not Effect.apply, f"{kind}: no apply of its own"


def test_a_second_effect_for_a_type_is_refused():
    with pytest.raises(TypeError, match="two effects for intervention type 'truce'"):

        class AnotherTruce(Effect):
            kind = "truce"

    assert EFFECTS["truce"].__name__ == "TruceEffect"


def test_the_type_picks_the_table_and_the_effect():
    ivs = [{"type": t, "week": 3, **body} for t, body in MINIMAL.items()]
    spec = load_scenario(TEACH, {"interventions": ivs})
    assert [iv.type for iv in spec.interventions] == list(MINIMAL)
    for iv in spec.interventions:
        assert type(iv) is INTERVENTION_CLASSES[iv.type]
    m = ProxyWarModel(spec, rng=0, collect=False, weeks=1)
    assert [type(a.effect) for a in m.interventions] == [EFFECTS[t] for t in MINIMAL]


@pytest.mark.parametrize("kind", INTERVENTION_TYPES)
def test_each_type_fires_at_its_week_and_is_logged(kind):
    """Expected: in force from week 3, logged at 3, whatever the type (seed 0, 6 weeks)."""
    spec = load_scenario(TEACH, {"interventions": [{"type": kind, "week": 3, **MINIMAL[kind]}]})
    m = ProxyWarModel(spec, rng=0, collect=False, weeks=6).run()
    (act,) = m.interventions
    assert act.fired_week == 3
    assert [w for w, text in m.events_log if text.startswith(f"{kind}")][:1] == [3]


@pytest.mark.parametrize("kind", INTERVENTION_TYPES)
def test_each_type_refuses_a_key_of_another_naming_the_keys_it_uses(kind):
    own = set(INTERVENTION_KEYS[kind])
    foreign = next(k for t in INTERVENTION_TYPES for k in INTERVENTION_KEYS[t] if k not in own)
    value = "x" if foreign in ("backer", "group", "place", "faction", "side", "channel") else 1
    lines = problems({"type": kind, "week": 3, **MINIMAL[kind], foreign: value})
    expected = (
        f"interventions.0.{foreign}: expected only keys a {kind} uses "
        f"({', '.join(INTERVENTION_KEYS[kind])}), found {foreign} = {value!r}"
    )
    assert [line.split(": ", 1)[1] for line in lines] == [expected]


REQUIRED = [
    (kind, key)
    for kind, cls in INTERVENTION_CLASSES.items()
    for key, field in cls.model_fields.items()
    if field.is_required() and key != "type"
]


def test_the_types_that_need_keys_require_them():
    assert set(REQUIRED) == {
        ("redeploy", "group"),
        ("redeploy", "place"),
        ("mediation", "strength"),
        ("transfer", "place"),
        ("transfer", "faction"),
        ("resize", "group"),
        ("resize", "size"),
        ("truce", "duration_weeks"),
        ("realign", "faction"),
        ("realign", "side"),
    }


@pytest.mark.parametrize("kind, key", REQUIRED)
def test_a_required_key_left_out_is_named_with_its_type(kind, key):
    body = {k: v for k, v in MINIMAL[kind].items() if k != key}
    lines = problems({"type": kind, "week": 3, **body})
    assert [line.split(": ", 1)[1] for line in lines] == [
        f"interventions.0.{key}: expected a value, found nothing (required in a {kind})"
    ]


def test_an_unknown_or_missing_type_is_one_line_naming_the_key():
    (line,) = problems({"type": "sanctions", "week": 3, "group": "contractors"})
    assert line.endswith(
        "interventions.0.type: expected one of 'sanction', 'withdraw', 'redeploy', 'embargo', "
        "'surge', 'mediation', 'ceasefire_breakdown', 'transfer', 'resize', 'truce' or "
        "'realign', found 'sanctions' (did you mean 'sanction'?)"
    )
    (line,) = problems({"week": 3, "group": "contractors"})
    assert line.endswith("interventions.0.type: expected a value, found nothing (required key)")


def test_a_misspelt_key_gets_a_suggestion_from_its_own_type():
    (line,) = problems({"type": "sanction", "week": 3, "group": "contractors", "finacial": 0.5})
    assert line.endswith("interventions.0.finacial: unknown key (did you mean 'financial'?)")


def test_an_embargo_has_one_key_per_route_and_channels_are_the_one_list():
    from typing import get_args

    from sim.scenario import CHANNELS, ROUTES, Backer, ChannelName, RouteName, Surge, Withdraw

    assert INTERVENTION_KEYS["embargo"][: len(ROUTES)] == ROUTES
    assert get_args(ChannelName) == CHANNELS and get_args(RouteName) == ROUTES
    # every key naming a channel or a route is typed by that one Literal
    assert get_args(Backer.model_fields["channels"].annotation)[0] is ChannelName
    assert get_args(Withdraw.model_fields["channels"].annotation)[0] == list[ChannelName]
    assert Surge.model_fields["channel"].annotation == ChannelName | None
    assert Surge.model_fields["route"].annotation == RouteName | None


def test_a_mediation_of_no_strength_is_refused_at_its_key():
    (line,) = problems({"type": "mediation", "strength": 0.0, "week": 3})
    assert line.endswith("interventions.0.strength: expected a number in (0, 1], found 0.0")
