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
# # 3. Sanctions on a mercenary contractor: a paired comparison
#
# In late November 2019 the US State Department said it was working with
# European partners on sanctions against the Russian military contractor
# fighting for Haftar, the Wagner Group (Associated Press, "Libyan and US
# officials say hundreds of Russian mercenaries are backing commander Khalifa
# Haftar", 5 December 2019). Suppose they
# had been imposed in mid-December. Would the war have gone differently?
#
# The model's answer follows stylised fact 4 (`docs/ODD.md`, section 1): sanctions work
# through their *bite* on the sanctioned actor's money and logistics, with a
# lag, and their effect on the front is indirect. A contractor is the
# extreme case of the principal–agent problem (Salehyan 2010): its loyalty
# is to its pay.
#
# **Learning goals.** After this notebook you can
#
# - trace a sanction's causal chain in the model and work out its shortest
#   delay from the scenario's numbers;
# - explain *common random numbers* and see a pair of runs stay identical
#   until the policy bites;
# - run a paired comparison with `sim.experiments.compare.compare` and read its table:
#   the difference, its interval, the replicates that changed, the
#   correlation;
# - show why pairing gives a narrower interval than two independent sweeps;
# - see how the lag changes the effect;
# - say what the interval does and does not tell you.
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
# ## The what-if
#
# The what-if is a small file that `extends` the baseline and adds one
# intervention; every number says where it comes from or that it is an
# assumption:

# %%
LIBYA = SCENARIOS / "libya_2019.toml"
SANCTIONS = SCENARIOS / "libya_wagner_sanctions.toml"
print(SANCTIONS.read_text(encoding="utf-8"))

# %% [markdown]
# ## The causal chain, and its delay
#
# In the model (`docs/ODD.md`, sections 7.6 and 7.7):
#
# 1. the sanction is imposed on its date;
# 2. after `lag_weeks` (designation, then banks and intermediaries comply)
#    it **bites**: a share `financial` of Wagner's pay no longer reaches it,
#    and a share `logistics` of its rotation capacity is lost;
# 3. every week the blocked share of the pay adds to the group's **arrears**,
#    counted in weeks of pay owed (a fully paid week removes one);
# 4. in the first week its arrears exceed its `arrears_tolerance`, it
#    **leaves**, over two weeks;
# 5. only then does the LNA lose Wagner's fighters at its main effort, and
#    the **front** may feel it.
#
# From the scenario's own numbers, the earliest week Wagner can be gone:

# %%
base_spec = load_scenario(LIBYA)
sanc_spec = load_scenario(SANCTIONS)
iv = sanc_spec.interventions[-1]
wagner = sanc_spec.groups["wagner"]
fire = sanc_spec.week_of(iv.at)
bite = fire + iv.lag_weeks
print(f"imposed:  week {fire} ({sanc_spec.date_of(fire)})")
print(
    f"bites:    week {bite} ({sanc_spec.date_of(bite)}), {iv.financial:.0%} of the pay blocked, "
    f"{iv.logistics:.0%} of the rotations lost"
)
weeks_unpaid = (
    int(np.floor(wagner.arrears_tolerance / iv.financial)) + 1
)  # arrears grow by `financial` a week
gone = bite + weeks_unpaid + 1  # ordered out in the last of those weeks, then two weeks to leave
print(
    f"arrears exceed the tolerance of {wagner.arrears_tolerance} weeks of pay after {weeks_unpaid} sanctioned weeks "
    f"({weeks_unpaid} x {iv.financial}); two weeks to leave: gone from about week {gone} ({sanc_spec.date_of(gone)})"
)


# %% [markdown]
# ## One pair of runs
#
# Run the baseline and the what-if with the **same seed**. We pick the first
# seed in which the sanctioned Wagner leaves over its arrears (in some
# runs it stays to the end instead).


# %%
def left_over_pay(seed):
    return (
        ProxyWarModel(sanc_spec, rng=seed, collect=False).run().summary()["left_wagner"]
        == "pay arrears"
    )


SEED = next(s for s in range(100) if left_over_pay(s))


