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
# # 4. When backers walk away: withdrawal, escalation, ripeness and vetoes
#
# A proxy war lasts as long as someone pays for it. This notebook asks what
# the backers' choices do to the war: what happens when one of them walks
# away, when they answer each other's support with more support, and when
# one of them can block a settlement.
#
# The literature behind the model's rules:
#
# - **Competitive escalation.** Support to one side makes support to the other
#   more likely (Salehyan, Gleditsch & Cunningham 2011), and interventions
#   that provoke counter-interventions lengthen wars (Regan 2002).
# - **Veto players.** Backers with their own agenda can block a settlement,
#   which makes wars longer (Cunningham 2010).
# - **Ripeness.** A *mutually hurting stalemate* with a way out makes talks
#   likely (Zartman 2000).
# - **Competing risks.** Support shortens the time to the supported side's
#   victory and lengthens the time to a settlement (Balch-Lindsay, Enterline
#   & Joyce 2008).
#
# **Learning goals.** After this notebook you can
#
# - describe how a backer in the model decides its support level, and find
#   competitive escalation in a run;
# - build a what-if from the command line's `--set` mechanism in Python
#   (`load_scenario(..., overrides)`) and sweep it against the baseline;
# - read how a withdrawal shifts the outcome distribution (stylised fact 2)
#   and check stylised fact 1 (support to both sides vs one side);
# - explain stalemate, ripeness and the ceasefire hazard, and see a veto
#   block a ceasefire;
# - measure the effect of a veto with a paired comparison.
#
# It takes well under a minute to run.

# %%
# Setup: find the repository (the folder that holds scenarios/) and import the model.

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

import sim
import sim.analysis.summaries
import sim.viz.plots
from sim import ProxyWarModel, load_scenario
from sim.experiments.sweep import run_sweep
from sim.scenario import SCENARIO_DIR

# sim.viz.plots selects matplotlib's file-only "Agg" backend when imported (the command
# line writes PNG files); this line brings back inline figures in the notebook.
# %matplotlib inline


# the scenario library: the checkout's scenarios/, or the copy an installed package ships
SCENARIOS = SCENARIO_DIR
pd.set_option("display.width", 120)
pd.set_option("display.max_columns", 20)
print("scenarios from", SCENARIOS)

# %% [markdown]
# ## How a backer decides
#
# Each week every backer (`docs/ODD.md`, section 7.5):
#
# - moves its **support level** (a multiplier on its channels' amounts, from
#   0 up to `max_level`) smoothly: up, at `responsiveness`, while its client
#   is losing (its power ratio below 1), down while it is winning;
# - moves it toward the rival side's support in proportion: when the
#   support (contracted fighters' pay included) shipped to its client's
#   enemies has grown since it took stock, by more than
#   `escalation_threshold`, it aims at `rival_elasticity` times that growth,
#   at a speed `escalation_response × resolve`: **competitive escalation**
#   (and it eases when the rival's support falls);
# - pays its mercenary groups out of its budget before it ships;
# - loses **resolve** to what it spends, to sanctions and to the
#   reputational cost of a high level, and **withdraws** when resolve falls
#   below `withdraw_resolve`: its channels stop and the mercenaries it pays
#   are recalled;
# - may **veto** a ceasefire (if it holds a veto) with a chance that rises
#   smoothly with its client's prospects, while its resolve lasts and no
#   binding mediation holds it.
#
# Watch the levels in one Libya run:

# %%
LIBYA = SCENARIOS / "libya_2019.toml"
spec = load_scenario(LIBYA)
model = ProxyWarModel(spec, rng=11)
levels = []
while model.running:
    model.step()
    levels.append({"date": model.date, **{b.name: b.level for b in model.backers}})
levels = pd.DataFrame(levels).set_index("date")

fig, ax = plt.subplots(figsize=(10, 4))
for b in model.backers:
    style = "-" if b.client.fid == spec.front.attacker else "--"
    ax.plot(pd.to_datetime(levels.index), levels[b.name], style, label=f"{b.name} ({b.client.fid})")
