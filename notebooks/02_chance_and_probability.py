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
# # 2. Chance and probability: why one run proves nothing
#
# A war is not a machine that always gives the same answer. The model makes
# every week's fighting, every interdicted shipment and every ceasefire a
# draw from a random generator, because the real outcomes depend on many
# things nobody can know in advance. So a single simulated history is an
# anecdote. The model's answers are **distributions**: the share of many
# seeded runs (*replications*) that end one way or another, with an interval
# that says how precisely that share is known.
#
# **Learning goals.** After this notebook you can
#
# - explain what a seed is and why the same seed reproduces a run exactly;
# - run a Monte Carlo sweep with `run_sweep` and read its outcome table;
# - read a 95 % Wilson interval for an outcome probability, and say why it is
#   preferred to "estimate ± 1.96 standard errors" near 0 and 1;
# - show that the interval narrows roughly as $1/\sqrt{n}$, and work out how
#   many runs a question needs;
# - tell apart the spread of the war across runs (the fan chart) from the
#   uncertainty about a probability (the interval).
#
# It takes well under a minute to run.

# %%
# Setup: find the repository (the folder that holds scenarios/) and import the model.

import matplotlib.pyplot as plt
import numpy as np
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
# ## Same seed, same war
#
# `ProxyWarModel(scenario, rng=seed)` is a Mesa model; all its randomness
# comes from generators derived from `rng`. The same seed gives exactly the
# same war, on any machine, in a notebook or on the command line.

# %%
LIBYA = SCENARIOS / "libya_2019.toml"
spec = load_scenario(LIBYA)

a = ProxyWarModel(spec, rng=7).run()
b = ProxyWarModel(spec, rng=7).run()
c = ProxyWarModel(spec, rng=8).run()
print("seed 7 twice, identical front lines:", a.front_series == b.front_series)
print("seed 7:", a.summary()["outcome"], "in week", a.summary()["end_week"])
print("seed 8:", c.summary()["outcome"], "in week", c.summary()["end_week"])

# %% [markdown]
# ## Twelve wars from the same start
#
# Twelve seeds, twelve histories. Each line is one run's front distance (km
# from central Tripoli to the nearest LNA-held place); a line stops when that
# war ended. The front can only sit at the road distances of places on
# the map, so many lines lie on top of each other for months.

# %%
fig, ax = plt.subplots(figsize=(10, 4))
endings = []
for seed in range(12):
    m = ProxyWarModel(spec, rng=seed, collect=False).run()
    s = m.summary()
    endings.append({"seed": seed, "outcome": s["outcome"], "end week": s["end_week"]})
    ax.step(
        [spec.date_of(w) for w in range(1, len(m.front_series) + 1)],
        m.front_series,
        where="post",
        alpha=0.7,
    )
ax.set_ylabel("front distance (km)")
ax.set_ylim(bottom=0)
ax.grid(alpha=0.3)
ax.set_title("Front line in 12 replications of libya_2019")
plt.show()
endings = pd.DataFrame(endings)
print(endings["outcome"].value_counts().to_string())

# %% [markdown]
# Ask "does Tripoli hold?" of any one of these runs and you get a yes or a
# no. Ask it of all of them and you get a *share*, which is an estimate of a
# probability. Twelve runs are far too few to pin it down.
#
# ## A sweep: hundreds of replications
#
# `run_sweep` runs `reps` replications of each scenario. Replicate *i* gets
# its seed from the root `seed` through numpy's `SeedSequence`, the same for
# every scenario of the sweep (so scenarios are compared on the same luck).
# With `out=None` the results go to a temporary folder; give `out="results/x"`
# to keep the CSV files, figures and report. `workers=1` runs in this
# process; more workers use more cores with identical results.

# %%
REPS = 200
res = run_sweep([LIBYA], reps=REPS, seed=2019, workers=1, progress=False)
print(f"{res.total} runs in {res.elapsed:.1f} s")
res.summary

# %% [markdown]
# Each row is an outcome: `runs` ended that way out of `total`,
# `probability` is the share, and `ci_low`–`ci_high` is its **95 % Wilson
# interval** (computed with `scipy.stats.binomtest`). Read it as: *if the
# model is right, the probability of this outcome is very probably between
# these bounds; more runs would narrow them.* It is a statement about the
# model, not about Libya.