def trace(spec, seed):
    m = ProxyWarModel(spec, rng=seed)
    rows = []
    while m.running:
        m.step()
        g = m.groups_by_id["wagner"]
        rows.append(
            {
                "week": m.week,
                "wagner": g.fighters,
                "arrears": g.arrears,
                "front_km": m.front_km,
                "casualties": m.total_casualties(),
            }
        )
    return m, pd.DataFrame(rows).set_index("week")


m_base, t_base = trace(base_spec, SEED)
m_sanc, t_sanc = trace(sanc_spec, SEED)
print(
    f"seed {SEED}: baseline {m_base.summary()['outcome']} (week {m_base.week}), "
    f"sanctions {m_sanc.summary()['outcome']} (week {m_sanc.week})"
)
for week, text in m_sanc.events_log:
    if week >= fire - 1:
        print(f"  sanctions arm, week {week}: {text}")

# %%
fig, axes = plt.subplots(3, 1, figsize=(10, 7), sharex=True, layout="constrained")
for t, label in ((t_base, "baseline"), (t_sanc, "sanctions")):
    axes[0].plot(t.index, t["wagner"], label=label)
    axes[1].plot(t.index, t["arrears"], label=label)
    axes[2].step(t.index, t["front_km"], where="post", label=label)
for ax, title in zip(
    axes,
    ["Wagner fighters in theatre", "Wagner's arrears (weeks of pay owed)", "front distance (km)"],
    strict=False,
):
    ax.axvline(fire, color="tab:purple", ls=":", label="imposed")
    ax.axvline(bite, color="tab:red", ls="--", label="bites")
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)
axes[0].legend(fontsize=8)
axes[2].set_xlabel("week")
plt.show()

weeks = t_base.index.intersection(t_sanc.index)
differ = weeks[(t_base.loc[weeks, "casualties"] != t_sanc.loc[weeks, "casualties"]).to_numpy()]
first_differ = differ.min() if len(differ) else None
print(
    "first week in which the two runs differ:",
    first_differ or "never",
    f"(the sanction bites in week {bite})",
)

# %% [markdown]
# ## Common random numbers
#
# The two runs are the *same war* until the sanction changes something:
# same seed, and inside the model each mechanism (combat, support
# shipments, mercenaries, termination) draws from its own random stream a
# fixed number of values every week. So the sanction does not reshuffle
# the luck of the battles; it changes only what it touches, and whatever
# differs between the two runs afterwards is caused by it.
#
# Over many replicates this is the design of a **paired comparison**:
# replicate *i* of the baseline and replicate *i* of the what-if share their
# seed, and the statistic is the mean of the per-replicate differences.

# %% [markdown]
# ## The paired comparison
#
# `compare(baseline, alternatives, reps, seed)` runs every arm with the same
# seeds and returns the paired table (what `python run.py compare` writes to
# `comparison.csv`):

# %%
from sim.experiments.compare import compare, paired_outcomes

REPS = 150
cmp = compare(LIBYA, [SANCTIONS], reps=REPS, seed=3, workers=1, progress=False)
BASE, ALT = cmp.baseline, cmp.alternatives[0]
print(f"{cmp.runs} runs in {cmp.elapsed:.1f} s")
cols = [
    "outcome",
    "p_baseline",
    "p_alternative",
    "difference",
    "ci_low",
    "ci_high",
    "only_baseline",
    "only_alternative",
    "correlation",
]
display(cmp.table[cols].round(3))
for line in cmp.headlines():
    print("-", line)

# %% [markdown]
# How to read a row:
#
# - `difference` = P(what-if) − P(baseline), the mean of the per-replicate
#   differences; `ci_low`–`ci_high` its 95 % interval.
# - `only_baseline` / `only_alternative`: replicates that ended in this
#   outcome in one arm only. Only these *discordant* pairs move the
#   difference; every other replicate ended the same way in both arms.
# - `correlation`: how alike the two arms are replicate by replicate. The
#   variance of a paired difference is var(a) + var(b) − 2 cov(a, b): the
#   closer to 1, the more pairing pays.
#
# The same for war length, casualties and the front one year in and at the
# horizon, and a forest plot of the probability rows:

# %%
display(
    cmp.differences[
        ["metric", "mean_baseline", "mean_alternative", "difference", "ci_low", "ci_high"]
    ].round(3)
)
sim.viz.plots.plot_difference_forest(cmp.table, cmp.differences)
plt.show()
# %%
pairs = cmp.pairs(ALT)
print("outcome of each replicate, baseline (rows) against sanctions (columns):")
display(pd.crosstab(pairs["outcome_base"], pairs["outcome_alt"], margins=True))
print("why Wagner left, by arm (empty: it stayed to the end):")
cmp.sweep.runs.fillna({"left_wagner": "(stayed)"}).groupby("scenario")[
    "left_wagner"
].value_counts().unstack(fill_value=0)

# %% [markdown]
# ## Why pairing pays
#
# Suppose the what-if had been run with *other* seeds, independently of the
# baseline. The runs would still be valid, but the difference would carry
# the luck of two unrelated sets of wars. Pair the baseline's replicates
# with the runs of an independent sweep (root seed 99) and compute the same
# statistic:

# %%
other = run_sweep([SANCTIONS], reps=REPS, seed=99, workers=1, progress=False)
base_runs = cmp.sweep.runs.query("scenario == @BASE").sort_values("replicate")
fake_pairs = pd.DataFrame(
    {
        "outcome_base": base_runs["outcome"].to_numpy(),
        "outcome_alt": other.runs.sort_values("replicate")["outcome"].to_numpy(),
    }
)
labels = list(cmp.table["outcome"])
indep = paired_outcomes(fake_pairs, BASE, ALT, labels)
paired_w = (cmp.table["ci_high"] - cmp.table["ci_low"]).to_numpy()
indep_w = (indep["ci_high"] - indep["ci_low"]).to_numpy()
common = cmp.table["p_baseline"].idxmax()  # the most common outcome
runs_factor = (indep_w[common] / paired_w[common]) ** 2
print(
    f"{labels[common]}: an unpaired design needs about {runs_factor:.1f} times the runs "
    "for the paired interval's width"
)
pd.DataFrame(
    {
        "outcome": labels,
        "paired: difference": cmp.table["difference"].round(3),
        "paired: interval width": (cmp.table["ci_high"] - cmp.table["ci_low"]).round(3),
        "independent: difference": indep["difference"].round(3),
        "independent: interval width": (indep["ci_high"] - indep["ci_low"]).round(3),
    }
)

# %% [markdown]
# With independent seeds most replicates differ for reasons that have
# nothing to do with the sanction, so the intervals of the outcomes that
# are not rare (here a LNA victory and a stalemate) are at least twice as
# wide as the paired ones. No independent interval is narrower by more than
# a hair: for the rare ceasefire (a single baseline run in 150) there is
# little luck for pairing to cancel, and the independent interval is wider,
# but less than twice as wide. For the
# most common outcome, an unpaired design needs several times as many runs
# to reach the paired interval's precision (the ratio of the squared
# widths, printed above).
#
# ## Lags: when the bite comes too late
#
# How much does the lag matter? The Libya runs are slow for this, so we use
# the small teaching theatre (`teaching_line_sanctions.toml`: sanctions on
# RED's contractors in week 12) and vary its lag, all arms on the same
# seeds:

# %%
TEACH = SCENARIOS / "teaching_line.toml"
TEACH_SANC = SCENARIOS / "teaching_line_sanctions.toml"
LAGS = [0, 6, 18]
lag_arms = [
    load_scenario(
        TEACH_SANC, overrides={"name": f"sanctions_lag_{lag}", "interventions.0.lag_weeks": lag}
    )
    for lag in LAGS
]
cmp_lag = compare(TEACH, lag_arms, reps=REPS, seed=5, workers=1, progress=False)
win = cmp_lag.table[cmp_lag.table["outcome"] == "victory:RED"].reset_index(drop=True)
tbase = cmp_lag.sweep.runs.query("scenario == 'teaching_line'")
still_going = [(tbase["end_week"] > 12 + lag).mean() for lag in LAGS]
lag_runs = cmp_lag.sweep.runs
left_pay_share = [
    (lag_runs.query("scenario == @a.name")["left_contractors"] == "pay arrears").mean()
    for a in lag_arms
]
lag_left_week = [
    pd.to_numeric(
        lag_runs.query("scenario == @a.name")["left_week_contractors"], errors="coerce"
    ).median()
    for a in lag_arms
]
base_end = tbase["end_week"].median()
print(
    f"baseline: contractors stay to the end in {tbase['left_contractors'].isna().sum()} of "
    f"{len(tbase)} runs; the median war ends in week {base_end:.0f}"
)