ax.set_ylabel("support level (1 = the scenario's amounts)")
ax.legend(fontsize=8, ncol=2, loc="lower right")
ax.grid(alpha=0.3)
ax.set_title(f"Backers' support levels, one run (outcome: {model.summary()['outcome']})")
plt.show()
pd.DataFrame(
    {
        b.name: {
            "client": b.client.fid,
            "escalations": b.escalations,
            "final level": round(b.level, 2),
            "resolve": round(b.resolve, 2),
            "veto": b.veto_power,
        }
        for b in model.backers
    }
).T

# %% [markdown]
# `escalations` counts the weeks in which a backer raised its level in answer
# to a rise in the rival side's support. Levels that climb in steps on both
# sides at about the same time are competitive escalation at work.
#
# ## Walking away
#
# A what-if is the baseline with a change. Scenario files in `scenarios/`
# hold the prepared ones; for a quick experiment you can also change any key
# of a loaded scenario with `overrides` (what `--set KEY=VALUE` does on the
# command line). Giving a backer no resolve makes it withdraw in the first
# week. We sweep four arms on the same seeds:
#
# | arm | what changes |
# |---|---|
# | `libya_2019` | the baseline |
# | `libya_uae_walks_away` | the UAE, the LNA's biggest backer (drones, most arms, the Sudanese fighters' pay), withdraws at once |
# | `libya_france_egypt_step_back` | France and Egypt end their support in January 2020 |
# | `libya_one_sided_support` | Turkey, Qatar and Italy stay out: only the LNA is backed |

# %%
uae_out = load_scenario(
    LIBYA,
    overrides={
        "name": "libya_uae_walks_away",
        "description": "What-if: the UAE has no resolve and withdraws in the first week",
        "backers.uae.resolve": 0.0,
    },
)
ARMS = [
    LIBYA,
    uae_out,
    SCENARIOS / "libya_france_egypt_step_back.toml",
    SCENARIOS / "libya_one_sided_support.toml",
]
REPS = 100
res = run_sweep(ARMS, reps=REPS, seed=4, workers=1, progress=False)
print(f"{res.total} runs in {res.elapsed:.1f} s")


def with_ci(row):
    return f"{row.probability:.2f} [{row.ci_low:.2f}, {row.ci_high:.2f}]"


table = res.summary.assign(p=res.summary.apply(with_ci, axis=1)).pivot(
    index="scenario", columns="outcome", values="p"
)
table.loc[res.scenarios]

# %%
sim.viz.plots.plot_outcome_probabilities(res.summary)
plt.show()
# %% [markdown]
# Each cell is a probability with its 95 % Wilson interval. When two arms'
# intervals overlap, that does *not* mean the policy has no effect: the arms
# share their seeds, and notebook 3 shows how the paired comparison detects
# differences that overlapping intervals hide. Here is what changed against
# the baseline, outcome by outcome:

# %%
p = res.summary.pivot(index="scenario", columns="outcome", values="probability").loc[res.scenarios]
base = res.scenarios[0]
for arm in res.scenarios[1:]:
    shifts = ", ".join(f"{o} {p.loc[arm, o] - p.loc[base, o]:+.2f}" for o in p.columns)
    print(f"{arm}: {shifts}")

# %% [markdown]
# ## How long, and how stuck
#
# War length and stalemates per arm: the mean end week (runs undecided at the
# horizon count as lasting to it), the median time to the end of the war from
# the survival curve, the share of runs with a spell of static weeks (the
# front barely moving), and the share of war weeks that were static.

# %%
length = res.runs.groupby("scenario")["end_week"].mean().rename("mean end week")
median = pd.Series(
    {s: sim.analysis.summaries.median_time(res.survival, s) for s in res.scenarios},
    name="median weeks to the end",
    dtype=object,
).fillna(f"> {spec.horizon_weeks} (most wars outlast the horizon)")
stuck = res.stalemate_stats.set_index("scenario")[
    ["share_with_stalemate", "median_longest", "mean_stalemate_share"]
]
pd.concat([length.round(1), median, stuck.round(2)], axis=1).loc[res.scenarios]

