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
# # 5. Build your own theatre
#
# The model has no Libya in its code: Libya is a scenario file. Another proxy
# war is another file: its map, its factions, their backers and contractors,
# and the policies to try. This notebook writes one, runs it, writes a
# what-if for it, and then breaks it on purpose to see what the validator
# says.
#
# The theatre here is **illustrative only**: a stylised coastal offensive on a
# rebel-held port city, loosely inspired by the war in Yemen in 2018. It is
# not calibrated, and every number in it is marked as an assumption. It is
# a file of the scenario library, `scenarios/teaching_port_city.toml`, so the
# project's scenario tests check it like every other scenario.
#
# **Learning goals.** After this notebook you can
#
# - name the tables of a scenario file and what each holds;
# - read and write a scenario, with every number sourced or marked
#   `assumption`, and load it with `load_scenario`;
# - run it once and as a sweep, exactly like the Libya scenario;
# - write a what-if that `extends` a scenario and states only its change;
# - read the validator's messages (`ScenarioError`, or `validate` on the
#   command line) and fix what they point at.
#
# It takes well under a minute to run. The notebook works on a copy in a
# temporary folder; nothing is written into the repository.

# %%
# Setup: find the repository (the folder that holds scenarios/) and import the model.
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

import sim
import sim.analysis.summaries
import sim.viz.plots
from sim import ProxyWarModel, ScenarioError, load_scenario
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
# ## The parts of a scenario file
#
# | table | what it holds |
# |---|---|
# | top level | `name`, `description`, `start_date`, `horizon_weeks`, `roads` (`[from, to, km]`) |
# | `[front]` | the contested `objective` (a place) and the `attacker` (a faction): the front distance is measured between them |
# | `[combat]`, `[stalemate]`, `[termination]` | mechanism parameters; anything left out takes the default in `sim/scenario/schema.py` |
# | `[places.ID]` | `name`, `lon`, `lat`, `terrain` (urban, open, desert), `holder`, `value` (capital, airbase, oil, population) |
# | `[factions.ID]` | exactly two: fighters, quality, morale, cohesion, money, drones, `objective`, `home`, starting `posture`, ... |
# | `[backers.ID]` | `client`, `resolve`, `budget`, `veto`, and `channels` (funds, arms, drones, air_defence, advisers: amount, unit cost, lag, route) |
# | `[groups.ID]` | mercenary groups: `faction`, `payer`, `size`, `quality`, `pay_per_fighter`, `arrival`, `deployed` |
# | `[[interventions]]` | policies and events: sanction, withdraw, redeploy, embargo, surge, mediation, ceasefire_breakdown, at a date, a week, or `when` a condition holds |
#
# Every number carries a comment: its source, or `assumption` (or `tuned`
# for calibrated values). The rule is the project's, and it is also the
# reader's protection: a result can be no better than the numbers that
# went in, and the comments say which numbers are guesses.
#
# ## Read it
#
# The cell below prints the file and copies it to a scratch folder, where
# this notebook changes it, writes what-ifs next to it and breaks it on
# purpose. To start a theatre of your own, copy it the same way and edit the
# copy.

# %%
import re
import subprocess
import sys
import tempfile

BASE_FILE = SCENARIOS / "teaching_port_city.toml"
PORT_CITY = BASE_FILE.read_text(encoding="utf-8")
print(PORT_CITY)

WORK = Path(tempfile.mkdtemp(prefix="my-theatre-"))
path = WORK / BASE_FILE.name
path.write_text(PORT_CITY, encoding="utf-8")
spec = load_scenario(path)  # raises ScenarioError if anything is wrong
print("valid:", spec.name, "-", spec.description)
print(
    len(spec.places),
    "places,",
    len(spec.roads),
    "roads,",
    len(spec.backers),
    "backers,",
    len(spec.groups),
    "group(s)",
)

# %% [markdown]
# ## Run it once

# %%
model = ProxyWarModel(spec, rng=3)
sim.viz.plots.plot_map(model)
plt.show()
model.run()
print(model.summary()["outcome"], "in week", model.summary()["end_week"])
for week, text in model.events_log[:15]:
    print(f"week {week:3d}: {text}")
sim.viz.plots.plot_front_timeline(model)
plt.show()
# %% [markdown]
# ## Run it many times
#
# A sweep of the new theatre works exactly as for Libya.