fig, ax = plt.subplots(figsize=(7, 3.8))
ax.errorbar(
    LAGS,
    win["difference"],
    yerr=[win["difference"] - win["ci_low"], win["ci_high"] - win["difference"]],
    fmt="o-",
    capsize=4,
)
ax.axhline(0, color="black", lw=0.8)
ax.set_xlabel("lag between the sanction (week 12) and its bite (weeks)")
ax.set_ylabel("change in P(victory:RED)")
ax.grid(alpha=0.3)
plt.show()
pd.DataFrame(
    {
        "lag": LAGS,
        "difference": win["difference"].round(3),
        "ci_low": win["ci_low"].round(3),
        "ci_high": win["ci_high"].round(3),
        "baseline wars still going at the bite": np.round(still_going, 2),
        "contractors left over pay": np.round(left_pay_share, 2),
        "contractors gone from (median week)": lag_left_week,
    }
)

# %% [markdown]
# A sanction can only change wars that are still going when it bites, and
# only if the contractors are still there to be driven out. In this theatre
# they nearly always are: in the baseline they stay to the end in all but a
# few runs (they leave over a run of heavy *recent* losses, not over all
# casualties since they arrived), and the sanction drives them out over
# their pay in nearly every run at every lag (the column "contractors left
# over pay"). What the lag changes is *when* they go: the longer the lag,
# the later they leave (the last column; the baseline's wars end around
# week 41), and the less of the war is left for their absence to change.
# So the longer the lag, the smaller the change in RED's chance of victory:
# at the longest lag here it is a small fraction of the change at lag 0
# (about -0.05 against -0.37), though still distinguishable from none.
#
# ## What the interval does and does not say
#
# It **does** say: in this model, with these scenario files and their
# assumptions, the probability of the outcome changes by the stated
# difference, and with 95 % confidence by an amount within the interval;
# more replicates would narrow it.
#
# It does **not** say:
#
# - anything about uncertainty *outside* the model. Its parameters are
#   assumptions (see the comments in the files); a different, equally
#   plausible calibration could give a different answer. The interval
#   measures Monte Carlo noise only.
# - that an interval containing 0 means "no effect". It means *not
#   distinguishable from none with this many runs*; the effect may be
#   small, or the runs too few.
# - that a difference whose interval excludes 0 matters. With enough runs
#   a tiny difference becomes "significant"; whether it is large enough
#   to matter is a judgement about the size, not about the interval.
# - why. The mechanism is in the pairs: look at the replicates that
#   changed, and at what happened to the contractor in them.
# - that the rows are independent tests. With several outcomes and several
#   what-ifs, one interval in twenty excludes 0 by chance alone.

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
# **Exercise 1.** In the pair of runs above, in which week did Wagner actually leave in
# the sanctions arm, and how does that compare with the earliest week
# worked out from the scenario's numbers? Why does the front not move at
# once?

# %%
# Exercise 1: your code here

# %% [markdown]
# <details><summary>Answer</summary>
#
# Read it off the traces (the first week Wagner's fighters are 0 in the
# sanctions arm). In this pair it is at, or a few weeks after, the
# computed earliest week: the lag, then the weeks of arrears, then two
# weeks to leave. The front moves only if losing Wagner's specialists changes
# the outcome of an engagement after that, which depends on whether
# the LNA is still attacking and on the luck of the following weeks:
# the sanction's effect on the front is indirect and late, as stylised
# fact 4 says.
#
# The worked solution is *Exercise 1* at the end of the notebook.
#
# </details>