# %%
sim.viz.plots.plot_survival(res.survival)
plt.show()
# %% [markdown]
# ## Stalemate and ripeness
#
# A **static week** is one in which the front has moved less than
# `stalemate.max_move_km` over the last `stalemate.window_weeks` weeks (the
# weekly `stalemate` flag; not the same as the *outcome* `stalemate`, which
# means no decision by the horizon). The
# war is **ripe** for talks (Zartman) when
#
# - the front has been static for a while (up to `ripe_stalemate_weeks`)
#   and both sides are hurting — losing a share of their *own* fighters
#   each week near `hurting_rate` — with poor prospects (a *mutually
#   hurting stalemate*), or
# - both sides' morale is below `ripe_morale`.
#
# Ripeness is a number between 0 and 1, not a switch. Each week a ceasefire
# is agreed with probability `ripeness × (base_hazard + mediation_hazard ×
# mediation)` (a mediator or conference raises it), unless a backer
# **vetoes** it. A ceasefire counts as the war's end once it has held
# `ceasefire_hold_weeks`; until then it may break down.
#
# To see this at work we want a Libya run in which a veto was cast and a
# ceasefire was later agreed. In the baseline such a run has become very
# rare since the rules for contracted groups changed (`docs/ODD.md`, 7.1
# and 7.6): a veto is cast in a few runs, but then the war almost never ends in
# a ceasefire; none of the first 200 baseline runs does both (the cell counts
# them). So we take the Berlin conference what-if
# (`scenarios/libya_berlin_conference.toml`: a conference in January 2020
# raises the weekly ceasefire hazard for 12 weeks, and the UAE and Russia
# keep their vetoes). The conference draws more ceasefires, so there are more
# for a veto to block: a veto is cast in about one run in five, more often
# than in the baseline. But a veto followed by a ceasefire that holds is
# still rare: after a veto the war almost always runs on, undecided, to the
# horizon, and only one or two of the first 200 Berlin runs have both (the
# cell counts them). We pick the first such run and record every week (if no
# seed among the first 200 qualified, the cell would stop with an error):


# %%
def veto_and_outcome(scenario, seed):
    s = ProxyWarModel(scenario, rng=seed, collect=False).run().summary()
    return s["vetoes"] > 0, s["outcome"]


def count_vetoes(scenario, n=200):
    """Of the seeds below n: the outcomes of the runs with a veto, and the seeds of
    those that then end in a ceasefire."""
    runs = {seed: veto_and_outcome(scenario, seed) for seed in range(n)}
    after_veto = pd.Series({seed: out for seed, (veto, out) in runs.items() if veto}, dtype=object)
    return after_veto, list(after_veto.index[after_veto == "ceasefire"])


base_vetoed, base_examples = count_vetoes(spec)
tspec = load_scenario(SCENARIOS / "libya_berlin_conference.toml")
berlin_vetoed, berlin_examples = count_vetoes(tspec)
for name, vetoed_runs, examples in (
    (spec.name, base_vetoed, base_examples),
    (tspec.name, berlin_vetoed, berlin_examples),
):
    print(
        f"{name}, first 200 runs: a veto in {len(vetoed_runs)}, "
        f"a veto and then a ceasefire in {len(examples)} {examples}; "
        f"outcomes after a veto: {vetoed_runs.value_counts().to_dict()}"
    )
TSEED = berlin_examples[0]
m = ProxyWarModel(tspec, rng=TSEED)
rows = []
while m.running:
    m.step()
    rows.append(
        {
            "week": m.week,
            "front_km": m.front_km,
            "stalemate": m.termination.stalemate,
            "ripe": m.termination.ripe,
            "ripeness": m.termination.ripeness,
            "ceasefire": m.ceasefire_on,
            "vetoes": m.termination.vetoes,
            **{f"morale_{f.fid}": f.morale for f in m.factions},
            **{f"posture_{f.fid}": f.posture for f in m.factions},
        }
    )