# %%
sim.viz.plots.plot_outcome_probabilities(res.summary)
plt.show()
# %% [markdown]
# ### Never seen is not impossible
#
# An outcome that never occurred in the runs still has a Wilson interval with
# a positive upper bound (1.96²/(n + 1.96²), roughly 3.8/n, for n runs at
# zero). The
# textbook interval "p ± 1.96·√(p(1−p)/n)" would say [0, 0]: certainty from
# ignorance. This is why the project uses Wilson intervals, which stay inside
# [0, 1] and keep their coverage near 0 and 1.

# %%
# ask for every faction's victory, observed or not
labels = [f"victory:{fid}" for fid in spec.factions] + ["ceasefire", "stalemate"]
table = sim.analysis.summaries.outcome_summary(res.runs, outcomes=labels)
p, n = table["probability"], table["total"]
table["wald_low"] = (p - 1.96 * np.sqrt(p * (1 - p) / n)).clip(lower=0)
table["wald_high"] = (p + 1.96 * np.sqrt(p * (1 - p) / n)).clip(upper=1)
never = table[table["runs"] == 0]
for _, r in never.iterrows():
    print(
        f"{r['outcome']}: 0 of {r['total']} runs; Wilson upper bound {r['ci_high']:.4f} "
        f"(3.84/(n + 3.84) = {1.96**2 / (r['total'] + 1.96**2):.4f}); textbook interval "
        f"[{r['wald_low']:.0f}, {r['wald_high']:.0f}]"
    )
table[
    ["outcome", "runs", "total", "probability", "ci_low", "ci_high", "wald_low", "wald_high"]
].round(3)

# %% [markdown]
# ## Watching an estimate settle
#
# Take one outcome and add the runs one at a time: the estimate jumps about
# at first and settles as runs accumulate, and its interval closes in around
# it. (We follow the most common decisive outcome, a victory if there is one.)

# %%
runs = res.runs.sort_values("replicate").reset_index(drop=True)
counts = runs["outcome"].value_counts()
victories = [o for o in counts.index if o.startswith("victory:")]
TARGET = victories[0] if victories else counts.index[0]
hit = (runs["outcome"] == TARGET).to_numpy()

n = np.arange(1, len(hit) + 1)
k = np.cumsum(hit)
est = k / n
band = np.array(
    [sim.analysis.summaries.wilson(int(kk), int(nn)) for kk, nn in zip(k, n, strict=False)]
)

fig, ax = plt.subplots(figsize=(9, 3.8))
ax.fill_between(n, band[:, 0], band[:, 1], alpha=0.25, label="95 % Wilson interval")
ax.plot(n, est, label=f"share of runs ending in {TARGET}")
ax.axhline(est[-1], color="black", lw=0.8, ls="--", label=f"after {n[-1]} runs: {est[-1]:.3f}")
ax.set_xlabel("number of runs")
ax.set_ylabel("probability")
ax.set_ylim(0, 1)
ax.legend()
ax.grid(alpha=0.3)
plt.show()

# %% [markdown]
# ## The interval narrows as $1/\sqrt{n}$
#
# The half-width of the interval is roughly $1.96\sqrt{p(1-p)/n}$: to halve
# it you need **four times** as many runs. Check it on the runs above, taking
# the first 10, 25, 50, 100 and 200 of them:

# %%
sizes = [10, 25, 50, 100, 200]
rows = []
for m_ in sizes:
    kk = int(hit[:m_].sum())
    lo, hi = sim.analysis.summaries.wilson(kk, m_)
    rows.append(
        {"runs": m_, "estimate": kk / m_, "ci_low": lo, "ci_high": hi, "half_width": (hi - lo) / 2}
    )
widths = pd.DataFrame(rows)
display(widths.round(3))

fig, ax = plt.subplots(figsize=(6, 4))
ax.loglog(widths["runs"], widths["half_width"], "o-", label="Wilson half-width")
ref = widths["half_width"].iloc[0] * np.sqrt(widths["runs"].iloc[0] / widths["runs"])
ax.loglog(widths["runs"], ref, "k--", lw=0.8, label=r"$\propto 1/\sqrt{n}$")
ax.set_xlabel("runs")
ax.set_ylabel("half-width of the 95 % interval")
ax.legend()
ax.grid(alpha=0.3, which="both")
plt.show()


# %% [markdown]
# ## How many runs does a question need?
#
# Decide first how precise the answer must be. "Is it closer to 10 % or to
# 50 %?" needs a half-width of about 0.1; "did the policy move it by 3
# points?" needs far more. The smallest number of runs that gives a chosen
# half-width (worst case at p = 0.5, and at this sweep's estimate):