# %% [markdown]
# **Exercise 2.** In the pair of runs, the first week the two differ is printed under
# the plot. Why are they identical before? What would go wrong in a
# paired comparison if the model drew all its random numbers from one
# stream, in order? (Hint: compare how many replicates end differently in
# the paired design and when the what-if's seeds are unrelated.)

# %%
# Exercise 2: your code here

# %% [markdown]
# <details><summary>Answer</summary>
#
# Until the contractors start to leave, the sanction changes nothing the
# fighting depends on (the blocked pay and the growing arrears are
# bookkeeping until they make Wagner go), and both runs draw the same
# numbers in the same order, so they are the same war: here the first
# difference comes no earlier than the bite. With a single stream, a
# policy that adds or removes one draw (say, one shipment fewer to check
# for interdiction) would shift every later draw: from then on the two
# runs would have unrelated luck, the pairs would be no better than
# independent runs, and the interval would be as wide as in the
# "independent" column above. The worked solution counts it: with
# unrelated seeds far more replicates end differently than in the paired
# design. The per-mechanism streams, each drawing a fixed number of values
# a week, keep the luck aligned.
#
# The worked solution is *Exercise 2* at the end of the notebook.
#
# </details>

# %% [markdown]
# **Exercise 3.** The sanction's *direct* effect is on Wagner, its *indirect* effect on the
# war. Compare the two: the share of replicates in which Wagner left over
# pay arrears in each arm, the change in who wins (P(victory:LNA)), and
# the change in the front at the horizon. Which is clearer?

# %%
# Exercise 3: your code here

# %% [markdown]
# <details><summary>Answer</summary>
#
# The direct effect is large and unambiguous: in the baseline Wagner
# never leaves over pay, under sanctions it does in a large share of the
# replicates (the `why Wagner left` table). Who wins hardly moves: the
# LNA's victories in these runs all come before the sanction bites. All
# but one come in the first ten weeks of the offensive, months before the
# sanction is even imposed; the last comes shortly after it is imposed
# but still before it bites, and until then the sanction changes
# nothing the fighting depends on. So no sanction in December can change
# them (the worked solution prints when they came). The effect shows where
# the war is still going when the sanction bites: one year into the war
# (early April 2020, some weeks after the bite) the front lies
# significantly farther from Tripoli under sanctions. At the horizon the
# mean difference is about as large, but its interval includes 0: by then
# the two arms of a pair have drifted apart (far more pairs differ, and
# the arms are much less correlated than a year in), so pairing cancels
# less of the noise and 150 replicates cannot tell the difference from
# none (the worked solution prints both paired differences). That is
# stylised fact 4: sanctions bite on money and logistics; the front feels
# them only later, through what the contractor would have done.
#
# The worked solution is *Exercise 3* at the end of the notebook.
#
# </details>

# %% [markdown]
# **Exercise 4.** Leakage. In the teaching theatre's sanction, 90 % of the contractors'
# pay is blocked. What happens if only 40 % is blocked (`financial =
# 0.4`, an override of `interventions.0.financial`)? Predict first (how
# long do the contractors take to leave?), then run the paired
# comparison.

# %%
# Exercise 4: your code here

# %% [markdown]
# <details><summary>Answer</summary>
#
# The arrears grow by the blocked share each week, so with 40 % blocked
# the contractors take more than twice as long to run out of patience
# as with 90 % (about `arrears_tolerance / financial` weeks). A leakier
# sanction acts like a longer lag: by the time the contractors go, more
# wars are decided, so expect a smaller change in `victory:RED` (and the
# contractors leaving over pay later, or not at all in wars that end
# first). The worked solution bears this out: the leaky sanction's change
# in `victory:RED` is smaller than the full one's, and fewer runs see the
# contractors leave over pay. Whether real contractors tolerate partial pay like that is an
# assumption worth questioning, and the kind of thing a model makes
# explicit.
#
# The worked solution is *Exercise 4* at the end of the notebook.
#
# </details>

