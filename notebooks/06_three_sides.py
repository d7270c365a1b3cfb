# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: -all
#     notebook_metadata_filter: kernelspec,jupytext
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 6. A war of three sides: side labels, one front per faction, pair ceasefires
#
# Most proxy wars analysts ask about have more than two parties: in Syria the
# government, several rebel groups, the Kurdish-led SDF and ISIS; in Yemen the
# Houthis, the Hadi government, the southern separatists and AQAP. This
# notebook takes the two-sided teaching line (RED attacks BLUE along one road)
# and adds a third faction, GREEN, on a southern branch, hostile to both. It
# shows what changes when a war has three sides.
#
# **Learning goals.** After this notebook you can
#
# - read the side labels of a many-sided war: a faction, a *side* (the
#   coalition it fights on), and outcomes such as `victory:RED` or
#   `victory:AQAP+COALITION`, each defined in words from the scenario;
# - follow one three-sided war: who falls when, which pairs agree a ceasefire,
#   and each faction's own front (the road distance from its seat of power to
#   the nearest place an enemy holds);
# - compare the outcome distribution with and without the third side, and
#   read the per-faction fan charts of a sweep;
# - change who is allied with whom, or neutral, and predict which outcome
#   labels the war can then end in.
#
# It takes well under a minute to run.

# %%
# Setup: import the model and find the scenario library.

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

import sim.viz.mapdata
import sim.viz.plots
from sim import ProxyWarModel, load_scenario
from sim.analysis.outcomes import outcome_definitions, outcome_labels
from sim.experiments import objectives
from sim.experiments.sweep import run_sweep
from sim.scenario import SCENARIO_DIR

# sim.viz.plots selects matplotlib's file-only "Agg" backend when imported (the command
# line writes PNG files); this line brings back inline figures in the notebook.
# %matplotlib inline

# the scenario library: the checkout's scenarios/, or the copy an installed package ships
SCENARIOS = SCENARIO_DIR
pd.set_option("display.width", 120)
pd.set_option("display.max_columns", 12)
print("scenarios from", SCENARIOS)

# %% [markdown]
# ## The theatre and its sides
#
# `scenarios/teaching_three_sides.toml` extends the teaching line: the seven
# places from West Capital (RED's seat) to East Capital (BLUE's) stay, and a
# branch runs south from the Crossroads to South Capital, held by the
# Southland Front (GREEN). Nothing here describes a real war; every number is
# an assumption chosen to make the mechanisms visible.
#
# Three words matter:
#
# - a **faction** is an armed group with its own fighters, money and seat of
#   power (`home`);
# - a **side** is a coalition: factions on the same side never fight each
#   other. A faction with no `side` in the scenario is a side of its own, so
#   here the three sides are called RED, BLUE and GREEN, like their factions;
# - a **neutral** pair (the scenario's `neutral` list) are on different sides
#   but do not fight each other.
#
# Factions on opposing sides fight wherever their territories touch.

# %%
THREE = SCENARIOS / "teaching_three_sides.toml"
three = load_scenario(THREE)
factions = pd.DataFrame(
    {
        fid: {
            "name": f.name,
            "side": three.side_of(fid),
            "seat of power": three.places[f.home].name,
            "fighters": f.fighters,
        }
        for fid, f in three.factions.items()
    }
).T
display(factions)
start = ProxyWarModel(three, rng=0)
fig = sim.viz.plots.plot_map(start)
plt.show()

# %% [markdown]
# ## What the outcome labels mean
#
# A two-faction war ends in `victory:<FACTION>`, `ceasefire` or `stalemate`
# (no decision by the horizon). A war on sides ends by **side**: `victory:RED`
# means every faction still standing is on side RED, and each of the others
# *fell*: its seat of power was taken, or its forces broke, or its coalition
# fell apart. So RED must defeat **both** BLUE and GREEN to win. The war goes
# on while two factions that fight each other still stand; a ceasefire can be
# agreed between one pair while the others fight on, and the war ends in
# `ceasefire` when every pair still standing has one that held.
#
# Every report defines the labels in words from the scenario:

# %%
for label, text in outcome_definitions(three).items():
    print(f"{label}:\n    {text}\n")

# %% [markdown]
# In Yemen (`scenarios/yemen_2015.toml`) the sides group several factions:
# the Hadi government (GOV) and the Southern Transitional Council (SOUTH) are
# both on side COALITION, so the label is `victory:COALITION`, never
# `victory:GOV`. AQAP is neutral toward both coalition factions, so when the
# Houthis fall, AQAP and the coalition are left standing with nobody to
# fight: the label is `victory:AQAP+COALITION`.

# %%
yemen = load_scenario(SCENARIOS / "yemen_2015.toml")
print("Yemen's sides:", {fid: yemen.side_of(fid) for fid in yemen.factions})
print("Yemen's neutral pairs:", yemen.neutral)
print("Yemen's outcome labels:", outcome_labels(yemen))
joint = outcome_definitions(yemen)["victory:AQAP+COALITION"]
print("\nvictory:AQAP+COALITION:", joint[:160], "...")

# %% [markdown]
# ## One war, three fronts
#
# In a two-faction war one front matters: the attacker's distance to the
# contested place. With three factions each has its own front: the road
# distance from its seat of power to the nearest place held by a faction at
# war with it. The model records it every week (`model.sides.fronts`); a
# sweep writes it to `front_objectives_series.csv` and
# `front_objectives.csv` (`docs/outputs.md`).
#
# Here is one run (seed 2), with the falls and pair ceasefires from its event
# log:

# %%
run = ProxyWarModel(three, rng=2)
week0 = dict(run.sides.front)
run.run()
print("outcome:", run.outcome, "in week", run.end_week)
print("fell (faction: week):", run.sides.fallen)
log = pd.DataFrame(
    [(e.week, e.kind, e.detail) for e in run.events if e.kind in {"fall", "ceasefire", "end"}],
    columns=["week", "kind", "detail"],
)
display(log)
colours = sim.viz.mapdata.faction_colours(run)
fig, ax = plt.subplots(figsize=(9, 3.6), layout="constrained")
for fid, weekly in run.sides.fronts.items():
    km = [week0[fid], *weekly]
    ax.plot(range(len(km)), km, color=colours[fid], lw=2, label=f"{fid}: home to nearest enemy")
for fid, week in run.sides.fallen.items():
    ax.axvline(week, color=colours[fid], ls=":", lw=1)
    ax.annotate(f"{fid} falls", (week, 5), rotation=90, fontsize=8, color=colours[fid])
ax.set_xlabel("week")
ax.set_ylabel("km by road")
ax.set_ylim(bottom=0)
ax.set_title("Each faction's front in one run (a gap: the faction has fallen)")
ax.legend(fontsize=8, loc="upper left")
plt.show()

# %% [markdown]
# BLUE falls first, in week 39, when its forces break; GREEN holds out much
# longer (to week 63), and only when its forces too have broken does the war
# end in `victory:RED`.
# While BLUE stood, RED had to keep a flank toward GREEN at the Crossroads:
# a third side splits an attacker's strength.

# %% [markdown]
# ## Many wars: what the third side changes
#
# A sweep of 200 runs each of the two-sided line and the three-sided theatre,
# with the same seeds (`run_sweep(..., out=None)` keeps the files in a
# temporary folder that lives as long as `res`):

# %%
LINE = SCENARIOS / "teaching_line.toml"
res = run_sweep([LINE, THREE], reps=200, seed=1, out=None, workers=1, progress=False)
table = res.summary.pivot(index="outcome", columns="scenario", values="probability")
display(table.fillna(0).round(3))
means = res.runs.groupby("scenario")[["end_week", "casualties"]].mean().round(1)
display(means)
fig = sim.viz.plots.plot_outcome_probabilities(res.summary, specs=res.specs)
plt.show()