# %%
res = run_sweep([spec], reps=150, seed=1, workers=1, progress=False)
print(f"{res.total} runs in {res.elapsed:.1f} s")
display(res.summary.round(3))
sim.viz.plots.plot_front_fan(res.front, objective=spec.places[spec.front.objective].name)
plt.show()
# %% [markdown]
# ## A what-if that states only its change
#
# A what-if file names its parent with `extends` and adds or changes what it
# needs; tables are merged key by key, and `[[interventions]]` are appended
# to the parent's. Here: naval inspections that stop most of the regional
# power's sea shipments from week 8 (an `embargo` that applies to one
# backer). The file must sit next to its parent, since `extends` is a path
# relative to the what-if.

# %%
EMBARGO_WHAT_IF = """# ILLUSTRATIVE what-if for teaching_port_city.toml: naval inspections of the rebels'
# sea supply from week 8. Every number is an assumption.
extends = "teaching_port_city.toml"
name = "port_city_inspections"
description = "Illustrative what-if: naval inspections stop 60 % of the regional power's sea shipments from week 8"

[[interventions]]
type = "embargo"
description = "Naval inspections of the rebels' sea supply"
week = 8  # assumption
sea = 0.6  # assumption: share of sea shipments intercepted
backers = ["regional_power"]
"""

what_if = WORK / "port_city_inspections.toml"
what_if.write_text(EMBARGO_WHAT_IF, encoding="utf-8")
both = run_sweep([path, what_if], reps=150, seed=1, workers=1, progress=False)
display(both.summary.round(3))
sim.viz.plots.plot_outcome_probabilities(both.summary)
plt.show()
print(
    "intercepted (mean units per run):",
    both.runs.groupby("scenario")["intercepted"].mean().round(1).to_dict(),
)

# %% [markdown]
# The arms share their seeds (replicate *i* of both uses the same seed), so
# `sim.experiments.compare.compare(path, [what_if], ...)` would give the paired
# difference and its interval (notebook 3).
#
# ## Break it on purpose
#
# The loader checks every key against the schema and every reference
# between tables, and reports *all* problems at once, one line each:
# `FILE: key.path: expected ..., found ...`. Here are five typical mistakes:

# %%
mistakes = {
    "a typo in a key": ("fighters = 20000  # assumption", "fightres = 20000  # assumption"),
    "a word where a number belongs": (
        "morale = 0.65  # assumption",
        'morale = "high"  # assumption',
    ),
    "a road to a place that does not exist": (
        '["hodeidah", "bajil", 55]',
        '["hodeida", "bajil", 55]',
    ),
    "a share above 1": ("cohesion = 0.85  # assumption", "cohesion = 1.85  # assumption"),
    "a missing required key": (
        'holder = "REB"  # assumption: illustrative\nvalue = { population = 0.1 }  # assumption\n\n[places.bayt_al_faqih]',
        "value = { population = 0.1 }  # assumption\n\n[places.bayt_al_faqih]",
    ),
}
caught = {}
for what, (good, bad) in mistakes.items():
    assert good in PORT_CITY, good
    broken = WORK / "broken.toml"
    broken.write_text(PORT_CITY.replace(good, bad, 1), encoding="utf-8")
    try:
        load_scenario(broken)
        print(f"{what}: loaded without complaint?!")
    except ScenarioError as err:
        caught[what] = len(err.problems)
        print(f"{what}:")
        for line in err.problems:
            print("   ", line.replace(str(WORK) + "/", ""))

# %% [markdown]
# The command line does the same with `validate` (exit status 2 and one line
# per problem, no traceback), which is handy before a long sweep:

# %%
broken.write_text(PORT_CITY.replace("fighters = 16000", "fighters = -16000"), encoding="utf-8")
done = subprocess.run(
    [sys.executable, "-m", "sim.cli", "validate", str(path), str(broken)],
    capture_output=True,
    text=True,
)
print("exit status:", done.returncode)
print((done.stdout + done.stderr).replace(str(WORK) + "/", ""))

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
# **Exercise 1.** Add a place: a town called Zabid (open terrain, held by the rebels,
# `lon = 43.32`, `lat = 14.20`, population value 0.2, every number marked
# as an assumption) on a road of 25 km from Hays and 35 km from Bayt
# al-Faqih. Load it and run one war. Did the front distance at the start
# change? Why or why not?

# %%
# Exercise 1: your code here

# %% [markdown]
# <details><summary>Answer</summary>
#
# Add a `[places.zabid]` table and two roads to the `roads` array. The
# front distance at the start is the road distance from the port to the
# nearest place the attacker holds; Zabid is held by the rebels, so it
# changes the distance only if it opens a *shorter road* from a
# government-held place to the port: Hays–Zabid–Bayt al-Faqih is 60 km,
# the same as the direct road, so it does not (the worked solution prints
# both distances). What changes is the map
# the war is fought on: a new place on the front to take and hold.
#
# The worked solution is *Exercise 1* at the end of the notebook.
#
# </details>