# %% [markdown]
# **Exercise 5.** How many replicates would the Libya comparison need for the interval
# of the change in P(stalemate) to be ±0.01? (Use the 1/√n law on the
# half-width you have.) What does `compare(..., precision=0.01)` do?

# %%
# Exercise 5: your code here

# %% [markdown]
# <details><summary>Answer</summary>
#
# The half-width shrinks as $1/\sqrt{n}$, so the runs needed are about
# `REPS × (half-width / 0.01)²`. Here that is more than the runs above but
# fewer than twice as many: pairing has already made the stalemate
# interval narrow, since nearly every pair ends the same way in both arms
# (the worked solution computes it). `compare` with `precision=0.01` (and
# `--precision 0.01` on the command line) does this for you: it adds
# replicates in batches, reusing the ones already run, until every
# probability difference has a half-width of at most 0.01 or `max_reps`
# is reached.
#
# The worked solution is *Exercise 5* at the end of the notebook.
#
# </details>

# %% [markdown]
# **Exercise 6.** A colleague reads the Libya table and writes: "P(victory:LNA) does
# not change, so sanctioning Wagner does not work". What would you
# answer?

# %%
# Exercise 6: your code here

# %% [markdown]
# <details><summary>Answer</summary>
#
# Four things. (1) Look at *why* it does not change: in these runs every
# LNA victory comes before the sanction bites (exercise 3), so the
# question "does a December sanction change who wins" has no runs in
# which it could. (2) An interval containing 0 means an effect not
# distinguishable from zero *with this many runs*; it may be small and
# real, so run more (or use `precision`). (3) "Does not work" depends on
# the goal: the sanction does what it does directly (Wagner leaves),
# pushes the front back from Tripoli in the months after it bites
# (exercise 3) and lowers the war's casualties; the worked solution
# lists the measures whose interval excludes 0. (4) All of this is *in
# the model*: the result is conditional on the scenario's assumptions
# (the lag, the leakage, Wagner's quality and casualty aversion), which
# are exactly what the file's comments say are guesses. A sensitivity
# analysis over them is the honest next step.
#
# The worked solution is *Exercise 6* at the end of the notebook.
#
# </details>

# %% [markdown]
# ## Worked solutions
#
# Run these after you have tried the exercises.

# %% [markdown]
# **Exercise 1.**

# %%
present = t_sanc["wagner"] > 0
left = t_sanc.index[(~present) & (t_sanc.index > bite)]
print(
    "Wagner gone in the sanctions arm from week:",
    left.min() if len(left) else "never",
    f"(earliest by the chain: week {gone})",
)
print(t_sanc.loc[bite - 1 : gone + 1, ["wagner", "arrears"]].round(2))
left_week = left.min() if len(left) else None

# %% [markdown]
# **Exercise 2.**

# %%
print(f"the pair first differs in week {first_differ}; the sanction bites in week {bite}")
changed = {
    "paired (same seeds)": int((pairs["outcome_base"] != pairs["outcome_alt"]).sum()),
    "unrelated seeds": int((fake_pairs["outcome_base"] != fake_pairs["outcome_alt"]).sum()),
}
for design, k in changed.items():
    print(f"{design}: {k} of {REPS} replicates end differently")

# %% [markdown]
# **Exercise 3.**

# %%
runs = cmp.sweep.runs
direct = (
    runs.assign(arrears=runs["left_wagner"] == "pay arrears").groupby("scenario")["arrears"].mean()
)
print("share of replicates in which Wagner left over pay arrears:", direct.round(3).to_dict())
lna = cmp.table.set_index("outcome").loc["victory:LNA"]
print(
    f"P(victory:LNA): {lna['difference']:+.3f} [{lna['ci_low']:+.3f}, {lna['ci_high']:+.3f}], "
    f"changed in {lna['only_baseline'] + lna['only_alternative']} of {lna['pairs']} replicates"
)
base_wins = runs.query("scenario == @BASE and outcome == 'victory:LNA'")["end_week"]
print(
    f"the baseline's LNA victories came in weeks {sorted(base_wins.tolist())}; "
    f"the sanction is imposed in week {fire} and bites in week {bite}"
)
diffs = cmp.differences.set_index("metric")
fronts = diffs[diffs.index.str.startswith("front distance")]
horizon = fronts[fronts.index.str.contains(str(base_spec.date_of(base_spec.horizon_weeks)))].iloc[0]
year_in = fronts.drop(horizon.name).iloc[0]
for when, r in (("one year in", year_in), ("at the horizon", horizon)):
    print(
        f"front {when} ({r.name[-10:]}): {r['mean_baseline']:.0f} km -> "
        f"{r['mean_alternative']:.0f} km, difference {r['difference']:+.0f} km "
        f"[{r['ci_low']:+.0f}, {r['ci_high']:+.0f}], {r['changed']} of {r['pairs']} pairs "
        f"differ, correlation {r['correlation']:.2f}"
    )