# %% [markdown]
# With a third side RED wins less often (0.77 of the runs against 0.94 on the
# line), wars last longer (65 weeks on average against 42) and cost more lives
# (about 9,500 casualties against 6,300): RED must now take two capitals, and
# part of its force stays on the southern flank. Still, most three-sided wars
# end in `victory:RED`; about one in five (0.185, against 0.06 on the line) is
# undecided at the horizon, and a few (0.045) end in a ceasefire.
#
# Each faction's front over the 200 runs (quantiles over the runs in which
# the faction still stands and has an enemy; the dashed line is the share of
# such runs):

# %%
per_faction = objectives.load_objective_quantiles(res.out)
fig = sim.viz.plots.plot_objective_fans(per_faction)
plt.show()
fell = {
    fid: res.runs.loc[res.runs["scenario"] == three.name, f"fallen_{fid}"].notna().mean()
    for fid in three.factions
}
print("share of runs in which each faction fell:", fell)

# %% [markdown]
# ## Exercises
#
# Four questions; each has an *Answer* block below it and a worked solution
# computed at the end of the notebook.

# %% [markdown]
# **Exercise 1.** Without running anything: what must happen for the war to
# end in `victory:GREEN`? Check your answer against
# `outcome_definitions(three)` and say how often it happened above.

# %% [markdown]
# <details><summary>Answer</summary>
#
# GREEN's side must be the only one left standing, so both RED and BLUE must
# fall: West Capital and East Capital taken (by anyone at war with them), or
# each one's forces broken (fewer than 30 % of its starting fighters) or its
# coalition fallen apart (cohesion below 0.15). GREEN, the smallest faction
# with 3,000 fighters, never got there in the 200 runs: `victory:GREEN` has
# probability 0 in the table above.
#
# </details>

# %% [markdown]
# **Exercise 2.** Put GREEN on BLUE's side (an alliance:
# `load_scenario(THREE, overrides={"factions.GREEN.side": "BLUE"})`). Which
# outcome labels can the war now end in? Does the alliance help BLUE? Sweep it
# with the same seeds and compare P(victory:RED).

# %% [markdown]
# <details><summary>Answer</summary>
#
# The labels become `victory:RED`, `victory:BLUE` (BLUE and GREEN together),
# `ceasefire` and `stalemate`: `victory:GREEN` no longer exists because GREEN
# is on side BLUE. On the ground nothing changes: allies share neither
# territory nor forces, and in this theatre BLUE and GREEN never touch (RED's
# Crossroads sits between them), so they never fought each other in the first
# place. With these seeds P(victory:RED) does not move at all (0.77 either
# way). It could only move through the backers: competitive escalation answers
# the support that *enemies* receive, and once GREEN is BLUE's ally, GREEN's
# support no longer counts as a rival's; here that shifts no outcome. Switch
# every backer's `escalation_response` to 0 and the alliance again leaves
# P(victory:RED) exactly where it was (0.01 either way: without escalation RED
# almost never wins). What also changes is
# diplomacy: a BLUE–GREEN ceasefire is no longer needed, so fewer runs record
# a pair ceasefire.
#
# </details>

# %% [markdown]
# **Exercise 3.** Make BLUE and GREEN neutral toward each other instead
# (`overrides={"neutral": [["BLUE", "GREEN"]]}`). Which new label appears in
# `outcome_labels`, and what does it mean?

# %% [markdown]
# <details><summary>Answer</summary>
#
# `victory:BLUE+GREEN` appears: if RED falls while BLUE and GREEN both stand,
# no two standing factions fight each other, so the war ends with the two
# neutral sides left standing together. Its definition says exactly that,
# and names the condition for RED's fall (West Capital taken, or RED's forces
# or coalition broken). The other labels stay: `victory:BLUE` and
# `victory:GREEN` still need the other two to fall.
#
# </details>

# %% [markdown]
# **Exercise 4.** Find a run (a seed of `ProxyWarModel(three, rng=seed)`) that
# ends in `ceasefire` even though one faction fell. Which pair agreed the
# ceasefire, and why did the war end?