track = pd.DataFrame(rows).set_index("week")
print(f"{tspec.name}, seed {TSEED}: {m.summary()['outcome']} in week {m.week}")
for week, text in m.events_log:
    if "takes" not in text and "cut off" not in text and "abandons" not in text:
        print(f"week {week:3d}: {text}")  # captures left out: see notebook 1

# %%
fig, (ax, ax2) = plt.subplots(2, 1, figsize=(10, 5.5), sharex=True, layout="constrained")
ax.step(track.index, track["front_km"], where="post", color="black", label="front distance (km)")
for col, colour in (("stalemate", "0.6"), ("ripe", "tab:orange"), ("ceasefire", "tab:green")):
    ax.fill_between(
        track.index,
        0,
        track["front_km"].max() * 1.05,
        where=track[col],
        step="post",
        color=colour,
        alpha=0.3,
        lw=0,
        label=col,
    )
veto_weeks = track.index[track["vetoes"].diff().fillna(track["vetoes"]) > 0]
ax.plot(
    veto_weeks, [track["front_km"].max() * 0.5] * len(veto_weeks), "rx", ms=10, mew=2, label="veto"
)
ax.set_ylabel("km")
ax.legend(fontsize=8, ncol=3, loc="upper right")
for f in m.factions:
    ax2.plot(track.index, track[f"morale_{f.fid}"], label=f"morale {f.fid}")
ax2.axhline(tspec.termination.ripe_morale, color="tab:orange", ls=":", label="ripe_morale")
ax2.set_xlabel("week")
ax2.legend(fontsize=8)
plt.show()

# %% [markdown]
# ## Who holds a veto, and what it costs
#
# Cunningham (2010) found that wars with more *veto players*, parties that can
# block a settlement, last longer. In the model a backer with `veto = true`
# may block a ceasefire that has been drawn, with a chance that rises
# smoothly with its client's prospects (it still hopes to win), while its
# resolve lasts and no binding mediation holds it (`docs/ODD.md`, 7.5).
# Take the vetoes of the UAE and Russia away and compare, paired run by
# run with the baseline of the sweep above
# (same root seed, same number of runs: replicate *i* of both arms shares
# its seed, as in notebook 3):

# %%
from sim.experiments.compare import pair_runs, paired_outcomes

vetoers = [bid for bid, b in spec.backers.items() if b.veto]
no_veto = load_scenario(
    LIBYA,
    overrides={
        "name": "libya_no_veto",
        "description": "What-if: no backer can veto a ceasefire",
        **{f"backers.{bid}.veto": False for bid in vetoers},
    },
)
res_nv = run_sweep([no_veto], reps=REPS, seed=4, workers=1, progress=False)
runs_nv = pd.concat([res.runs.query("scenario == @base"), res_nv.runs])
veto_table = paired_outcomes(
    pair_runs(runs_nv, base, "libya_no_veto"), base, "libya_no_veto", list(p.columns)
)
display(
    veto_table[["outcome", "p_baseline", "p_alternative", "difference", "ci_low", "ci_high"]].round(
        3
    )
)
veto_means = runs_nv.groupby("scenario")[["vetoes", "ceasefires", "end_week"]].mean()
cf = veto_table.set_index("outcome").loc["ceasefire"]
print(
    f"without vetoes: P(ceasefire) {cf['p_baseline']:.2f} -> {cf['p_alternative']:.2f} "
    f"({cf['difference']:+.2f} [{cf['ci_low']:+.2f}, {cf['ci_high']:+.2f}]); mean end week "
    f"{veto_means.loc[base, 'end_week']:.1f} -> {veto_means.loc['libya_no_veto', 'end_week']:.1f}"
)
veto_means.round(3)