# %% [markdown]
# **Exercise 4.**

# %%
leaky = load_scenario(
    TEACH_SANC, overrides={"name": "sanctions_leaky", "interventions.0.financial": 0.4}
)
cmp_leak = compare(TEACH, [TEACH_SANC, leaky], reps=REPS, seed=5, workers=1, progress=False)
display(cmp_leak.table[["alternative", "outcome", "difference", "ci_low", "ci_high"]].round(3))
red = cmp_leak.table.query("outcome == 'victory:RED'").set_index("alternative")["difference"]
leak_runs = cmp_leak.sweep.runs
pay_share = {
    arm: (leak_runs.query("scenario == @arm")["left_contractors"] == "pay arrears").mean()
    for arm in ("teaching_line_sanctions", "sanctions_leaky")
}
print(
    f"change in P(victory:RED): {red['teaching_line_sanctions']:+.3f} with 90 % blocked, "
    f"{red['sanctions_leaky']:+.3f} with 40 %"
)
print(f"share of runs in which the contractors left over pay: {pay_share}")
cmp_leak.sweep.runs.fillna({"left_contractors": "(stayed)"}).groupby("scenario")[
    "left_contractors"
].value_counts().unstack(fill_value=0)

# %% [markdown]
# **Exercise 5.**

# %%
row = cmp.table.set_index("outcome").loc["stalemate"]
half = (row["ci_high"] - row["ci_low"]) / 2
reps_needed = int(np.ceil(REPS * (half / 0.01) ** 2))
print(f"half-width now {half:.3f} with {REPS} replicates; for ±0.01 about {reps_needed} replicates")

# %% [markdown]
# **Exercise 6.**

# %%
significant = pd.concat(
    [
        cmp.table.assign(metric="P(" + cmp.table["outcome"] + ")"),
        cmp.differences,
    ]
).query("ci_low > 0 or ci_high < 0")[["metric", "difference", "ci_low", "ci_high"]]
print("measures whose 95 % interval excludes 0 (one row per measure):")
significant.round(3)

# %% [markdown]
# ## Checks
#
# Each line below asserts a fact that the text of this notebook states, read
# from the results computed above. If a change to the model made the text
# wrong, this cell stops with the claim that no longer holds.