# %% [markdown]
# <details><summary>Answer</summary>
#
# Such runs are rare (in the sweep above only 0.045 of the three-sided runs
# ended in `ceasefire` at all); the first seed that does it is 61. GREEN agrees a ceasefire with each of the
# others and both hold (`sides.settled` is `{("BLUE", "GREEN"), ("GREEN",
# "RED")}`), while RED and BLUE fight on until BLUE's forces break in week 38.
# From then on the only factions standing, RED and GREEN, no longer fight each
# other, and their ceasefire held, so the war ends in `ceasefire` that week. A many-sided war ends in
# `ceasefire` when every pair still standing has one that held; a ceasefire
# between one pair alone only takes that pair out of the war.
#
# </details>

# %% [markdown]
# ## Worked solutions

# %% [markdown]
# **Exercise 1.**

# %%
# Exercise 1: the definition, and how often it happened
print(outcome_definitions(three)["victory:GREEN"])
p_green = table.loc["victory:GREEN", three.name]
print("P(victory:GREEN) =", p_green)

# %% [markdown]
# **Exercise 2.**

# %%
# Exercise 2: GREEN allied with BLUE
allied = load_scenario(THREE, overrides={"factions.GREEN.side": "BLUE", "name": "three_allied"})
print("labels:", outcome_labels(allied))
res_allied = run_sweep([THREE, allied], reps=200, seed=1, out=None, workers=1, progress=False)
p_red = res_allied.summary.set_index(["scenario", "outcome"])["probability"]
print(
    "P(victory:RED): separate",
    p_red[(three.name, "victory:RED")],
    "allied",
    p_red[("three_allied", "victory:RED")],
)
pairs = res_allied.runs.groupby("scenario")["ceasefire_pairs"].apply(
    lambda s: (s.fillna("") != "").mean()
)
print("share of runs with a pair ceasefire that held:", pairs.to_dict())
# the same with competitive escalation switched off for every backer
calm = {f"backers.{b}.escalation_response": 0.0 for b in three.backers}
calm_three = load_scenario(THREE, overrides={**calm, "name": "three_calm"})
calm_allied = load_scenario(
    THREE, overrides={**calm, "factions.GREEN.side": "BLUE", "name": "three_allied_calm"}
)
res_calm = run_sweep(
    [calm_three, calm_allied], reps=200, seed=1, out=None, workers=1, progress=False
)
p_calm = res_calm.summary.set_index(["scenario", "outcome"])["probability"]
print(
    "without escalation, P(victory:RED): separate",
    p_calm[("three_calm", "victory:RED")],
    "allied",
    p_calm[("three_allied_calm", "victory:RED")],
)

# %% [markdown]
# **Exercise 3.**

# %%
# Exercise 3: BLUE and GREEN neutral toward each other
neutral = load_scenario(THREE, overrides={"neutral": [["BLUE", "GREEN"]]})
print("labels:", outcome_labels(neutral))
print("victory:BLUE+GREEN:", outcome_definitions(neutral)["victory:BLUE+GREEN"])

# %% [markdown]
# **Exercise 4.**

# %%
# Exercise 4: the first seed whose war ends in a ceasefire after a faction fell
for seed in range(200):
    war = ProxyWarModel(three, rng=seed, collect=False)
    war.run()
    if war.outcome == "ceasefire" and war.sides.fallen:
        break
print("seed", seed, "| fell:", war.sides.fallen, "| ceasefires held:", war.sides.settled)

# %% [markdown]
# ## Checks
#
# Each line below asserts a fact that the text of this notebook states, read
# from the results computed above. If a change to the model or the scenarios
# made the text wrong, this cell stops with the claim that no longer holds.

