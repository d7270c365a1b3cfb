# ---
# jupyter:
#   jupytext:
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
# It takes about a minute to run.

# %%
# Setup: find the repository (the folder that holds scenarios/) and import the model.
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

import sim
import sim.analysis
import sim.plots
from sim import ProxyWarModel, load_scenario
from sim.sweep import run_sweep

# sim.plots selects matplotlib's file-only "Agg" backend when imported (the command
# line writes PNG files); this line brings back inline figures in the notebook.
# %matplotlib inline


def find_root(start=None):
    """Walk up from the notebook's folder until a folder with scenarios/ appears."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "scenarios").is_dir():
            return folder
    # opened from elsewhere: use the repository the package was installed from
    pkg = Path(sim.__file__).resolve().parent.parent
    if (pkg / "scenarios").is_dir():
        return pkg
    raise FileNotFoundError("no scenarios/ folder found: open this notebook inside proxywar")


ROOT = find_root()
SCENARIOS = ROOT / "scenarios"
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
sim.plots.plot_outcome_probabilities(res.summary)
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
# the survival curve, the share of runs with a stalemate spell, and the share
# of war weeks spent in stalemate.

# %%
length = res.runs.groupby("scenario")["end_week"].mean().rename("mean end week")
median = pd.Series(
    {s: sim.analysis.median_time(res.survival, s) for s in res.scenarios},
    name="median weeks to the end",
    dtype=object,
).fillna(f"> {spec.horizon_weeks} (most wars outlast the horizon)")
stuck = res.stalemate_stats.set_index("scenario")[
    ["share_with_stalemate", "median_longest", "mean_stalemate_share"]
]
pd.concat([length.round(1), median, stuck.round(2)], axis=1).loc[res.scenarios]

# %%
sim.plots.plot_survival(res.survival)
plt.show()
# %% [markdown]
# ## Stalemate and ripeness
#
# A **stalemate week** is one in which the front has moved less than
# `stalemate.max_move_km` over the last `stalemate.window_weeks` weeks. The
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
# To see this at work we use the small *teaching theatre*
# (`scenarios/teaching_line.toml`: seven places on one road, one backer per
# side; Northland, RED's backer, holds a veto). It runs in a few milliseconds
# and its vetoes bite more often than Libya's. We pick a run in which a veto
# was cast and record every week:

# %%
TEACH = SCENARIOS / "teaching_line.toml"
tspec = load_scenario(TEACH)


def vetoed(seed):
    s = ProxyWarModel(tspec, rng=seed, collect=False).run().summary()
    return s["vetoes"] > 0 and s["outcome"] == "ceasefire"


TSEED = next((s for s in range(200) if vetoed(s)), 0)
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
            "ceasefire": m.ceasefire_on,
            "vetoes": m.termination.vetoes,
            **{f"morale_{f.fid}": f.morale for f in m.factions},
            **{f"posture_{f.fid}": f.posture for f in m.factions},
        }
    )
track = pd.DataFrame(rows).set_index("week")
print(f"seed {TSEED}: {m.summary()['outcome']} in week {m.week}")
for week, text in m.events_log:
    print(f"week {week:3d}: {text}")

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
# blocks a ceasefire while its client is on the offensive with morale of at
# least 0.5: it still hopes to win. Take Northland's veto away and compare,
# paired run by run (the `compare` function of notebook 3):

# %%
from sim.compare import compare

no_veto = load_scenario(
    TEACH,
    overrides={
        "name": "teaching_line_no_veto",
        "description": "Northland cannot veto",
        "backers.northland.veto": False,
    },
)
cmp = compare(TEACH, [no_veto], reps=300, seed=6, workers=1, progress=False)
display(
    cmp.table[["outcome", "p_baseline", "p_alternative", "difference", "ci_low", "ci_high"]].round(
        3
    )
)
for line in cmp.headlines():
    print(line)
runs_t = cmp.sweep.runs
runs_t.groupby("scenario")[["vetoes", "ceasefires", "end_week"]].mean().round(3)

# %% [markdown]
# A veto only matters in the weeks when the war is ripe, a ceasefire is
# drawn, and the vetoing backer's client is attacking with confidence.
# That combination is what the paired difference measures.

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
# seeds, so the sweep already holds the pairs). If the UAE's exit moves
# probability toward `victory:GNA`, the model reproduces stylised fact 2
# for that backer: the UAE sends the LNA's drones, most of its arms and
# funds, and pays the Sudanese fighters. France and Egypt send advisers
# and some arms, a small part of the LNA's support (notebook 1's supply
# table), and leave only in January 2020, nine months into the war; in
# the model arms and advisers raise a faction's quality with diminishing
# returns. A small shift, in either direction, whose paired interval
# includes 0 is no evidence either way; more runs would tell (notebook 3
# shows how many).
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
# The worked solution prints the numbers. The stylised fact rests on a
# mechanism: one-sided support lets the supported side *win*, and a war
# that ends in victory does not end in stalemate. So look at three
# things: the supported side's (the LNA's) chance of victory, the share
# of stalemates, and the war's length. If the LNA wins far more often and
# stalemates become rare, the model reproduces the stalemate half of the
# fact. The length half can still fail: if the one-sided victories come
# late (a long siege that wears the defender down), the mean end week
# need not fall. Check when the victories happen before concluding. A
# model that fails a stylised fact for a reason you can name is
# informative; one that fails it for no reason needs its calibration
# checked (`docs/calibration.md`).
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
# side escalates more). Compare the mean end week and the outcome shares
# in the worked solution; since the arms share their seeds, the
# difference is due to escalation alone, but with 100 runs only a large
# difference stands out from the noise.
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
# Count the ripe weeks before the first ceasefire week in `track`. When
# ripe, a ceasefire is agreed only with the weekly probability
# `base_hazard` (plus `mediation_hazard` × the strength of any
# mediation), so a ripe war without a mediator can wait many weeks; and
# in a week when a ceasefire is drawn while the vetoing backer's client
# is attacking with confidence, the veto blocks it. Ripeness makes talks
# *possible*, not certain (Zartman's "way out" is the mediator's part).
#
# The worked solution is *Exercise 4* at the end of the notebook.
#
# </details>

# %% [markdown]
# **Exercise 5.** Who holds a veto in the Libya scenario? How often was a veto cast in the
# baseline runs, and in how many runs did a ceasefire happen at all?
# What does that suggest about how much the Libya vetoes matter in this
# calibration, and which what-if scenarios in `scenarios/` would test it?

# %%
# Exercise 5: your code here

# %% [markdown]
# <details><summary>Answer</summary>
#
# `spec.backers` shows which backers have `veto = true` (in the scenario
# file: the UAE and Russia). If vetoes are rare in the baseline runs,
# then taking them away can change little, however strong the veto
# players' role is in the literature: a veto only bites when the war is
# ripe, a ceasefire is drawn, and the client is attacking with
# confidence. The Berlin what-ifs (`libya_berlin_conference.toml` with
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
from sim.compare import pair_runs, paired_outcomes

labels = list(p.columns)
for arm in res.scenarios[1:3]:
    t = paired_outcomes(pair_runs(res.runs, base, arm), base, arm, labels)
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

# %% [markdown]
# **Exercise 2.**

# %%
one = "libya_one_sided_support"
for arm in (base, one):
    r = res.runs.query("scenario == @arm")
    print(
        f"{arm}: mean end week {r['end_week'].mean():.1f}, "
        f"P(stalemate) {(r['outcome'] == 'stalemate').mean():.2f}, "
        f"P(victory:LNA) {(r['outcome'] == 'victory:LNA').mean():.2f}, "
        f"P(victory:GNA) {(r['outcome'] == 'victory:GNA').mean():.2f}, "
        f"median end week of the victories {r.loc[r['outcome'].str.startswith('victory'), 'end_week'].median()}"
    )

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
display(both.groupby("scenario")["end_week"].mean().round(1))
both.groupby("scenario")["outcome"].value_counts(normalize=True).unstack().round(2)

# %% [markdown]
# **Exercise 4.**

# %%
first_cf = track.index[track["ceasefire"]].min()
ripe_before = (
    int(track.loc[: first_cf - 1, "ripe"].sum()) if pd.notna(first_cf) else int(track["ripe"].sum())
)
print(f"first ceasefire week: {first_cf}; ripe weeks before it: {ripe_before}")
print("weekly chance of a ceasefire when ripe, without mediation:", tspec.termination.base_hazard)

# %% [markdown]
# **Exercise 5.**

# %%
print("veto holders:", [b.name for b in spec.backers.values() if b.veto])
r = res.runs.query("scenario == @base")
print(
    f"runs with a veto cast: {(r['vetoes'] > 0).mean():.2f}; mean vetoes per run: {r['vetoes'].mean():.3f}"
)
print(f"runs with a ceasefire agreed: {(r['ceasefires'] > 0).mean():.2f}")