# %%
def runs_needed(p, half_width):
    """Smallest n whose Wilson interval at estimate p is no wider than +-half_width."""

    def width(n):
        lo, hi = sim.analysis.summaries.wilson(round(p * n), n)
        return (hi - lo) / 2

    lo_n, hi_n = 1, 2
    while width(hi_n) > half_width:
        lo_n, hi_n = hi_n, hi_n * 2
    while hi_n - lo_n > 1:  # bisection (width falls with n, up to rounding)
        mid = (lo_n + hi_n) // 2
        lo_n, hi_n = (lo_n, mid) if width(mid) <= half_width else (mid, hi_n)
    return hi_n


p_hat = float(est[-1])
pd.DataFrame(
    {
        "half-width": [0.10, 0.05, 0.03, 0.02, 0.01],
        "runs if p = 0.5": [runs_needed(0.5, h) for h in (0.10, 0.05, 0.03, 0.02, 0.01)],
        f"runs if p = {p_hat:.2f}": [runs_needed(p_hat, h) for h in (0.10, 0.05, 0.03, 0.02, 0.01)],
    }
)

# %% [markdown]
# A comparison of two policies is a different question: the precision needed
# is that of the *difference* between two probabilities. Notebook 3 shows how
# pairing the runs (the same seeds for both policies) makes that far cheaper
# than two independent sweeps.
#
# ## Spread is not uncertainty
#
# The fan chart shows how the front line is *spread across runs*: the median
# and the bands holding 50 % and 90 % of the runs, week by week. That spread
# is a property of the war the model describes, and more runs will not make
# it narrower; they only draw its edges more sharply. The interval of an
# outcome probability, by contrast, is uncertainty *about a number*, and it
# shrinks with more runs.

# %%
sim.viz.plots.plot_front_fan(res.front, objective="central Tripoli")
plt.show()
# %% [markdown]
# ## When do wars end?
#
# The survival curve is the share of runs still at war each week (runs that
# reach the horizon undecided are *censored* there); the other panels show
# how the share of runs that ended each way accumulates. Compare with
# stylised fact 5 in `docs/ODD.md` (Kreutz 2010): victories cluster early,
# long wars end more often by settlement or fade than by victory. The cell
# below counts when the victories in these runs came.

# %%
sim.viz.plots.plot_survival(res.survival)
plt.show()
won = res.runs[res.runs["outcome"].str.startswith("victory:")]
late = res.runs[res.runs["end_week"] > 52]
early_share = (won["end_week"] <= 52).mean()
print(
    f"{len(won)} victories in {len(res.runs)} runs; {early_share:.0%} of them in the first year "
    f"(median week {won['end_week'].median():.0f})"
)
print(
    f"of the {len(late)} wars that lasted beyond a year, "
    f"{late['outcome'].str.startswith('victory:').sum()} ended in a victory"
)
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
# **Exercise 1.** Suppose you had run only 10 replications (use `run_sweep` with
# `reps=10` and another root seed, say `seed=1`). What estimate and
# interval do you get for the outcome `TARGET`? Does the interval
# contain the 200-run estimate? How wide is it?

# %%
# Exercise 1: your code here

# %% [markdown]
# <details><summary>Answer</summary>
#
# With 10 runs the estimate can only be 0, 0.1, 0.2, ... and its Wilson
# interval spans tens of percentage points (the worked solution prints
# its width). Whether it contains the 200-run estimate is partly luck: a
# 95 % interval misses the model's true probability about one time in
# twenty, and the 200-run estimate is itself only an estimate; the worked
# solution says which way it went here. Ten runs can tell "rare" from
# "common", nothing finer.
#
# The worked solution is *Exercise 1* at the end of the notebook.
#
# </details>

# %% [markdown]
# **Exercise 2.** A colleague ran 20 replications of some what-if, saw the capital fall
# in none of them, and wrote "the capital does not fall". What can you
# honestly say instead?

# %%
# Exercise 2: your code here

# %% [markdown]
# <details><summary>Answer</summary>
#
# That 0 of 20 is consistent with a probability anywhere from 0 up to
# about 16 % (the upper end of the Wilson interval for 0/20, computed in
# the worked solution). A one-in-seven chance that the capital falls is
# hardly "does not fall". To claim it falls in fewer than 2 % of cases,
# you need of the order of 200 runs without a single fall (the worked
# solution finds the exact number).
#
# The worked solution is *Exercise 2* at the end of the notebook.
#
# </details>

# %% [markdown]
# **Exercise 3.** Using the `widths` table, check the rule "four times the runs, half
# the width": compare the half-width at 50 runs with the one at 200. Is the
# ratio 2? If not, why not?

# %%
# Exercise 3: your code here