# %%
# Checks: the facts the text states, computed from this notebook's results.
p = res.summary.set_index(["scenario", "outcome"])["probability"]
line, three_name = load_scenario(LINE).name, three.name
checks = {
    "three factions, each a side of its own": (
        len(three.factions) == 3
        and {three.side_of(f) for f in three.factions} == set(three.factions)
    ),
    "the labels are victory:RED, victory:BLUE, victory:GREEN, ceasefire, stalemate": (
        outcome_labels(three)
        == ["victory:RED", "victory:BLUE", "victory:GREEN", "ceasefire", "stalemate"]
    ),
    "GOV and SOUTH are both on side COALITION": (
        yemen.side_of("GOV") == yemen.side_of("SOUTH") == "COALITION"
    ),
    "Yemen has victory:AQAP+COALITION and no victory:GOV": (
        "victory:AQAP+COALITION" in outcome_labels(yemen)
        and "victory:GOV" not in outcome_labels(yemen)
    ),
    "seed 2: BLUE's forces break in week 39, then GREEN's in week 63, and RED wins": (
        run.outcome == "victory:RED"
        and run.sides.fallen == {"BLUE": 39, "GREEN": 63}
        and all("forces broken" in d for d in log.loc[log["kind"] == "fall", "detail"])
    ),
    "with a third side RED wins less often (0.77 against 0.94)": (
        round(p[(three_name, "victory:RED")], 2) == 0.77
        and round(p[(line, "victory:RED")], 2) == 0.94
    ),
    "with a third side wars last longer (65 weeks against 42)": (
        round(means.loc[three_name, "end_week"]) == 65 and round(means.loc[line, "end_week"]) == 42
    ),
    "with a third side wars cost more lives (about 9,500 against 6,300)": (
        round(means.loc[three_name, "casualties"], -2) == 9500
        and round(means.loc[line, "casualties"], -2) == 6300
    ),
    "most three-sided wars still end in victory:RED": p[(three_name, "victory:RED")] > 0.5,
    "about one in five three-sided wars is undecided (0.185, against 0.06)": (
        round(p[(three_name, "stalemate")], 3) == 0.185 and round(p[(line, "stalemate")], 2) == 0.06
    ),
    "a few three-sided wars (0.045) end in a ceasefire": (
        round(p[(three_name, "ceasefire")], 3) == 0.045
    ),
    "GREEN holds out longer than BLUE (falls less often)": fell["GREEN"] < fell["BLUE"],
    "one fan panel per faction": set(per_faction["objective"])
    == {f"home:{f}" for f in three.factions},
    "exercise 1: victory:GREEN never happened": p_green == 0,
    "exercise 2: victory:GREEN disappears when GREEN joins BLUE": (
        "victory:GREEN" not in outcome_labels(allied)
    ),
    "exercise 2: without escalation the alliance leaves P(victory:RED) where it was": (
        p_calm[("three_calm", "victory:RED")] == p_calm[("three_allied_calm", "victory:RED")]
    ),
    "exercise 2: with it, P(victory:RED) does not move (0.77 either way)": (
        round(p_red[(three.name, "victory:RED")], 2) == 0.77
        and p_red[("three_allied", "victory:RED")] == p_red[(three.name, "victory:RED")]
    ),
    "exercise 2: without escalation RED almost never wins (0.01)": (
        round(p_calm[("three_calm", "victory:RED")], 2) == 0.01
    ),
    "exercise 2: fewer runs record a pair ceasefire": pairs["three_allied"] < pairs[three.name],
    "exercise 3: neutrality adds victory:BLUE+GREEN": (
        "victory:BLUE+GREEN" in outcome_labels(neutral)
        and "victory:GREEN" in outcome_labels(neutral)
    ),
    "exercise 4: seed 61, GREEN settles with both, BLUE falls in week 38, ceasefire": (
        seed == 61
        and war.outcome == "ceasefire"
        and war.end_week == 38
        and war.sides.settled == {("BLUE", "GREEN"), ("GREEN", "RED")}
        and war.sides.fallen == {"BLUE": 38}
    ),
}
failed = [claim for claim, holds in checks.items() if not holds]
assert not failed, f"the text says, but the results do not show: {failed}"
print(f"all {len(checks)} checks hold")