# %% [markdown]
# A veto only matters in the weeks when the war is ripe and a ceasefire is
# drawn, and then only if a veto holder, hopeful for its client, blocks it.
# Here that is enough to matter: without vetoes, ceasefires become
# significantly more common and the wars end sooner on average (printed
# above), which is Cunningham's finding in the model's terms.

# %% [markdown]
# ## Exercises
#
# Try each one in the empty cell below it, then open **Answer**. Every
# answer has a worked solution at the end of the notebook that computes it
# here and prints what it found; the answer says how to read that result.
# The *Checks* cell at the very end asserts each fact the text states, so
# if a change to the model made the text wrong, the notebook would stop
# with an error instead of misleading you.

# %% [markdown]
# **Exercise 1.** Stylised fact 2 says the withdrawal of a major backer shifts the outcome
# distribution toward the other side. Which way did the UAE's withdrawal
# shift it here, and France and Egypt's? Why might the exit of a small
# backer matter much less than that of a large one?

# %%
# Exercise 1: your code here

# %% [markdown]
# <details><summary>Answer</summary>
#
# Read the shifts printed after the outcome table, and the paired
# differences in the worked solution (the arms of one sweep share their
# seeds, so the sweep already holds the pairs). The UAE's exit moves
# probability toward `victory:GNA`, and the paired interval excludes 0:
# the model reproduces stylised fact 2 (`docs/ODD.md`, section 1) for
# that backer. The UAE sends the LNA's drones and its largest arms
# channel, and pays the Sudanese fighters. France and Egypt's step-back
# changes hardly any replicate (the worked solution counts them): they
# send advisers and some arms, a small part of the LNA's support
# (notebook 1's supply table), and leave only in January 2020, nine months
# into the war, when most runs have long settled into a static front; in
# the model arms and advisers raise a faction's quality with diminishing
# returns. "No replicate changed" is not proof of no effect, only that
# any effect is too small to show in this many runs.
#
# The worked solution is *Exercise 1* at the end of the notebook.
#
# </details>

# %% [markdown]
# **Exercise 2.** Stylised fact 1 (Regan 2002; Cunningham 2010): support to *both* sides
# lengthens wars and raises the share of stalemates compared with support
# to one side only. Compare `libya_2019` (both sides backed) with
# `libya_one_sided_support` (only the LNA backed): mean war length and
# the share of runs ending in `stalemate`. Does the model reproduce the
# fact here? If not, what could explain it?

# %%
# Exercise 2: your code here

# %% [markdown]
# <details><summary>Answer</summary>
#
# The stylised fact rests on a mechanism: one-sided support lets the
# supported side *win*, and a war that ends in victory does not end in
# stalemate. Here the model reproduces both halves: with only the LNA
# backed, it wins in (nearly) every run, fewer runs end undecided, and the
# wars are shorter on average (the worked solution prints the numbers).
# Look also at *when* the victories come: the baseline's few LNA victories
# are quick breakthroughs in the first weeks, while the one-sided ones come
# later, after a long fight that wears the GNA down. So "one-sided support
# shortens wars" holds on average, not run by run. A model that fails a
# stylised fact for a reason you can name is informative; one that fails
# it for no reason needs its calibration checked (`docs/calibration.md`).
#
# The worked solution is *Exercise 2* at the end of the notebook.
#
# </details>

# %% [markdown]
# **Exercise 3.** Switch competitive escalation off: set every Libya backer's
# `escalation_response` to 0 (one override per backer) and sweep it with
# the same seed and number of runs as the baseline. Do the wars get
# shorter or longer? Do the outcome probabilities move?

# %%
# Exercise 3: your code here