# %% [markdown]
# <details><summary>Answer</summary>
#
# The rule holds for a *fixed* probability: the Wilson half-width at the
# same estimate, once with 50 and once with 200 runs, differs by a factor
# close to 2 (the worked solution computes it; near 0 the factor is a
# little above 2). On the runs themselves the ratio also reflects how the
# estimate moved between 50 and 200 runs: the width depends on p(1−p),
# which changes a lot near 0, so the observed ratio can be well off 2
# (the worked solution prints both). The same law is in the runs-needed
# table: at p = 0.5, halving the half-width from 0.10 to 0.05 takes about
# four times the runs. Precision is expensive: each extra decimal costs a
# hundred times the runs.
#
# The worked solution is *Exercise 3* at the end of the notebook.
#
# </details>

# %% [markdown]
# **Exercise 4.** Run a second sweep of 200 replications with another root seed (say
# `seed=7`). Compare its outcome table with the first one: do the
# estimates agree exactly? Do the intervals overlap?

# %%
# Exercise 4: your code here

# %% [markdown]
# <details><summary>Answer</summary>
#
# The estimates differ, here by a few percentage points at most (the
# worked solution prints the largest difference), because the runs are
# different draws; each outcome's two intervals overlap. Two
# sweeps agree *within their uncertainty*, not digit for digit. (If you
# repeated this with many outcomes and many seeds, you would
# occasionally see intervals that barely overlap: each one misses the
# model's true probability about 5 % of the time.)
#
# The worked solution is *Exercise 4* at the end of the notebook.
#
# </details>

# %% [markdown]
# **Exercise 5.** Would the fan chart's 90 % band get narrower with 3,000 runs? Would the
# interval of an outcome probability? Check with the runs you have:
# compute the fan from the first 50 runs only
# (`res.front_matrix("libya_2019")[:50]` is a runs × weeks array, and
# `sim.analysis.summaries.front_quantiles(array, "first 50", date_of=spec.date_of)`
# turns it into quantiles) and compare its average band width with that
# of all the runs; do the same for the width of the interval of
# `TARGET`.

# %%
# Exercise 5: your code here

# %% [markdown]
# <details><summary>Answer</summary>
#
# The band does not shrink the way the interval does. It estimates fixed
# quantiles of how the front is spread across runs: more runs make its
# edges less jagged, and can even *widen* it, since a small sample often
# misses the rarer runs that make up the tails: here the band's mean
# width barely changes between 50 and 200 runs. The probability's
# interval, on the other hand, keeps shrinking with $1/\sqrt{n}$: here it
# narrows by more than a quarter (by how much exactly is printed; less than
# half, for the reason of exercise 3). Spread describes the war; the
# interval describes what we know about one of its probabilities.
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
small = run_sweep([LIBYA], reps=10, seed=1, workers=1, progress=False)
row = small.summary.set_index("outcome").reindex([TARGET]).fillna({"runs": 0, "probability": 0.0})
k10 = int(row["runs"].iloc[0])
lo, hi = sim.analysis.summaries.wilson(k10, 10)
print(
    f"10 runs: {k10}/10 = {k10 / 10:.1f}, 95 % interval [{lo:.3f}, {hi:.3f}] (width {hi - lo:.3f})"
)
inside = lo <= est[-1] <= hi
print(f"{REPS} runs: {est[-1]:.3f}; {'inside' if inside else 'outside'} the 10-run interval")

# %% [markdown]
# **Exercise 2.**

# %%
upper20 = sim.analysis.summaries.wilson(0, 20)[1]
print(f"0/20: the probability may be anywhere up to {upper20:.1%}")
for n_ in (50, 100, 200, 400):
    print(f"0/{n_}: upper bound {sim.analysis.summaries.wilson(0, n_)[1]:.4f}")
n_two = next(n_ for n_ in range(1, 2000) if sim.analysis.summaries.wilson(0, n_)[1] < 0.02)
print(f"fewest runs, all without a fall, that put the upper bound below 2 %: {n_two}")

# %% [markdown]
# **Exercise 3.**

# %%
w = widths.set_index("runs")["half_width"]
observed = w[50] / w[200]
print(f"on the runs: half-width at 50: {w[50]:.4f}, at 200: {w[200]:.4f}, ratio {observed:.2f}")
print(f"the estimate moved from {hit[:50].mean():.3f} (50 runs) to {hit.mean():.3f} (200 runs)")


def wilson_half(p, n, z=1.96):
    """Half-width of the Wilson interval at estimate p with n runs (the formula)."""
    return z / (1 + z**2 / n) * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))


