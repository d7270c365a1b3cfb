"""The stylised facts of the model's purpose (docs/ODD.md 1), as paired tests significant at 95 %.

Each fact is checked on the two-sided teaching theatre (scenarios/teaching_line.toml:
a replication takes milliseconds) and on the three-sided one
(scenarios/teaching_three_sides.toml: the same line and a southern faction hostile
to both; figures quoted in the docstrings are the two-sided ones unless they say
otherwise) by comparing what-ifs built here against the baseline, replicate by replicate
with common random numbers (:func:`sim.experiments.compare.compare`, or paired model runs
where the fact is about a mechanism inside the run). "Significant" means the paired 95 %
interval (:func:`sim.analysis.paired.paired_interval`) excludes zero in the direction
the fact states. A fact the model stops reproducing is to be marked ``xfail(strict=True)``
with what was measured (not deleted), so the suite stays honest about it.

In a war of three sides ``victory:<SIDE>`` needs every other side to fall, so a fact
read as P(victory) is the wrong yardstick there. Facts 2-4 are therefore also stated
for a war of sides, in terms of what each side's war achieves: which factions *fall*
(their seat of power taken, their forces or coalition broken: ``fallen_<faction>`` in
runs.csv; with two sides a faction falls exactly when the other side wins), the places
they hold, the enemy's losses where a group fights, and the front. Each such statement
was written in its test's docstring before it was measured, and is checked on both
theatres; the outcome readings of the two-sided theatre are kept as they were.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim import ProxyWarModel, load_scenario
from sim.experiments.compare import compare, paired_interval
from sim.experiments.sweep import replicate_seed

ROOT = Path(__file__).resolve().parent.parent
TEACH = ROOT / "scenarios" / "teaching_line.toml"
REPS = 60
SEED = 2024
#: the theatres the facts must hold in, and each one's backers other than RED's and BLUE's
THEATRES = {
    "two_sides": (TEACH, []),
    "three_sides": (ROOT / "scenarios" / "teaching_three_sides.toml", ["midland"]),
}


@pytest.fixture(scope="module", params=list(THEATRES))
def theatre(request):
    """(scenario, backers of the other sides) of one teaching theatre."""
    path, others = THEATRES[request.param]
    return load_scenario(path), others


@pytest.fixture(scope="module")
def base(theatre):
    return theatre[0]


def _arm(base, name: str, interventions: list[dict] | None = None, **overrides):
    extra = {"interventions": interventions} if interventions is not None else {}
    return load_scenario(base, {"name": name, **extra, **overrides})


def _withdraw(backer: str | list[str], week: int) -> list[dict]:
    names = [backer] if isinstance(backer, str) else backer
    return [{"type": "withdraw", "backer": b, "week": week} for b in names]


def _row(table, alternative: str, outcome: str):
    sub = table[(table["alternative"] == alternative) & (table["outcome"] == outcome)]
    assert len(sub) == 1, (alternative, outcome)
    return sub.iloc[0]


def _metric(differences, alternative: str, metric: str):
    sub = differences[
        (differences["alternative"] == alternative) & (differences["metric"] == metric)
    ]
    assert len(sub) == 1, (alternative, metric)
    return sub.iloc[0]


DURATION = "war duration (weeks, capped at the horizon)"


def _enemies(spec, fid: str) -> list[str]:
    """The factions ``fid`` starts the war fighting (other sides, not declared neutral)."""
    neutral = {frozenset(p) for p in spec.neutral}
    return [
        g
        for g in spec.factions
        if spec.side_of(g) != spec.side_of(fid) and frozenset((fid, g)) not in neutral
    ]


def _fell(pairs, spec, fid: str, arm: str) -> np.ndarray:
    """1 where faction ``fid`` was out of the war by the end of the run (``arm``: base, alt).

    Why: in a war of sides a faction *falls* (its seat of power taken, its
    forces or coalition broken: ``fallen_<fid>`` in runs.csv) whether or not
    the war then ends; with two sides there is no such column, and a faction
    falls exactly when the war ends in the other side's victory.
    """
    col = f"fallen_{fid}_{arm}"
    if col in pairs:
        return pairs[col].notna().to_numpy(dtype=float)
    out = pairs[f"outcome_{arm}"].astype(str)
    won = out.str.startswith("victory:") & (out != f"victory:{spec.side_of(fid)}")
    return won.to_numpy(dtype=float)


def _paired(base: np.ndarray, alt: np.ndarray) -> tuple[float, float, float]:
    """Mean paired difference (alternative minus baseline) and its 95 % interval."""
    d = np.asarray(alt, dtype=float) - np.asarray(base, dtype=float)
    low, high = paired_interval(d)
    return float(d.mean()), low, high


def _fmt(x: tuple[float, float, float]) -> str:
    return f"{x[0]:+.3g} [{x[1]:+.3g}, {x[2]:+.3g}]"


def _three_sided_xfail(spec, request, measured: str) -> None:
    """Mark a fact the three-sided theatre does not reproduce (strict: a pass is news)."""
    if len(spec.factions) > 2:
        request.applymarker(pytest.mark.xfail(strict=True, reason=measured))


# -- 1. support to both sides lengthens wars and raises the share of stalemates -----------


@pytest.fixture(scope="module")
def one_sided(theatre):
    """Baseline = one side supported; alternative = the teaching theatre (every side supported)."""
    base, others = theatre
    only_red = _arm(base, "only_RED_supported", _withdraw(["southland", *others], 1))
    only_blue = _arm(base, "only_BLUE_supported", _withdraw(["northland", *others], 1))
    both = _arm(base, "both_supported")
    res_red = compare(only_red, both, reps=REPS, seed=SEED, workers=1, progress=False)
    res_blue = compare(only_blue, both, reps=REPS, seed=SEED, workers=1, progress=False)
    return res_red, res_blue, len(base.factions) == 2


def _assert_fact_1(res):
    dur = _metric(res.differences, "both_supported", DURATION)
    assert dur["ci_low"] > 0, f"war not longer with both sides supported: {dur.to_dict()}"
    stal = _row(res.table, "both_supported", "stalemate")
    assert stal["ci_low"] > 0, f"stalemate share not higher: {stal.to_dict()}"


def test_fact_1_support_to_both_sides_vs_the_attacker_only(one_sided):
    """Against support to RED only: measured (300 paired reps, seed 7) wars 16.3 weeks
    longer [15.2, 17.3] and a stalemate share 0.30 higher [0.25, 0.36] with both supported.

    Supported alone, RED wins 98 % of its wars, in 27 weeks on average.
    """
    _assert_fact_1(one_sided[0])


def test_fact_1_support_to_both_sides_vs_the_defender_only(one_sided):
    """Against support to BLUE only: measured (300 paired reps, seed 7) wars 16.1 weeks
    longer [15.1, 17.2] and a stalemate share 0.30 higher [0.25, 0.36] with both supported.

    Westland's army runs on Northland's money (teaching_line.toml, ``factions.RED.income``):
    without it RED is broke within months, its coalition frays and it collapses, so BLUE
    wins 93 % of these wars, in 27 weeks on average, without ever counter-attacking.
    """
    res = one_sided[1]
    _assert_fact_1(res)
    # one-sided support is decisive for the supported side: BLUE wins more of these wars
    # (most of them when there are two sides; with three it must outlast both others)
    blue = _row(res.table, "both_supported", "victory:BLUE")
    assert blue["ci_high"] < 0, blue.to_dict()
    if one_sided[2]:
        assert blue["p_baseline"] > 0.5, blue.to_dict()


# -- 2. withdrawal of a major backer shifts outcomes toward the other side -----------------


@pytest.fixture(scope="module")
def withdrawals(base):
    """The baseline against Northland's and against Southland's withdrawal in week 12."""
    return compare(
        base,
        [
            _arm(base, "northland_withdraws", _withdraw("northland", 12)),
            _arm(base, "southland_withdraws", _withdraw("southland", 12)),
        ],
        reps=REPS,
        seed=SEED,
        workers=1,
        progress=False,
    )


def test_fact_2_withdrawal_of_a_backer_shifts_outcomes_to_the_other_side(withdrawals, base):
    """Northland (RED's backer) leaving lowers RED's chance of victory; Southland leaving raises it.

    The fact read as outcomes of a two-sided war. With three sides a victory needs
    every other side to fall, so P(victory:<side>) is not the fact's yardstick
    there: the two tests after this one state the fact for a war of sides.

    Measured (teaching_line, 200 paired reps, seed 11, withdrawal in week 12):
    P(victory:RED) -0.53 [-0.59, -0.46] and +0.39 [+0.32, +0.46]; without Northland's
    money RED's coalition collapses, P(victory:BLUE) +0.85 [+0.80, +0.90].
    """
    if len(base.factions) > 2:
        pytest.skip("two sides only: a victory needs every other side to fall (see below)")
    res = withdrawals
    red = _row(res.table, "northland_withdraws", "victory:RED")
    assert red["ci_high"] < 0, red.to_dict()
    # RED's lost victories go to the other outcomes, none of which RED gets
    assert red["only_alternative"] == 0
    # and mostly to BLUE's victory: the distribution shifts toward the other side
    won = _row(res.table, "northland_withdraws", "victory:BLUE")
    assert won["ci_low"] > 0, won.to_dict()
    blue = _row(res.table, "southland_withdraws", "victory:RED")
    assert blue["ci_low"] > 0, blue.to_dict()
    # and the shift is the withdrawal's: before week 12 no replicate differs
    for alt in ("northland_withdraws", "southland_withdraws"):
        pairs = res.pairs(alt)
        early = pairs["end_week_base"] < 12
        assert (pairs.loc[early, "outcome_base"] == pairs.loc[early, "outcome_alt"]).all()


def _assert_client_falls(res, spec, alt: str, client: str) -> None:
    """Fact 2 in a war of sides (stated before measuring it): see the two tests below.

    A client whose backer leaves (in week 12) is (a) out of the war by the horizon
    more often (its seat of power taken, or its forces or coalition broken:
    ``fallen_<client>`` in runs.csv; with two sides, the other side's victory), (b)
    holds fewer places at the horizon (what it loses goes to its enemies), and (c)
    its enemies gain: the number of them that fell by the horizon is lower. Each
    paired 95 % interval must exclude zero in that direction; before week 12 no
    replicate differs.
    """
    pairs = res.pairs(alt)
    fell = _paired(_fell(pairs, spec, client, "base"), _fell(pairs, spec, client, "alt"))
    held = _paired(pairs[f"places_{client}_base"], pairs[f"places_{client}_alt"])
    foes = _enemies(spec, client)
    down = _paired(
        sum(_fell(pairs, spec, g, "base") for g in foes),
        sum(_fell(pairs, spec, g, "alt") for g in foes),
    )
    early = pairs["end_week_base"] < 12
    assert (pairs.loc[early, "outcome_base"] == pairs.loc[early, "outcome_alt"]).all()
    assert fell[1] > 0, f"{alt}: (a) {client} does not fall more often: {_fmt(fell)}"
    assert held[2] < 0, f"{alt}: (b) {client} does not hold fewer places: {_fmt(held)}"
    assert down[2] < 0, f"{alt}: (c) {client}'s enemies do not fall less often: {_fmt(down)}"


def test_fact_2_without_northland_red_falls_and_its_enemies_gain(withdrawals, base):
    """Northland leaves in week 12: RED falls more often, holds less, and its enemies fall less.

    Measured (60 paired reps, seed 2024), two sides: P(RED fell) +0.98 [+0.95, +1.02],
    RED's places at the horizon -0.92 [-1.16, -0.68], RED's enemies fallen -0.80
    [-0.90, -0.70]; three sides (horizon 78 weeks): +0.98 [+0.95, +1.02], -6.3
    [-7.0, -5.6] and -0.90 [-1.08, -0.72] (BLUE -0.67, GREEN -0.23).
    """
    _assert_client_falls(withdrawals, base, "northland_withdraws", "RED")


def test_fact_2_without_southland_blue_falls_and_its_enemies_gain(withdrawals, base, request):
    """Southland leaves in week 12: BLUE falls more often, holds less, and its enemies fall less.

    (c) cannot hold as stated in either theatre, and the test records that: RED never
    falls in the baseline (0 of 60), so its falls cannot become rarer; with three sides
    RED, freed of BLUE's resistance, turns on GREEN, which falls far more often. One
    enemy's gain is another enemy's loss: counting the enemies' falls together is a
    yardstick for the case where the client has one enemy.
    """
    if len(base.factions) > 2:
        measured = (
            "three sides (60 reps): (a) P(BLUE fell) +0.30 [+0.18, +0.42] and (b) BLUE's "
            "places -0.32 [-0.44, -0.20] hold, but (c) BLUE's enemies fallen +0.72 "
            "[+0.60, +0.83]: RED never falls (0 of 60 in both arms), GREEN falls +0.72"
        )
    else:
        measured = (
            "two sides (60 reps): (a) P(BLUE fell) +0.17 [+0.06, +0.28] holds, but BLUE "
            "already falls in 48 of 60 baseline runs: (b) its places -0.03 [-0.10, +0.03] "
            "and (c) RED's falls +0.03 [-0.01, +0.08] (0 of 60 in the baseline)"
        )
    request.applymarker(pytest.mark.xfail(strict=True, reason=measured))
    _assert_client_falls(withdrawals, base, "southland_withdraws", "BLUE")


# -- 3. a mercenary deployment is a force multiplier where it is deployed --------------------


def _first_merc_engagement(
    with_mercs, without, seed: int
) -> tuple[float, float, float, float] | None:
    """Run both arms in lockstep to the first week the Contractors fight.

    Until then the two runs are identical (common random numbers, and the
    group has not yet touched the war); that week, at the Contractors' place,
    return the paired differences in the attacking force, in the share of the
    defenders lost, in the defenders' fighters lost and in the place's capture
    (1 taken, 0 not). The defender is whichever enemy holds the place.
    """
    m1 = ProxyWarModel(with_mercs, rng=seed, collect=False)
    m0 = ProxyWarModel(without, rng=seed, collect=False)
    group = m1.groups_by_id["contractors"]
    while m1.running and m0.running:
        m1.step()
        m0.step()
        e1 = {e.place: e for e in m1.engagements if e.attacker == "RED"}
        if group.active and group.location in e1:
            e0 = {e.place: e for e in m0.engagements if e.attacker == "RED"}
            a, b = e1[group.location], e0.get(group.location)
            if b is None:
                return None
            lost1, lost0 = 1 - a.y1 / a.y0, 1 - b.y1 / b.y0
            killed = (a.y0 - a.y1) - (b.y0 - b.y1)
            return a.x0 - b.x0, lost1 - lost0, killed, float(a.captured) - float(b.captured)
    return None


@pytest.fixture(scope="module")
def first_fights(base):
    """Lockstep pairs (with and without the Contractors) at their first fight, 40 seeds."""
    none = _arm(base, "no_contractors", **{"groups.contractors.size": 0.0})
    found = [_first_merc_engagement(base, none, replicate_seed(SEED, i)) for i in range(40)]
    return np.array([f for f in found if f is not None])


def test_fact_3_mercenaries_multiply_combat_power_where_they_fight(first_fights):
    """Locally: where the Contractors join an assault, it is stronger and bleeds the defence."""
    pairs = first_fights
    assert len(pairs) >= 30
    force, bled = pairs[:, 0], pairs[:, 1]
    assert (force > 0).all()
    low, _ = paired_interval(bled)
    assert low > 0 and (bled > 0).mean() > 0.9


DEPLOYED_DATES = ["2021-04-29", "2021-05-27"]  # weeks 16 and 20: the group has arrived


@pytest.fixture(scope="module")
def deployments(base):
    """No Contractors (baseline) against the Contractors at the front and in the rear."""
    none = _arm(base, "no_contractors", **{"groups.contractors.size": 0.0})
    front = _arm(base, "contractors_at_front")
    rear = _arm(base, "contractors_in_rear", **{"groups.contractors.deployed": "west_capital"})
    return compare(
        none,
        [front, rear],
        reps=REPS,
        seed=SEED,
        workers=1,
        progress=False,
        at_dates=DEPLOYED_DATES,
    )


def test_fact_3_the_multiplier_acts_only_where_the_group_is_deployed(deployments, base):
    """At the main effort the Contractors move the war; garrisoned in the rear, they do not.

    The fact read as outcomes of a two-sided war. Measured (100 paired reps): at the
    front, P(victory:RED) +0.30 [+0.20, +0.40] and the front 3.9 km [1.4, 6.4] nearer
    the capital in week 16; at West Capital, 180 km behind the front, no replicate's
    front line or outcome changes. With three sides a victory needs both other sides
    to fall (there, at the front, P(victory:RED) +0.00 [-0.13, +0.13]): the three
    tests after this one state the fact for a war of sides.
    """
    if len(base.factions) > 2:
        pytest.skip("two sides only: a victory needs every other side to fall (see below)")
    res = deployments
    win = _row(res.table, "contractors_at_front", "victory:RED")
    assert win["ci_low"] > 0, win.to_dict()
    km = res.differences[
        (res.differences["alternative"] == "contractors_at_front")
        & res.differences["metric"].str.startswith("front distance")
    ]
    assert (km["ci_high"] < 0).any(), km.to_dict("records")  # the front is nearer the capital
    # in the rear they fight nobody: no significant change of outcome or front. (Not
    # exactly none: their pay still comes out of the patron's budget and counts as
    # support that the rival's backers answer.)
    t_rear = res.table[res.table["alternative"] == "contractors_in_rear"]
    assert (t_rear["ci_low"] <= 0).all() and (t_rear["ci_high"] >= 0).all(), t_rear.to_dict()
    win_rear = _row(res.table, "contractors_in_rear", "victory:RED")
    assert win_rear["difference"] < win["difference"]
    d_rear = res.differences[
        (res.differences["alternative"] == "contractors_in_rear")
        & res.differences["metric"].str.startswith("front distance")
    ]
    assert (d_rear["ci_low"] <= 0).all() and (d_rear["ci_high"] >= 0).all(), d_rear.to_dict()


# Fact 3 in a war of sides (stated before measuring it), as the Libya check 3 reads it
# (docs/validation.md), in three parts, one test each:
# (a) in the first week the Contractors fight, the enemy holding their place loses more
#     fighters there than it does in the same week without them (paired, significant),
#     and that place is taken no less often (its interval does not lie below zero);
#     deployed at the main effort they bring RED's front nearer its objective (week 16
#     or 20, significant);
# (b) deployed at the main effort, RED's enemies fall more often by the horizon (the
#     number of them fallen: with two sides, P(victory:RED));
# (c) garrisoned at West Capital they fight nobody: no outcome, no front distance and no
#     faction's fall changes significantly.


def test_fact_3_sides_the_group_bleeds_the_enemy_where_it_fights(first_fights, deployments):
    """(a) The enemy bleeds at the group's place, and the front moves toward the objective.

    Measured (seed 2024; 40 lockstep pairs, 60 paired reps): two sides, enemy fighters
    lost at the group's place +6.7 [+5.7, +7.8], its capture +0 (never differs), front
    -18.0 km [-23.2, -12.8] in week 16; three sides, +13.9 [+2.8, +25.1], +0.03 [-0.03,
    +0.08], and -14.0 km [-19.2, -8.8].
    """
    killed, taken = first_fights[:, 2], first_fights[:, 3]
    k = (killed.mean(), *paired_interval(killed))
    assert k[1] > 0, f"enemy losses at the group's place: {_fmt(k)}"
    t = (taken.mean(), *paired_interval(taken))
    assert t[2] >= 0, f"capture of the group's place: {_fmt(t)}"
    res = deployments
    km = res.differences[
        (res.differences["alternative"] == "contractors_at_front")
        & res.differences["metric"].str.startswith("front distance")
        & res.differences["date"].isin(DEPLOYED_DATES)
    ]
    assert (km["ci_high"] < 0).any(), km.to_dict("records")


def test_fact_3_sides_at_the_front_red_s_enemies_fall_more_often(deployments, base):
    """(b) With the Contractors at the main effort, RED's enemies fall more often.

    Measured (60 paired reps, seed 2024): two sides, RED's enemies fallen +0.38
    [+0.25, +0.52]; three sides +0.62 [+0.39, +0.84] (before a defending group
    stood where its faction was hit lately, instead of reading the enemy's plan of
    the week, the three-sided effect was +0.03 [-0.16, +0.23]).
    """
    pairs = deployments.pairs("contractors_at_front")
    foes = _enemies(base, "RED")
    up = _paired(
        sum(_fell(pairs, base, g, "base") for g in foes),
        sum(_fell(pairs, base, g, "alt") for g in foes),
    )
    assert up[1] > 0, f"RED's enemies do not fall more often: {_fmt(up)}"


def test_fact_3_sides_in_the_rear_the_group_changes_nothing(deployments, base):
    """(c) Garrisoned at West Capital, the Contractors change no outcome, front or fall.

    Measured (60 paired reps, seed 2024): in both theatres no replicate's outcome or
    faction's fall changes; the front at the horizon +1.0 km [-1.0, +3.0] (two sides)
    and +1.5 km [-0.7, +3.7] (three sides).
    """
    res = deployments
    pairs = res.pairs("contractors_in_rear")
    for fid in base.factions:
        d = _paired(_fell(pairs, base, fid, "base"), _fell(pairs, base, fid, "alt"))
        assert d[1] <= 0 <= d[2], f"{fid}'s falls: {_fmt(d)}"
    t_rear = res.table[res.table["alternative"] == "contractors_in_rear"]
    assert (t_rear["ci_low"] <= 0).all() and (t_rear["ci_high"] >= 0).all(), t_rear
    d_rear = res.differences[
        (res.differences["alternative"] == "contractors_in_rear")
        & res.differences["metric"].str.startswith("front distance")
    ]
    assert (d_rear["ci_low"] <= 0).all() and (d_rear["ci_high"] >= 0).all(), d_rear


# -- 4. sanctions act with a lag, through money and logistics --------------------------------

FIRED, LAG = 10, 4
BITE = FIRED + LAG


def _weekly(spec, seed: int, weeks: int = 52) -> tuple[np.ndarray, np.ndarray, ProxyWarModel]:
    """Weekly mercenaries deployed and front distance, weeks 0..weeks (padded after the end)."""
    m = ProxyWarModel(spec, rng=seed, weeks=weeks).run()
    df = m.datacollector.get_model_vars_dataframe()
    merc = df["mercenaries"].to_numpy(dtype=float)[: weeks + 1]
    front = df["front_km"].to_numpy(dtype=float)[: weeks + 1]
    pad = weeks + 1 - merc.size
    return np.pad(merc, (0, pad), mode="edge"), np.pad(front, (0, pad), mode="edge"), m


def _enemies_fallen(m: ProxyWarModel, weeks: int) -> np.ndarray:
    """How many of RED's enemies are out of the war by each week 0..weeks.

    Why this and not RED's victory: in a war of sides RED wins only when every
    other side has fallen, which may take longer than the horizon even when
    RED's war goes well; an enemy's fall is what RED's war achieves week by
    week. With two sides it is RED's victory by that week.
    """
    spec = m.spec
    if m.sides is None:
        fell = {fid: m.end_week for fid in spec.factions if m.outcome == "victory:RED"}
    else:
        fell = m.sides.fallen
    weeks_of = [fell[g] for g in _enemies(spec, "RED") if fell.get(g) is not None]
    w = np.arange(weeks + 1)
    return sum(((w >= x).astype(float) for x in weeks_of), np.zeros(weeks + 1))


@pytest.fixture(scope="module")
def sanctions(base):
    """Paired weekly series: mercenaries deployed, front distance, RED's enemies fallen.

    Over the theatre's own horizon (52 weeks with two sides, 78 with three).
    """
    sanctioned = _arm(
        base,
        "contractors_sanctioned",
        [
            {
                "type": "sanction",
                "group": "contractors",
                "week": FIRED,
                "lag_weeks": LAG,
                "financial": 0.9,
                "logistics": 0.8,
            }
        ],
    )
    weeks = base.horizon_weeks
    runs = []
    for i in range(REPS):
        seed = replicate_seed(SEED, i)
        runs.append((_weekly(base, seed, weeks), _weekly(sanctioned, seed, weeks)))
    merc = np.array([s[0] - b[0] for b, s in runs])
    front = np.array([s[1] - b[1] for b, s in runs])
    fallen = np.array(
        [_enemies_fallen(s[2], weeks) - _enemies_fallen(b[2], weeks) for b, s in runs]
    )
    return runs, merc, front, fallen


def _first_significant(d: np.ndarray, sign: float) -> int | None:
    """First week whose paired interval lies entirely on the ``sign`` side of zero."""
    for w in range(d.shape[1]):
        low, high = paired_interval(d[:, w])
        if (sign < 0 and high < 0) or (sign > 0 and low > 0):
            return w
    return None


def test_fact_4_sanctions_do_nothing_before_they_bite(sanctions):
    _, merc, front, fallen = sanctions
    assert (merc[:, :BITE] == 0).all() and (front[:, :BITE] == 0).all()
    assert (fallen[:, :BITE] == 0).all()


def test_fact_4_sanctions_bite_through_the_groups_money(sanctions):
    """Unpaid, the Contractors run up arrears and leave: strength falls soon after the bite."""
    runs, merc, _, _ = sanctions
    reasons = [s[2].groups_by_id["contractors"].leave_reason for _, s in runs]
    base_reasons = [b[2].groups_by_id["contractors"].leave_reason for b, _ in runs]
    assert sum(r == "pay arrears" for r in reasons) >= 0.8 * len(runs)
    assert not any(r == "pay arrears" for r in base_reasons)
    week = _first_significant(merc, -1.0)
    assert week is not None and BITE <= week <= BITE + 2
    low, high = paired_interval(merc[:, BITE + 6])
    assert high < -300  # most of the 600 contracted fighters are gone six weeks after the bite


def test_fact_4_the_war_feels_sanctions_later_and_indirectly(sanctions, base):
    """The group's strength falls at the bite; the front and the outcome follow weeks later.

    What the fact means in a war of sides (stated before measuring it): the war's
    outcome so far is the number of RED's enemies out of the war by week w (with two
    sides: whether RED has won by then); sanctions on RED's Contractors lower it
    significantly only six or more weeks after their strength falls significantly, and
    still by the theatre's own horizon (52 weeks; 78 with three sides); six weeks after
    the bite the group is mostly gone, yet the front has hardly moved.

    Measured (60 paired reps, seed 2024), two sides: mercenaries significantly fewer
    from week 14 (the bite), -585 [-588, -582] in week 20, when the front is unchanged
    in 55 of 60 replicates; RED's chance of having won by week w significantly lower
    from week 35, and -0.35 [-0.47, -0.23] by the horizon. Three sides: fewer from
    week 14, -579 [-591, -567] in week 20 (front unchanged in 55 of 60); RED's enemies
    fallen significantly fewer from week 39, -0.27 [-0.39, -0.14] by week 52 and
    -0.25 [-0.38, -0.12] by the horizon (BLUE -0.18 [-0.29, -0.07], GREEN -0.07
    [-0.16, +0.03]); RED's own victory by week 52 never significantly lower.
    """
    _, merc, front, fallen = sanctions
    w_merc = _first_significant(merc, -1.0)
    w_war = _first_significant(fallen, -1.0)
    assert w_merc is not None and w_war is not None, (w_merc, w_war)
    assert w_war >= w_merc + 6, (w_merc, w_war)
    # six weeks after the bite the group is mostly gone, yet the front has hardly moved
    assert (merc[:, BITE + 6] != 0).mean() > 0.9
    assert (front[:, BITE + 6] != 0).mean() < 0.1
    low, high = paired_interval(fallen[:, -1])
    assert high < 0, (fallen[:, -1].mean(), low, high)