# %% [markdown]
# <details><summary>Answer</summary>
#
# Regan (2002) found that interventions that provoke counter-interventions
# lengthen wars. In the model, escalation raises both sides' support
# levels; whether that lengthens the war depends on whether it keeps the
# balance (both sides escalate, the stalemate persists) or tips it (one
# side escalates more). Here, switching it off changes little: the mean
# end week moves by less than two weeks and each outcome's share by a few
# points at most (the worked solution prints the paired differences).
# The reason is in the levels plotted at the top: escalation in this
# calibration is modest and comes on both sides, so it mostly keeps the
# balance it found. Since the arms share their seeds, what difference
# there is is due to escalation alone; with 100 runs only a large one
# would stand out from the noise. A small effect of a mechanism in one
# calibration is itself a finding: it says where *not* to look for the
# war's length in this scenario.
#
# The worked solution is *Exercise 3* at the end of the notebook.
#
# </details>

# %% [markdown]
# **Exercise 4.** In the ripeness run above, how many weeks was the war ripe before a
# ceasefire was agreed? Why is a ceasefire not agreed as soon as the war
# becomes ripe?

# %%
# Exercise 4: your code here

# %% [markdown]
# <details><summary>Answer</summary>
#
# Count the ripe weeks before the first ceasefire week in `track`: in
# this run the war was ripe for several weeks before the ceasefire (the
# worked solution prints how many). When ripe, a ceasefire is agreed only
# with the weekly probability `ripeness × base_hazard` (plus
# `mediation_hazard` × the strength of any mediation), a small number, so
# a ripe war without a mediator can wait many weeks; and in a week when a
# ceasefire is drawn, a veto holder hopeful for its client may block it,
# as happened in this run: the Berlin conference had pressed for a few
# weeks when a ceasefire was drawn and vetoed. The conference kept
# pressing, and the ceasefire drawn the very next week was not vetoed and
# held. A veto blocks one ceasefire, not the next: here, with the
# conference drawing ceasefires, it delayed the end by one week. In most
# runs with a veto, though, no ceasefire follows and the war runs on,
# undecided, to the horizon (the counts above). Ripeness makes talks
# *possible*, not certain (Zartman's "way out" is the mediator's part).
#
# The worked solution is *Exercise 4* at the end of the notebook.
#
# </details>

# %% [markdown]
# **Exercise 5.** Who holds a veto in the Libya scenario? How often was a veto cast in the
# baseline runs, and in how many runs did a ceasefire happen at all?
# How does that square with the paired effect of taking the vetoes away
# (above), and which what-if scenarios in `scenarios/` would test it
# further?

# %%
# Exercise 5: your code here

# %% [markdown]
# <details><summary>Answer</summary>
#
# `spec.backers` shows which backers have `veto = true` (in the scenario
# file: the UAE and Russia). A veto is cast in only a minority of the
# baseline runs, and a ceasefire agreed in fewer still (the worked
# solution prints both shares). Yet taking the vetoes away makes
# ceasefires significantly more common: a veto is rare because it is
# needed only when the war is ripe and a ceasefire is drawn, but in
# those weeks it decides whether the war ends. Rare is not the same as
# unimportant. The Berlin what-ifs (`libya_berlin_conference.toml` with
# the vetoes, `libya_berlin_binding.toml` with the UAE and Russia bound
# to the conference) make ceasefires likelier, which is when a veto can
# matter; compare them with `compare`.
#
# The worked solution is *Exercise 5* at the end of the notebook.
#
# </details>

# %% [markdown]
# ## Worked solutions
#
# Run these after you have tried the exercises.

# %% [markdown]
# **Exercise 1.**

# %%
labels = list(p.columns)
paired = {}
for arm in res.scenarios[1:3]:
    t = paired[arm] = paired_outcomes(pair_runs(res.runs, base, arm), base, arm, labels)
    display(
        t[
            [
                "alternative",
                "outcome",
                "p_baseline",
                "p_alternative",
                "difference",
                "ci_low",
                "ci_high",
            ]
        ].round(3)
    )