fixed = wilson_half(p_hat, 50) / wilson_half(p_hat, 200)
print(f"at a fixed estimate of {p_hat:.3f}: ratio {fixed:.2f}")
needed = [runs_needed(0.5, h) for h in (0.10, 0.05)]
print(
    f"at p = 0.5: {needed[0]} runs for ±0.10, {needed[1]} for ±0.05 (× {needed[1] / needed[0]:.1f})"
)

# %% [markdown]
# **Exercise 4.**

# %%
res7 = run_sweep([LIBYA], reps=REPS, seed=7, workers=1, progress=False)
both = res.summary.merge(
    res7.summary, on="outcome", how="outer", suffixes=(" seed 2019", " seed 7")
)
cols = [c for c in both.columns if c.startswith(("probability", "ci_"))]
both = both.set_index("outcome")[cols].fillna(0.0)
gap = (both["probability seed 2019"] - both["probability seed 7"]).abs()
overlap = (both["ci_low seed 2019"] <= both["ci_high seed 7"]) & (
    both["ci_low seed 7"] <= both["ci_high seed 2019"]
)
print(f"largest difference between the two estimates: {gap.max():.3f} ({gap.idxmax()})")
print(f"the two intervals overlap for {overlap.sum()} of {len(overlap)} outcomes")
both.round(3)

# %% [markdown]
# **Exercise 5.**

# %%
fronts = res.front_matrix("libya_2019")
few = sim.analysis.summaries.front_quantiles(fronts[:50], "first 50", date_of=spec.date_of)
allq = sim.analysis.summaries.front_quantiles(fronts, f"all {REPS}", date_of=spec.date_of)
for q in (few, allq):
    print(
        q["scenario"].iloc[0],
        "runs - mean width of the 90 % band:",
        round(float((q["q95"] - q["q05"]).mean()), 1),
        "km",
    )
band_width = {q["scenario"].iloc[0]: float((q["q95"] - q["q05"]).mean()) for q in (few, allq)}
band_ratio = band_width[f"all {REPS}"] / band_width["first 50"]
w = widths.set_index("runs")["half_width"]
interval_ratio = w[REPS] / w[50]
print(f"band width with {REPS} runs / with 50: {band_ratio:.2f}")
print(
    f"interval of {TARGET}: width {2 * w[50]:.3f} at 50 runs, {2 * w[REPS]:.3f} at {REPS} "
    f"(ratio {interval_ratio:.2f})"
)

# %% [markdown]
# ## Checks
#
# Each line below asserts a fact that the text of this notebook states, read
# from the results computed above. If a change to the model made the text
# wrong, this cell stops with the claim that no longer holds.

# %%
# Checks: the facts the text states, computed from this notebook's results.
checks = {
    "the same seed gives the same war": a.front_series == b.front_series,
    "some outcome never occurred in the 200 runs": len(never) > 0,
    "its Wilson upper bound is positive, about 3.8/n": bool(
        (never["ci_high"] > 0).all()
        and np.allclose(never["ci_high"], 1.96**2 / (never["total"] + 1.96**2), atol=1e-3)
    ),
    "its textbook interval is [0, 0]": bool((never["wald_high"] == 0).all()),
    "victories cluster early (most in the first year)": len(won) == 0 or early_share >= 0.8,
    "wars beyond a year end more often otherwise than by victory": (
        late["outcome"].str.startswith("victory:").mean() < 0.5
    ),
    "exercise 1: 10 runs give an interval tens of points wide": hi - lo >= 0.2,
    "exercise 2: 0/20 allows up to about 16 %": 0.15 < upper20 < 0.17,
    "exercise 2: of the order of 200 runs for < 2 %": 150 <= n_two <= 250,
    "exercise 3: at a fixed estimate the ratio is close to 2": 1.8 < fixed < 2.3,
    "exercise 3: at p = 0.5 half the width takes about 4x the runs": (
        3.5 < needed[1] / needed[0] < 4.5
    ),
    "exercise 4: the two sweeps differ, by a few points at most": 0 < gap.max() <= 0.05,
    "exercise 4: each outcome's two intervals overlap": bool(overlap.all()),
    "exercise 5: the band's width barely changes": 0.85 < band_ratio < 1.15,
    "exercise 5: the interval narrows by more than a quarter, less than half": (
        0.5 < interval_ratio < 0.75
    ),
}
failed = [claim for claim, holds in checks.items() if not holds]
assert not failed, f"the text says, but the results do not show: {failed}"
print(f"all {len(checks)} checks hold")