# %% [markdown]
# **Exercise 2.** Delete the `home` line of the rebel faction and load the file. What does
# the message say, and where does it point?

# %%
# Exercise 2: your code here

# %% [markdown]
# <details><summary>Answer</summary>
#
# One line, naming the file and the key path `factions.REB.home`, saying
# that a value was expected and nothing was found (a required key). Keys
# with defaults (most of `[combat]`, for instance) can be left out;
# `home` cannot, because the model needs to know where each faction's
# defence is anchored.
#
# The worked solution is *Exercise 2* at the end of the notebook.
#
# </details>

# %% [markdown]
# **Exercise 3.** Write a second what-if in which the regional power walks away in week 12
# (an intervention of type `withdraw` with `backer = "regional_power"`)
# and compare it with the base theatre. Which way does the outcome
# distribution move?

# %%
# Exercise 3: your code here

# %% [markdown]
# <details><summary>Answer</summary>
#
# A withdrawal stops all the backer's channels from that week on (and
# recalls any group it pays; it pays none here). With the rebels'
# support gone, the government side should gain (stylised fact 2 in
# `docs/ODD.md`), and here it does: `victory:GOV`, which never happens in
# the base theatre's runs, happens in some runs of the what-if (the worked
# solution prints the shares), and ceasefires become rarer. Since the two
# sweeps share their seeds, `sim.experiments.compare.compare` would give the paired
# interval of that difference (notebook 3).
#
# The worked solution is *Exercise 3* at the end of the notebook.
#
# </details>

# %% [markdown]
# **Exercise 4.** How much do the results depend on one assumption? Sweep the base theatre
# with `combat.cover_urban` set to 1.0 and to 2.5 instead of the file's
# 1.5 (use `run_sweep(..., overrides={"combat.cover_urban": 1.0})`) and
# compare the chance that the port falls. (Run all three values with the
# same seeds and number of runs.)

# %%
# Exercise 4: your code here

# %% [markdown]
# <details><summary>Answer</summary>
#
# Urban cover divides the attacker's kill rate in towns, and the port is
# urban, so more cover should make it harder to take. In this theatre the
# port rarely falls at any of the three values: the government's victory
# stays rare and does not become more common as `cover_urban` grows (the
# worked solution prints the shares). So within this range the answer to
# "does the port fall?" does not hinge on this assumption; other
# assumptions (the forces, the contractors) may matter more. If an
# outcome swings widely over a plausible range of one assumption, the
# scenario's answer to any policy question is only as good as that
# assumption, which is what the `sensitivity` command measures
# systematically.
#
# The worked solution is *Exercise 4* at the end of the notebook.
#
# </details>

# %% [markdown]
# **Exercise 5.** Every number in the file says where it comes from. If you were to turn
# this illustrative theatre into a real one, which numbers would you try
# to source first, and where would you look?

# %%
# Exercise 5: your code here

# %% [markdown]
# <details><summary>Answer</summary>
#
# Those the outcome is most sensitive to and those that are checkable.
# Forces (fighters on each side) and the timing and size of the
# contractors' deployment: UN Panel of Experts reports, think-tank order
# of battle estimates, news reports. Distances and who held what on the
# start date: maps and dated news reports. Support channels: UN Panel
# reports on arms transfers, embargo monitoring. Behavioural parameters
# (morale, resolve, break points) can rarely be sourced directly; they
# are `tuned` so that the model reproduces known facts (when a town fell,
# casualty counts), which is what `docs/calibration.md` does for Libya.
# In this file there is nothing sourced yet: every line with a number says
# `assumption` (the worked solution counts them).
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
zabid = """
[places.zabid]
name = "Zabid"
lon = 43.32  # assumption: approximate
lat = 14.20  # assumption: approximate
terrain = "open"
holder = "REB"  # assumption: illustrative
value = { population = 0.2 }  # assumption
"""
text = (
    PORT_CITY.replace(
        '    ["bajil", "sanaa", 170],  # assumption\n',
        '    ["bajil", "sanaa", 170],  # assumption\n    ["hays", "zabid", 25],  # assumption\n    ["zabid", "bayt_al_faqih", 35],  # assumption\n',
    )
    + zabid
)
p2 = WORK / "port_city_zabid.toml"
p2.write_text(text, encoding="utf-8")
s2 = load_scenario(p2)
m2 = ProxyWarModel(s2, rng=3)
front_before, front_zabid = ProxyWarModel(spec, rng=3).front_km, m2.front_km
print(f"front at the start: {front_before:.0f} km before, {front_zabid:.0f} km with Zabid")
via_zabid = 25 + 35
direct = s2.roads[[tuple(r[:2]) for r in s2.roads].index(("hays", "bayt_al_faqih"))][2]
print(f"Hays to Bayt al-Faqih: {direct:g} km direct, {via_zabid} km through Zabid")
m2.run()
print(m2.summary()["outcome"], "in week", m2.summary()["end_week"])