uae_gna = paired["libya_uae_walks_away"].set_index("outcome").loc["victory:GNA"]
fe_pairs = pair_runs(res.runs, base, "libya_france_egypt_step_back")
fe_changed = int((fe_pairs["outcome_base"] != fe_pairs["outcome_alt"]).sum())
print(
    f"UAE walks away: P(victory:GNA) {uae_gna['difference']:+.2f} "
    f"[{uae_gna['ci_low']:+.2f}, {uae_gna['ci_high']:+.2f}]"
)
print(f"France and Egypt step back: {fe_changed} of {REPS} replicates end differently")

# %% [markdown]
# **Exercise 2.**

# %%
one = "libya_one_sided_support"
fact1 = {}
for arm in (base, one):
    r = res.runs.query("scenario == @arm")
    won = r["outcome"].str.startswith("victory")
    fact1[arm] = {
        "mean end week": r["end_week"].mean(),
        "P(stalemate)": (r["outcome"] == "stalemate").mean(),
        "P(victory:LNA)": (r["outcome"] == "victory:LNA").mean(),
        "P(victory:GNA)": (r["outcome"] == "victory:GNA").mean(),
        "median week of the victories": r.loc[won, "end_week"].median(),
    }
fact1 = pd.DataFrame(fact1).T
fact1.round(2)

# %% [markdown]
# **Exercise 3.**

# %%
calm = load_scenario(
    LIBYA,
    overrides={
        "name": "libya_no_escalation",
        "description": "no competitive escalation",
        **{f"backers.{bid}.escalation_response": 0.0 for bid in spec.backers},
    },
)
res_calm = run_sweep([calm], reps=REPS, seed=4, workers=1, progress=False)
both = pd.concat([res.runs.query("scenario == @base"), res_calm.runs])
calm_pairs = pair_runs(both, base, "libya_no_escalation")
calm_table = paired_outcomes(calm_pairs, base, "libya_no_escalation", labels)
length_change = (calm_pairs["end_week_alt"] - calm_pairs["end_week_base"]).mean()
print(f"mean end week: {length_change:+.1f} weeks without escalation")
calm_table[["outcome", "p_baseline", "p_alternative", "difference", "ci_low", "ci_high"]].round(3)

# %% [markdown]
# **Exercise 4.**

# %%
first_cf = track.index[track["ceasefire"]].min()
ripe_before = int(track.loc[: first_cf - 1, "ripe"].sum())
vetoes_before = int(track.loc[first_cf - 1, "vetoes"])
print(f"first ceasefire week: {first_cf}; ripe weeks before it: {ripe_before}")
print(f"vetoes cast before it: {vetoes_before}")
print(
    "weekly chance of a ceasefire at full ripeness, without mediation:",
    tspec.termination.base_hazard,
)
conference = tspec.interventions[-1]
conf_week = next(w for w, text in m.events_log if text.startswith("mediation"))
veto_weeks_run = [int(w) for w in veto_weeks]
print(
    f"conference weeks {conf_week}-{conf_week + conference.duration_weeks - 1}; "
    f"veto weeks {veto_weeks_run}"
)

# %% [markdown]
# **Exercise 5.**

# %%
print("veto holders:", [b.name for b in spec.backers.values() if b.veto])
r = res.runs.query("scenario == @base")
veto_share = (r["vetoes"] > 0).mean()
cf_share = (r["ceasefires"] > 0).mean()
print(f"runs with a veto cast: {veto_share:.2f}; mean vetoes per run: {r['vetoes'].mean():.3f}")
print(f"runs with a ceasefire agreed: {cf_share:.2f}")
print(
    f"without vetoes, P(ceasefire) changes by {cf['difference']:+.2f} [{cf['ci_low']:+.2f}, {cf['ci_high']:+.2f}]"
)

# %% [markdown]
# ## Checks
#
# Each line below asserts a fact that the text of this notebook states, read
# from the results computed above. If a change to the model or the scenarios
# made the text wrong, this cell stops with the claim that no longer holds.