# %%
# Checks: the facts the text states, computed from this notebook's results.
lag_diffs = win["difference"].abs().to_numpy()
checks = {
    "in the chosen pair the sanctioned Wagner leaves over its arrears": (
        m_sanc.summary()["left_wagner"] == "pay arrears"
    ),
    "the pair is the same war until the sanction bites": first_differ is None
    or first_differ >= bite,
    "the ceasefire is rare: a single baseline run in 150": (
        int((base_runs["outcome"] == "ceasefire").sum()) == 1 and REPS == 150
    ),
    "for the ceasefire the independent interval is wider, but less than twice as wide": bool(
        paired_w[labels.index("ceasefire")]
        < indep_w[labels.index("ceasefire")]
        < 2 * paired_w[labels.index("ceasefire")]
    ),
    "no independent interval is narrower than the paired one by more than a hair": bool(
        (indep_w >= paired_w - 0.005).all()
    ),
    "the outcomes that are not rare have independent intervals at least twice as wide": bool(
        (
            indep_w[cmp.table["p_baseline"] >= 0.05]
            >= 2 * paired_w[cmp.table["p_baseline"] >= 0.05]
        ).all()
    ),
    "for the most common outcome an unpaired design needs several times the runs": (
        runs_factor >= 3
    ),
    "teaching theatre: in the baseline the contractors stay to the end in all but a few runs": (
        tbase["left_contractors"].isna().mean() >= 0.9
    ),
    "lags: the longer the lag, the smaller the change": bool((np.diff(lag_diffs) <= 1e-9).all()),
    "lags: the sanction drives them out over pay in nearly every run at every lag": (
        min(left_pay_share) >= 0.9
    ),
    "lags: the longer the lag, the later they leave": bool((np.diff(lag_left_week) > 0).all()),
    "lags: at the longest lag the change is a small fraction of that at lag 0": (
        lag_diffs[-1] <= 0.2 * lag_diffs[0]
    ),
    "lags: at the longest lag the change is still distinguishable from none": (
        win["ci_high"].iloc[-1] < 0 or win["ci_low"].iloc[-1] > 0
    ),
    "exercise 1: Wagner leaves at or a few weeks after the earliest week": (
        left_week is not None and gone <= left_week <= gone + 4
    ),
    "exercise 2: far more replicates change with unrelated seeds": (
        changed["unrelated seeds"] >= 2 * max(changed["paired (same seeds)"], 1)
    ),
    "exercise 3: in the baseline Wagner never leaves over pay": direct[BASE] == 0,
    "exercise 3: under sanctions it does in a large share of replicates": direct[ALT] >= 0.3,
    "exercise 3: P(victory:LNA) hardly moves": abs(lna["difference"]) <= 0.02,
    "exercise 3: the LNA's victories all come before the sanction bites": (
        len(base_wins) > 0 and base_wins.max() < bite
    ),
    "exercise 3: all but one of them in the first ten weeks": (
        int((base_wins <= 10).sum()) == len(base_wins) - 1
    ),
    "exercise 3: the last comes after the sanction is imposed": base_wins.max() >= fire,
    "exercise 3: one year in comes after the bite": int(year_in["week"]) > bite,
    "exercise 3: one year in the front is significantly farther from Tripoli": (
        year_in["ci_low"] > 0
    ),
    "exercise 3: at the horizon the mean difference is about as large": (
        0.5 * year_in["difference"] <= horizon["difference"] <= 2 * year_in["difference"]
    ),
    "exercise 3: but at the horizon the interval includes 0": (
        horizon["ci_low"] <= 0 <= horizon["ci_high"]
    ),
    "exercise 3: at the horizon far more pairs differ, and the arms are less correlated": (
        horizon["changed"] >= 2 * year_in["changed"]
        and horizon["correlation"] < year_in["correlation"]
    ),
    "exercise 4: the teaching sanction blocks 90 % of the pay": (
        load_scenario(TEACH_SANC).interventions[0].financial == 0.9
    ),
    "exercise 4: the leaky sanction changes victory:RED less": (
        abs(red["sanctions_leaky"]) < abs(red["teaching_line_sanctions"])
    ),
    "exercise 4: fewer runs see the contractors leave over pay": (
        pay_share["sanctions_leaky"] < pay_share["teaching_line_sanctions"]
    ),
    "exercise 5: more runs than above, but fewer than twice as many, for ±0.01": (
        REPS < reps_needed < 2 * REPS
    ),
    "exercise 5: nearly every pair ends the same way in both arms": (
        row["only_baseline"] + row["only_alternative"] <= 0.05 * REPS
    ),
    "exercise 6: some measure's interval excludes 0, among them the front": (
        significant["metric"].str.startswith("front distance").any()
    ),
    "exercise 6: the front is pushed back from Tripoli, and casualties fall": bool(
        (significant.query("metric.str.startswith('front distance')")["difference"] > 0).all()
        and (significant.query("metric.str.startswith('casualties')")["difference"] < 0).any()
    ),
}
failed = [claim for claim, holds in checks.items() if not holds]
assert not failed, f"the text says, but the results do not show: {failed}"
print(f"all {len(checks)} checks hold")