# %% [markdown]
# **Exercise 2.**

# %%
broken.write_text(PORT_CITY.replace('home = "sanaa"  # assumption\n', ""), encoding="utf-8")
try:
    load_scenario(broken)
except ScenarioError as err:
    home_problems = [line.replace(str(WORK) + "/", "") for line in err.problems]
    print("\n".join(home_problems))

# %% [markdown]
# **Exercise 3.**

# %%
walk = WORK / "port_city_walkaway.toml"
walk.write_text(
    """
extends = "teaching_port_city.toml"
name = "port_city_walkaway"
description = "Illustrative what-if: the regional power withdraws in week 12"

[[interventions]]
type = "withdraw"
backer = "regional_power"
week = 12  # assumption
""",
    encoding="utf-8",
)
res_walk = run_sweep([walk], reps=150, seed=1, workers=1, progress=False)  # same seeds as `res`
walk_p = (
    pd.concat([res.summary, res_walk.summary])
    .pivot(index="scenario", columns="outcome", values="probability")
    .fillna(0.0)
)
walk_p.round(3)

# %% [markdown]
# **Exercise 4.**

# %%
rows = []
for cover in (1.0, 1.5, 2.5):
    r = run_sweep(
        [path], reps=100, seed=1, workers=1, progress=False, overrides={"combat.cover_urban": cover}
    )
    rows.append(
        {"cover_urban": cover, **r.summary.set_index("outcome")["probability"].round(3).to_dict()}
    )
covers = pd.DataFrame(rows).set_index("cover_urban").sort_index().fillna(0.0)
covers

# %% [markdown]
# **Exercise 5.**


# %%
def code_part(line):
    """The line without its quoted strings and its comment."""
    return re.sub(r'"[^"]*"', '""', line).split("#")[0]


numbered = [line for line in PORT_CITY.splitlines() if re.search(r"\d", code_part(line))]
assumed = [line for line in numbered if "assumption" in line.split("#", 1)[-1]]
print(f"{len(numbered)} lines assign a number; {len(assumed)} of them say 'assumption'")

# %% [markdown]
# ## Checks
#
# Each line below asserts a fact that the text of this notebook states, read
# from the results computed above. If a change to the model or the scenario
# file made the text wrong, this cell stops with the claim that no longer holds.

# %%
# Checks: the facts the text states, computed from this notebook's results.
checks = {
    "the library file loads and describes itself as illustrative": (
        spec.name == "teaching_port_city" and "Illustrative" in spec.description
    ),
    "each of the five mistakes is caught": len(caught) == len(mistakes),
    "the command line rejects the broken file with exit status 2": done.returncode == 2,
    "the inspections intercept shipments": (
        both.runs.groupby("scenario")["intercepted"].mean()["port_city_inspections"] > 0
    ),
    "exercise 1: Zabid leaves the front distance at the start unchanged": (
        front_before == front_zabid
    ),
    "exercise 1: the road through Zabid is as long as the direct road": via_zabid == direct,
    "exercise 2: one message, naming factions.REB.home, a required key": (
        len(home_problems) == 1
        and "factions.REB.home" in home_problems[0]
        and "required" in home_problems[0]
    ),
    "exercise 3: the government never wins in the base theatre": (
        walk_p.loc["teaching_port_city", "victory:GOV"] == 0
    ),
    "exercise 3: it wins in some runs once the regional power walks away": (
        walk_p.loc["port_city_walkaway", "victory:GOV"] > 0
    ),
    "exercise 3: ceasefires become rarer": (
        walk_p.loc["port_city_walkaway", "ceasefire"]
        < walk_p.loc["teaching_port_city", "ceasefire"]
    ),
    "exercise 4: the port rarely falls at any cover": bool((covers["victory:GOV"] <= 0.05).all()),
    "exercise 4: and not more often with more cover": bool(
        (covers["victory:GOV"].diff().dropna() <= 0).all()
    ),
    "exercise 5: every line with a number says assumption": (
        len(numbered) > 0 and len(assumed) == len(numbered)
    ),
}
failed = [claim for claim, holds in checks.items() if not holds]
assert not failed, f"the text says, but the results do not show: {failed}"
print(f"all {len(checks)} checks hold")