# %%
# Checks: the facts the text states, computed from this notebook's results.
m0 = ProxyWarModel(uae_out, rng=0, collect=False)
m0.step()
lna_backers = {bid: b for bid, b in spec.backers.items() if b.client == "LNA"}
step_back = load_scenario(SCENARIOS / "libya_france_egypt_step_back.toml").interventions
checks = {
    "a backer with no resolve withdraws in the first week": next(
        b for b in m0.backers if b.bid == "uae"
    ).withdrawn,
    "the UAE sends the LNA's drones and its largest arms channel": (
        [bid for bid, b in lna_backers.items() if "drones" in b.channels] == ["uae"]
        and max(
            lna_backers, key=lambda bid: getattr(lna_backers[bid].channels.get("arms"), "amount", 0)
        )
        == "uae"
    ),
    "the UAE pays the Sudanese fighters": spec.groups["sudanese"].payer == "uae",
    "France and Egypt step back in January 2020": all(
        (iv.at.year, iv.at.month) == (2020, 1) for iv in step_back[-2:]
    ),
    "the UAE and Russia hold the vetoes": set(vetoers) == {"uae", "russia"},
    "without vetoes ceasefires are significantly more common": cf["ci_low"] > 0,
    "without vetoes the wars end sooner on average": (
        veto_means.loc["libya_no_veto", "end_week"] < veto_means.loc[base, "end_week"]
    ),
    "exercise 1: the UAE's exit raises P(victory:GNA), interval above 0": uae_gna["ci_low"] > 0,
    "exercise 1: France and Egypt's step-back changes hardly any replicate": fe_changed <= 3,
    "exercise 2: one-sided, the LNA wins in (nearly) every run": (
        fact1.loc[one, "P(victory:LNA)"] >= 0.9
    ),
    "exercise 2: one-sided, fewer runs end undecided": (
        fact1.loc[one, "P(stalemate)"] < fact1.loc[base, "P(stalemate)"]
    ),
    "exercise 2: one-sided, the wars are shorter on average": (
        fact1.loc[one, "mean end week"] < fact1.loc[base, "mean end week"]
    ),
    "exercise 2: the one-sided victories come later than the baseline's": (
        fact1.loc[one, "median week of the victories"]
        > fact1.loc[base, "median week of the victories"]
    ),
    "exercise 3: without escalation the length moves by < 2 weeks": abs(length_change) < 2,
    "exercise 3: and each outcome by a few points at most": (
        calm_table["difference"].abs().max() <= 0.05
    ),
    "ripeness run: no baseline run of the first 200 has a veto, then a ceasefire": (
        not base_examples
    ),
    "ripeness run: a veto is cast in a few baseline runs": 0 < len(base_vetoed) <= 20,
    "ripeness run: Berlin, a veto in about one run in five": 0.1 <= len(berlin_vetoed) / 200 <= 0.3,
    "ripeness run: Berlin, more runs with a veto than the baseline": (
        len(berlin_vetoed) > len(base_vetoed)
    ),
    "ripeness run: Berlin, only one or two runs have a veto and then a ceasefire": (
        1 <= len(berlin_examples) <= 2
    ),
    "ripeness run: Berlin, after a veto the war almost always runs on undecided": (
        (berlin_vetoed == "stalemate").mean() >= 0.9
    ),
    "exercise 4: ripe for several weeks before the ceasefire": ripe_before >= 4,
    "exercise 4: a veto was cast before it": vetoes_before >= 1,
    "exercise 4: a veto fell in the conference's weeks": any(
        conf_week <= w < conf_week + conference.duration_weeks for w in veto_weeks_run
    ),
    "exercise 4: the ceasefire came the week after the veto, the conference still on": (
        first_cf == max(w for w in veto_weeks_run if w < first_cf) + 1
        and conf_week <= first_cf < conf_week + conference.duration_weeks
    ),
    "exercise 5: a veto is cast in a minority of runs": 0 < veto_share < 0.5,
    "exercise 5: a ceasefire is agreed in fewer still": cf_share < veto_share,
}
failed = [claim for claim, holds in checks.items() if not holds]
assert not failed, f"the text says, but the results do not show: {failed}"
print(f"all {len(checks)} checks hold")
