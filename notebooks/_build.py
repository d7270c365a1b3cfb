"""Generate the teaching notebooks from plain Python, so they are easy to review and edit.

Why a generator: a notebook's JSON is awkward to diff and to edit by hand; here
each notebook is a list of markdown and code cells in ordinary strings, with
the exercises kept next to their answers and worked solutions. Run

    .venv/bin/python notebooks/_build.py            # write every notebook
    .venv/bin/python notebooks/_build.py 01 05      # only those whose name starts so

The notebooks are written with cleared outputs and no execution counts (the
repository keeps them that way; tests/test_notebooks.py checks it).
"""

from __future__ import annotations

import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent


def md(text: str) -> nbformat.NotebookNode:
    """A markdown cell (text dedented and stripped)."""
    return nbformat.v4.new_markdown_cell(textwrap.dedent(text).strip())


def code(text: str) -> nbformat.NotebookNode:
    """A code cell (text dedented and stripped)."""
    return nbformat.v4.new_code_cell(textwrap.dedent(text).strip())


@dataclass
class Exercise:
    """A question, the answer shown in a collapsible block, and runnable worked code."""

    question: str
    answer: str
    solution: str = ""


def exercises(items: list[Exercise]) -> list[nbformat.NotebookNode]:
    """The exercise section, then a worked-solutions section that runs the answers' code.

    Why both: the collapsible answer says what to look for and why; the worked
    code at the end computes it in this notebook, so an answer never states a
    number the model did not produce.
    """
    cells = [
        md(
            """
            ## Exercises

            Try each one in the empty cell below it, then open **Answer**. Answers
            that need a computation point to the *Worked solutions* at the end of
            the notebook, which compute them here (the model's Libya calibration
            is still being tuned, so the numbers you get are the ones that count).
            """
        )
    ]
    for i, ex in enumerate(items, 1):
        cells.append(md(f"**Exercise {i}.** " + textwrap.dedent(ex.question).strip()))
        cells.append(code(f"# Exercise {i}: your code here"))
        answer = textwrap.dedent(ex.answer).strip()
        if ex.solution:
            answer += f"\n\nThe worked solution is *Exercise {i}* at the end of the notebook."
        cells.append(md(f"<details><summary>Answer</summary>\n\n{answer}\n\n</details>"))
    cells.append(
        md(
            """
            ## Worked solutions

            Run these after you have tried the exercises.
            """
        )
    )
    for i, ex in enumerate(items, 1):
        if ex.solution:
            cells.append(md(f"**Exercise {i}.**"))
            cells.append(code(ex.solution))
    return cells


SETUP = '''
# Setup: find the repository (the folder that holds scenarios/) and import the model.
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import sim
import sim.analysis
import sim.plots
from sim import ProxyWarModel, ScenarioError, load_scenario
from sim.sweep import run_sweep

# sim.plots selects matplotlib's file-only "Agg" backend when imported (the command
# line writes PNG files); this line brings back inline figures in the notebook.
%matplotlib inline


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
'''


def notebook(cells: list[nbformat.NotebookNode]) -> nbformat.NotebookNode:
    """A notebook with the project's kernel metadata and no outputs."""
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    return nb


# ---------------------------------------------------------------------------------------
# 1. Anatomy of a proxy war
# ---------------------------------------------------------------------------------------


def nb01() -> list[nbformat.NotebookNode]:
    """One Libya replication, taken apart: map, front, support, mercenaries."""
    cells = [
        md(
            """
            # 1. Anatomy of a proxy war: one Libya 2019 replication

            On 4 April 2019 Khalifa Haftar's **Libyan National Army (LNA)** launched an
            offensive on Tripoli, the seat of the UN-recognised **Government of National
            Accord (GNA)**. Both sides were kept going from abroad: the UAE, Egypt, France
            and Russia behind the LNA; Turkey, Qatar and Italy behind the GNA; Russian
            contractors of the Wagner Group and Sudanese fighters on the LNA side. By
            December 2019 the offensive had stalled in Tripoli's southern suburbs, both
            sides dug in and shelling each other (AP, 5 December 2019, the article in
            `seed/`).

            This notebook runs **one** simulated history of that war and takes it apart.

            **Learning goals.** After this notebook you can

            - read a scenario: the map, the factions, who backs whom through which
              support channel, and the mercenary groups;
            - run one replication week by week with `ProxyWarModel` and read its weekly
              record (the Mesa `datacollector`);
            - explain the *front distance* and why the model measures it along roads;
            - trace support from a backer to its client (with delivery lags) and find
              where the mercenaries fight;
            - say what a single run can and cannot tell you.

            Run the cells top to bottom (*Run → Run All Cells*); it takes a few seconds.
            """
        ),
        code(SETUP),
        md(
            """
            ## The theatre

            A scenario is a TOML file in `scenarios/`. Every number in it carries a
            comment saying where it comes from or that it is an *assumption*. Load the
            flagship scenario and build a model from it with a seed. Building the model
            does not run it: `model` is the war on the day the offensive began.
            """
        ),
        code(
            """
            spec = load_scenario(SCENARIOS / "libya_2019.toml")
            print(spec.name, "-", spec.description)
            print("starts", spec.start_date, "| horizon", spec.horizon_weeks, "weeks, to", spec.date_of(spec.horizon_weeks))
            print("contested objective:", spec.places[spec.front.objective].name, "| attacker:", spec.front.attacker)

            model = ProxyWarModel(spec, rng=0)  # week 0: the same for every seed
            th = model.theatre
            obj = th.ids.index(spec.front.objective)
            places = pd.DataFrame(
                {
                    "place": [p.name for p in th.places],
                    "terrain": [p.terrain for p in th.places],
                    "held by": th.holder,
                    "km from objective by road": th.dist[obj].round(0),
                },
                index=th.ids,
            ).sort_values("km from objective by road")
            places
            """
        ),
        md(
            """
            The map is a network of places joined by roads (a Mesa `Network`): fighting
            in Libya followed the roads between towns. The **front line** is the set of
            roads whose two ends are held by different factions (red dashes below), and
            the **front distance** is the road distance from the contested objective
            (central Tripoli, the star) to the nearest place the attacker holds. When
            the LNA takes a suburb closer to the centre, the front distance falls.
            """
        ),
        code(
            """
            print(f"front distance at the start: {model.front_km:.0f} km")
            sim.plots.plot_map(model);
            """
        ),
        md(
            """
            ## The actors

            **Factions** fight. Their fighters, quality, morale and equipment set their
            combat power; their *posture* (attack, hold, seek talks) is their weekly
            choice.
            """
        ),
        code(
            """
            factions = pd.DataFrame(
                {
                    fid: {
                        "name": f.name,
                        "fighters": f.fighters,
                        "quality": f.quality,
                        "morale": f.morale,
                        "drones": f.drones,
                        "air defence": f.air_defence,
                        "objective": ", ".join(spec.places[p].name for p in f.objective),
                        "posture at start": f.posture,
                    }
                    for fid, f in spec.factions.items()
                }
            )
            factions
            """
        ),
        md(
            """
            **Foreign backers** do not fight; they keep their client going through
            *support channels*: funds (MUSD), arms (an equipment index), drones and
            air-defence units, advisers (people). Each channel has a weekly amount, a
            delivery lag and a route (sea, air, land) that an embargo may interdict.
            This is the principal–agent relation of Salehyan (2010): a backer buys a
            war it does not have to fight, but it does not control how its client
            fights it.
            """
        ),
        code(
            """
            supply = pd.DataFrame(
                [
                    {
                        "backer": b.name,
                        "client": b.client,
                        "channel": ch,
                        "amount a week": c.amount,
                        "lag (weeks)": c.lag_weeks,
                        "route": c.route,
                        "from week": c.start_week,
                    }
                    for b in spec.backers.values()
                    for ch, c in b.channels.items()
                ]
            )
            # who supplies what to whom: backers as rows, channels as columns (weekly amounts)
            supply.pivot_table(index=["client", "backer"], columns="channel", values="amount a week", fill_value=0)
            """
        ),
        md(
            """
            **Mercenary groups** are contracted forces: a backer pays them, they fight
            for a faction, and they leave when unpaid, bled or recalled. A group's
            fighters count only *where it is deployed*: at its faction's main effort
            (`"front"`) or at a named place.
            """
        ),
        code(
            """
            groups = pd.DataFrame(
                {
                    gid: {
                        "name": g.name,
                        "fights for": g.faction,
                        "paid by": spec.backers[g.payer].name,
                        "size": g.size,
                        "quality": g.quality,
                        "pay (USD/week)": g.pay_per_fighter,
                        "arrives": g.arrival,
                        "deployed": g.deployed,
                    }
                    for gid, g in spec.groups.items()
                }
            )
            groups
            """
        ),
        code(
            """
            # The same information as a picture: who supplies what to whom.
            fig, ax = plt.subplots(figsize=(9, 5.5))
            backers = list(spec.backers.items())
            fy = {fid: y for fid, y in zip(spec.factions, (0.75, 0.25))}
            for k, (bid, b) in enumerate(backers):
                y = 1 - (k + 0.5) / len(backers)
                ax.annotate("", xy=(0.72, fy[b.client]), xytext=(0.25, y),
                            arrowprops={"arrowstyle": "->", "color": "0.5"})
                ax.text(0.23, y, b.name, ha="right", va="center", fontsize=9)
                ax.text(0.27, y + 0.015, ", ".join(b.channels), fontsize=7, color="tab:blue")
            for gid, g in spec.groups.items():
                y = fy[g.faction] + (0.12 if gid == "wagner" else -0.12)
                ax.text(0.98, y, f"{g.name}\\n(paid by {spec.backers[g.payer].name})",
                        ha="right", va="center", fontsize=8, color="tab:red")
                ax.annotate("", xy=(0.78, fy[g.faction]), xytext=(0.82, y),
                            arrowprops={"arrowstyle": "->", "color": "tab:red"})
            for fid, y in fy.items():
                ax.text(0.75, y, fid, ha="center", va="center", fontsize=14, weight="bold",
                        bbox={"boxstyle": "round", "fc": "0.92"})
            ax.set_axis_off()
            ax.set_title("Support channels (blue) and mercenary groups (red)")
            plt.show()
            """
        ),
        md(
            """
            ## Choosing a run to dissect

            Every seed gives a different war from this same starting point. To have
            something to look at, we pick an *eventful* one: the first seed whose
            offensive gets within 20 km of the centre and whose war is still going on
            5 December 2019, the date of the AP article. That is cherry-picking: fine
            for taking a war apart, wrong as evidence of what is likely (notebook 2).
            """
        ),
        code(
            """
            import datetime as dt

            def eventful(seed):
                m = ProxyWarModel(spec, rng=seed, collect=False).run()
                return min(m.front_series) <= 20 and m.summary()["end_week"] >= spec.week_of(dt.date(2019, 12, 5))

            SEED = next((s for s in range(40) if eventful(s)), 0)
            print("seed:", SEED)
            """
        ),
        md(
            r"""
            ## How a week of war works

            Each step of the model is one week, in this order (`docs/ODD.md`, section 3):

            1. interventions that are due fire (sanctions, withdrawals, ...);
            2. **backers** decide their support level and ship support;
            3. shipments due this week **arrive** (after their lag);
            4. **mercenary groups** are paid, then deploy, stay or leave;
            5. **factions** pay their fighters and choose a posture;
            6. **combat** on the front line: places may change hands;
            7. morale, stocks and the front distance are updated;
            8. the war may **end**: victory, collapse, or a ceasefire that holds;
            9. the weekly data are recorded.

            Combat uses **Lanchester's square law** (Lanchester 1916) at every attacked
            place: with $x$ attackers and $y$ defenders,
            $\dot x = -\beta y$ and $\dot y = -\alpha x$, where the kill rates $\alpha$
            and $\beta$ grow with quality, morale and air power (drones against air
            defence) and the attacker's is divided by the cover of the terrain (towns
            shelter defenders) and by dug-in fortifications. A place changes hands when
            its defence *breaks*: the defenders lose more than a set share of their
            strength in the week while the attackers do not. Lognormal noise on each
            side's effectiveness makes every week a gamble.

            Now run the war, week by week, keeping a record of where each mercenary
            group is and where the fighting happened.
            """
        ),
        code(
            """
            model = ProxyWarModel(spec, rng=SEED)
            th = model.theatre
            merc_rows, fought = [], {}
            while model.running:
                model.step()
                fought[model.week] = {th.places[e.place].name for e in model.engagements}
                for g in model.groups:
                    at = th.places[g.location].name if g.active and g.location is not None else "-"
                    merc_rows.append(
                        {"week": model.week, "date": model.date, "group": g.gid, "status": g.status,
                         "fighters": round(g.fighters), "at": at, "arrears": g.arrears}
                    )
            mercs = pd.DataFrame(merc_rows)
            weekly = model.datacollector.get_model_vars_dataframe()
            summary = model.summary()
            print(f"outcome: {summary['outcome']} in week {summary['end_week']} ({summary['end_date']})")
            print(f"front at the end: {summary['front_km']:.0f} km; closest approach: {summary['min_front_km']:.0f} km")
            print(f"casualties (all sides): {summary['casualties']:.0f}; stalemate weeks: {summary['stalemate_weeks']}")
            """
        ),
        md(
            """
            The run's *events log* lists captures, ceasefires, vetoes and interventions,
            week by week:
            """
        ),
        code(
            """
            for week, text in model.events_log[:25]:
                print(spec.date_of(week), f"(week {week:3d})", text)
            if len(model.events_log) > 25:
                print("...", len(model.events_log) - 25, "more")
            """
        ),
        md(
            """
            ## The front over time

            The black line is the front distance; grey bands are *stalemate weeks*
            (the front moved less than 5 km over the last 8 weeks), green bands a
            ceasefire, red ticks captures.
            """
        ),
        code("sim.plots.plot_front_timeline(model);"),
        md(
            """
            The weekly record has one row per week (week 0 is the start) and a column
            for each series the model collects. Here are the two factions' strength,
            morale, territory and losses:
            """
        ),
        code(
            """
            dates = pd.to_datetime(weekly["date"])
            fig, axes = plt.subplots(2, 2, figsize=(11, 6), sharex=True, layout="constrained")
            for (col, title), ax in zip(
                [("fighters", "fighters"), ("morale", "morale"), ("places", "places held"), ("casualties", "casualties (cumulative)")],
                axes.ravel(),
            ):
                for fid in spec.factions:
                    ax.plot(dates, weekly[f"{col}_{fid}"], label=fid)
                ax.set_title(title, fontsize=10)
                ax.grid(alpha=0.3)
            axes[0, 0].legend()
            fig.autofmt_xdate()
            plt.show()
            weekly[["date", "front_km", "stalemate", "fighters_LNA", "fighters_GNA", "morale_LNA", "morale_GNA"]].iloc[::8]
            """
        ),
        md(
            """
            ## Who supplied what to whom

            What a backer *ships* this week reaches the client only after the channel's
            lag, and only if the shipment is not intercepted. The weekly record holds
            what each faction *received* by channel; summed up:
            """
        ),
        code(
            """
            channels = ["funds", "arms", "drones", "air_defence", "advisers"]
            received = pd.DataFrame(
                {fid: {ch: weekly[f"support_{fid}_{ch}"].sum() for ch in channels} for fid in spec.factions}
            ).round(1)
            print("delivered over the whole run (funds in MUSD, arms as an index, drones and air defence in units, advisers in people)")
            display(received)

            fig, axes = plt.subplots(1, 3, figsize=(12, 3.2), layout="constrained")
            for ax, ch in zip(axes, ["arms", "drones", "advisers"]):
                for fid in spec.factions:
                    ax.plot(dates, weekly[f"support_{fid}_{ch}"].cumsum(), label=fid)
                ax.set_title(f"{ch} delivered (cumulative)", fontsize=10)
                ax.grid(alpha=0.3)
            axes[0].legend()
            fig.autofmt_xdate()
            plt.show()

            # each backer at the end: its support level (1 = its scenario amounts), resolve, spending
            pd.DataFrame(
                {b.name: {"client": b.client.fid, "level": round(b.level, 2), "resolve": round(b.resolve, 2),
                          "spent (MUSD)": round(b.spent, 1), "withdrawn": b.withdrawn}
                 for b in model.backers}
            ).T
            """
        ),
        md(
            """
            A backer's *level* rises above 1 when its client loses ground or a rival
            backer escalates (competitive escalation, Salehyan, Gleditsch & Cunningham
            2011): notebook 4 looks at that.

            ## Where the mercenaries are

            The UN Panel of Experts (2020) described Wagner's snipers and specialists as
            a force multiplier *where they were deployed*. In the model a group adds its
            fighters (at its own quality) only to the engagement at its location. Wagner
            is stationed at the LNA's main effort; the Sudanese fighters guard the Jufra
            air base, 570 km from Tripoli by road, which touches the front only through
            the desert road from GNA-held Sirte.
            """
        ),
        code(
            """
            fig, ax = plt.subplots(figsize=(9, 3.2))
            for gid, sub in mercs.groupby("group"):
                ax.plot(pd.to_datetime(sub["date"]), sub["fighters"], label=spec.groups[gid].name)
            ax.set_ylabel("fighters in theatre")
            ax.legend()
            ax.grid(alpha=0.3)
            plt.show()

            # where each group was, month by month (the place where it was most often that month)
            mercs["month"] = pd.to_datetime(mercs["date"]).dt.to_period("M")
            active = mercs[mercs["at"] != "-"]
            print(active.groupby(["month", "group"])["at"].agg(lambda s: s.mode()[0]).unstack())
            for g in model.groups:
                print(f"{g.name}: status {g.status}, losses {g.losses:.0f}, left because: {g.leave_reason or '(did not leave)'}")
            """
        ),
        md("## The map at the end"),
        code("sim.plots.plot_map(model);"),
        md(
            """
            ## What one run tells you, and what it does not

            One run is *one* history the model can produce. It shows the mechanisms at
            work: a front that moves and stalls, support that arrives late, contractors
            who come and go. It does **not** tell you how likely that history is. A
            different seed gives a different war from the same starting point, and
            the questions analysts ask ("how likely is it that Tripoli falls within a
            year?") need many runs. That is notebook 2.
            """
        ),
    ]
    cells += exercises(
        [
            Exercise(
                """
                In this run, on what date did the LNA come closest to central Tripoli,
                and how close? Compare with the BRIEF's distances (Ain Zara front about
                15 km, the old airport about 25 km from the centre).
                """,
                """
                Look for the smallest `front_km` in the weekly record:
                `weekly.loc[weekly["front_km"].idxmin(), ["date", "front_km"]]`
                (`idxmin` returns the *first* week it was reached). The distances the
                model can report are road distances from central Tripoli to places on
                the map, so the answer is one of the values in the `places` table
                above (for example 15 km for Ain Zara or 26 km for the old airport,
                which is 16 + 10 km by the roads in the scenario).
                """,
                """
                closest = weekly.loc[weekly["front_km"].idxmin()]
                print(f"closest approach: {closest['front_km']:.0f} km on {closest['date']} (week {closest['week']})")
                print(places[places["km from objective by road"] == closest["front_km"]])
                """,
            ),
            Exercise(
                """
                Which faction received more drones over the run, and from which
                backers? When did the first drones reach the GNA, and why not in
                April 2019?
                """,
                """
                The `supply` table says who sends drones: the UAE to the LNA and
                Turkey to the GNA. Turkey's channels open at `from week` 6 (the first
                Turkish TB2s arrived in May 2019, per the scenario's comments) and the
                drones take `lag (weeks)` more to arrive, so the GNA's first delivery
                comes weeks after the LNA's. The totals are in the `received` table;
                which side got more depends on how far each backer raised its level
                in this run.
                """,
                """
                print(supply[supply["channel"] == "drones"])
                print(received.loc["drones"])
                first = {fid: weekly.loc[weekly[f"support_{fid}_drones"] > 0, "date"].min() for fid in spec.factions}
                print("first drones delivered:", first)
                """,
            ),
            Exercise(
                r"""
                Lanchester's square law by hand. Two forces of equal quality fight
                until one is destroyed: 1,000 attackers against 800 defenders in open
                terrain ($\alpha = \beta$). How many attackers survive? Now put the
                defenders in a town whose cover divides the attacker's kill rate by
                2.5 (the Libya scenario's `cover_urban`). How many attackers do they
                need to win?
                """,
                r"""
                The square law conserves $\alpha x^2 - \beta y^2$. With $\alpha = \beta$
                the attackers end with $\sqrt{1000^2 - 800^2} = 600$ survivors: the
                larger force loses only 400 fighters, which is why concentration pays
                under aimed fire. In the town $\alpha = \beta/2.5$; the attackers win
                when $\alpha x^2 > \beta y^2$, that is when $x/y > \sqrt{2.5} \approx
                1.58$: about 1,265 attackers against 800. The model adds fortification,
                air power and noise on top, and a place changes hands at a breakpoint
                long before anyone is wiped out, but the arithmetic of terrain is the
                same.
                """,
                r"""
                x0, y0 = 1000, 800
                print("open terrain, survivors:", np.sqrt(x0**2 - y0**2))
                cover = 2.5
                print("urban: attackers needed against 800:", np.ceil(y0 * np.sqrt(cover)))
                """,
            ),
            Exercise(
                """
                Did Wagner and the Sudanese fighters ever fight in this run? Count the
                weeks in which each group was active at a place where an engagement
                took place (`fought[week]` is the set of places fought over in that
                week). Why does the model treat a deployment as a *local* force
                multiplier rather than adding the contractors to the LNA's total?
                """,
                """
                Wagner follows the LNA's main effort: it fights in the weeks when the
                LNA attacks, or when the GNA attacks the place where it stands; in weeks
                when the LNA regroups and nobody attacks there, it does not fight. The
                Sudanese guard Jufra, which is on the front only through the long desert
                road from Sirte, so they fight only in weeks when the GNA attacks Jufra,
                and never near Tripoli. Compare the two counts in the worked solution.
                That is the point of the UN Panel's description of Wagner (BRIEF,
                stylised fact 3): a few hundred specialists change the balance of the
                engagement they join, not the war as a whole, and the same contractors
                stationed elsewhere add nothing to the fight for the capital.
                """,
                """
                in_combat = (
                    mercs[mercs["at"] != "-"]
                    .assign(fighting=lambda d: [at in fought.get(w, set()) for w, at in zip(d["week"], d["at"])])
                    .groupby("group")["fighting"].agg(["sum", "size"])
                    .rename(columns={"sum": "weeks in combat", "size": "weeks in theatre"})
                )
                in_combat
                """,
            ),
            Exercise(
                """
                Run the same scenario with five other seeds (say 1 to 5). What stays
                the same from run to run, and what changes?
                """,
                """
                The starting map, forces, support channels and contracts are the same
                in every run: they come from the scenario. What changes is everything
                that depends on the weekly draws: which assaults break through, when
                the front stalls, whether a ceasefire is agreed and holds, whether the
                contractors bleed and leave, and so how and when the war ends. You will
                typically see different outcomes among only five runs, which is why
                notebook 2 runs hundreds.
                """,
                """
                rows = []
                for seed in range(1, 6):
                    m = ProxyWarModel(spec, rng=seed)
                    m.run()
                    s = m.summary()
                    rows.append({"seed": seed, "outcome": s["outcome"], "end": s["end_date"],
                                 "closest km": s["min_front_km"], "casualties": s["casualties"],
                                 "Wagner left because": s["left_wagner"] or "-"})
                pd.DataFrame(rows)
                """,
            ),
        ]
    )
    return cells


# ---------------------------------------------------------------------------------------
# 2. Chance and probability
# ---------------------------------------------------------------------------------------


def nb02() -> list[nbformat.NotebookNode]:
    """Why one run proves nothing; replications, probabilities with intervals, how many runs."""
    cells = [
        md(
            """
            # 2. Chance and probability: why one run proves nothing

            A war is not a machine that always gives the same answer. The model makes
            every week's fighting, every interdicted shipment and every ceasefire a
            draw from a random generator, because the real outcomes depend on many
            things nobody can know in advance. So a single simulated history is an
            anecdote. The model's answers are **distributions**: the share of many
            seeded runs (*replications*) that end one way or another, with an interval
            that says how precisely that share is known.

            **Learning goals.** After this notebook you can

            - explain what a seed is and why the same seed reproduces a run exactly;
            - run a Monte Carlo sweep with `run_sweep` and read its outcome table;
            - read a 95 % Wilson interval for an outcome probability, and say why it is
              preferred to "estimate ± 1.96 standard errors" near 0 and 1;
            - show that the interval narrows roughly as $1/\\sqrt{n}$, and work out how
              many runs a question needs;
            - tell apart the spread of the war across runs (the fan chart) from the
              uncertainty about a probability (the interval).

            It takes well under a minute to run.
            """
        ),
        code(SETUP),
        md(
            """
            ## Same seed, same war

            `ProxyWarModel(scenario, rng=seed)` is a Mesa model; all its randomness
            comes from generators derived from `rng`. The same seed gives exactly the
            same war, on any machine, in a notebook or on the command line.
            """
        ),
        code(
            """
            LIBYA = SCENARIOS / "libya_2019.toml"
            spec = load_scenario(LIBYA)

            a = ProxyWarModel(spec, rng=7).run()
            b = ProxyWarModel(spec, rng=7).run()
            c = ProxyWarModel(spec, rng=8).run()
            print("seed 7 twice, identical front lines:", a.front_series == b.front_series)
            print("seed 7:", a.summary()["outcome"], "in week", a.summary()["end_week"])
            print("seed 8:", c.summary()["outcome"], "in week", c.summary()["end_week"])
            """
        ),
        md(
            """
            ## Twelve wars from the same start

            Twelve seeds, twelve histories. Each line is one run's front distance (km
            from central Tripoli to the nearest LNA-held place); a line stops when that
            war ended.
            """
        ),
        code(
            """
            fig, ax = plt.subplots(figsize=(10, 4))
            endings = []
            for seed in range(12):
                m = ProxyWarModel(spec, rng=seed, collect=False).run()
                s = m.summary()
                endings.append({"seed": seed, "outcome": s["outcome"], "end week": s["end_week"]})
                ax.step([spec.date_of(w) for w in range(1, len(m.front_series) + 1)], m.front_series,
                        where="post", alpha=0.7)
            ax.set_ylabel("front distance (km)")
            ax.set_ylim(bottom=0)
            ax.grid(alpha=0.3)
            ax.set_title("Front line in 12 replications of libya_2019")
            plt.show()
            endings = pd.DataFrame(endings)
            print(endings["outcome"].value_counts().to_string())
            """
        ),
        md(
            """
            Ask "does Tripoli hold?" of any one of these runs and you get a yes or a
            no. Ask it of all of them and you get a *share*, which is an estimate of a
            probability. Twelve runs are far too few to pin it down.

            ## A sweep: hundreds of replications

            `run_sweep` runs `reps` replications of each scenario. Replicate *i* gets
            its seed from the root `seed` through numpy's `SeedSequence`, the same for
            every scenario of the sweep (so scenarios are compared on the same luck).
            With `out=None` the results go to a temporary folder; give `out="results/x"`
            to keep the CSV files, figures and report. `workers=1` runs in this
            process; more workers use more cores with identical results.
            """
        ),
        code(
            """
            REPS = 200
            res = run_sweep([LIBYA], reps=REPS, seed=2019, workers=1, progress=False)
            print(f"{res.total} runs in {res.elapsed:.1f} s")
            res.summary
            """
        ),
        md(
            """
            Each row is an outcome: `runs` ended that way out of `total`,
            `probability` is the share, and `ci_low`–`ci_high` is its **95 % Wilson
            interval** (computed with `scipy.stats.binomtest`). Read it as: *if the
            model is right, the probability of this outcome is very probably between
            these bounds; more runs would narrow them.* It is a statement about the
            model, not about Libya.
            """
        ),
        code("sim.plots.plot_outcome_probabilities(res.summary);"),
        md(
            """
            ### Never seen is not impossible

            An outcome that never occurred in the runs still has a Wilson interval with
            a positive upper bound (roughly 3.8/n for n runs at zero). The
            textbook interval "p ± 1.96·√(p(1−p)/n)" would say [0, 0]: certainty from
            ignorance. This is why the project uses Wilson intervals, which stay inside
            [0, 1] and keep their coverage near 0 and 1.
            """
        ),
        code(
            """
            # ask for every faction's victory, observed or not
            labels = [f"victory:{fid}" for fid in spec.factions] + ["ceasefire", "stalemate"]
            table = sim.analysis.outcome_summary(res.runs, outcomes=labels)
            p, n = table["probability"], table["total"]
            table["wald_low"] = (p - 1.96 * np.sqrt(p * (1 - p) / n)).clip(lower=0)
            table["wald_high"] = (p + 1.96 * np.sqrt(p * (1 - p) / n)).clip(upper=1)
            table[["outcome", "runs", "total", "probability", "ci_low", "ci_high", "wald_low", "wald_high"]].round(3)
            """
        ),
        md(
            """
            ## Watching an estimate settle

            Take one outcome and add the runs one at a time: the estimate jumps about
            at first and settles as runs accumulate, and its interval closes in around
            it. (We follow the most common decisive outcome, a victory if there is one.)
            """
        ),
        code(
            """
            runs = res.runs.sort_values("replicate").reset_index(drop=True)
            counts = runs["outcome"].value_counts()
            victories = [o for o in counts.index if o.startswith("victory:")]
            TARGET = victories[0] if victories else counts.index[0]
            hit = (runs["outcome"] == TARGET).to_numpy()

            n = np.arange(1, len(hit) + 1)
            k = np.cumsum(hit)
            est = k / n
            band = np.array([sim.analysis.wilson(int(kk), int(nn)) for kk, nn in zip(k, n)])

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
            """
        ),
        md(
            r"""
            ## The interval narrows as $1/\sqrt{n}$

            The half-width of the interval is roughly $1.96\sqrt{p(1-p)/n}$: to halve
            it you need **four times** as many runs. Check it on the runs above, taking
            the first 10, 20, 40, ... of them:
            """
        ),
        code(
            """
            sizes = [10, 25, 50, 100, 200]
            rows = []
            for m_ in sizes:
                kk = int(hit[:m_].sum())
                lo, hi = sim.analysis.wilson(kk, m_)
                rows.append({"runs": m_, "estimate": kk / m_, "ci_low": lo, "ci_high": hi, "half_width": (hi - lo) / 2})
            widths = pd.DataFrame(rows)
            display(widths.round(3))

            fig, ax = plt.subplots(figsize=(6, 4))
            ax.loglog(widths["runs"], widths["half_width"], "o-", label="Wilson half-width")
            ref = widths["half_width"].iloc[0] * np.sqrt(widths["runs"].iloc[0] / widths["runs"])
            ax.loglog(widths["runs"], ref, "k--", lw=0.8, label=r"$\\propto 1/\\sqrt{n}$")
            ax.set_xlabel("runs")
            ax.set_ylabel("half-width of the 95 % interval")
            ax.legend()
            ax.grid(alpha=0.3, which="both")
            plt.show()
            """
        ),
        md(
            """
            ## How many runs does a question need?

            Decide first how precise the answer must be. "Is it closer to 10 % or to
            50 %?" needs a half-width of about 0.1; "did the policy move it by 3
            points?" needs far more. The smallest number of runs that gives a chosen
            half-width (worst case at p = 0.5, and at this sweep's estimate):
            """
        ),
        code(
            """
            def runs_needed(p, half_width):
                \"\"\"Smallest n whose Wilson interval at estimate p is no wider than +-half_width.\"\"\"
                def width(n):
                    lo, hi = sim.analysis.wilson(round(p * n), n)
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
            """
        ),
        md(
            """
            A comparison of two policies is a different question: the precision needed
            is that of the *difference* between two probabilities. Notebook 3 shows how
            pairing the runs (the same seeds for both policies) makes that far cheaper
            than two independent sweeps.

            ## Spread is not uncertainty

            The fan chart shows how the front line is *spread across runs*: the median
            and the bands holding 50 % and 90 % of the runs, week by week. That spread
            is a property of the war the model describes, and more runs will not make
            it narrower; they only draw its edges more sharply. The interval of an
            outcome probability, by contrast, is uncertainty *about a number*, and it
            shrinks with more runs.
            """
        ),
        code('sim.plots.plot_front_fan(res.front, objective="central Tripoli");'),
        md(
            """
            ## When do wars end?

            The survival curve is the share of runs still at war each week (runs that
            reach the horizon undecided are *censored* there); the other panels show
            how the share of runs that ended each way accumulates. Compare with
            stylised fact 5 (Kreutz 2010): victories cluster early, long wars end more
            often by settlement or fade than by victory.
            """
        ),
        code("sim.plots.plot_survival(res.survival);"),
    ]
    cells += exercises(
        [
            Exercise(
                """
                Suppose you had run only 10 replications (use `run_sweep` with
                `reps=10` and another root seed, say `seed=1`). What estimate and
                interval do you get for the outcome `TARGET`? Does the interval
                contain the 200-run estimate? How wide is it?
                """,
                """
                With 10 runs the estimate can only be 0, 0.1, 0.2, ... and its Wilson
                interval spans tens of percentage points (for a probability near 0.3
                it runs from about 0.1 to about 0.6). It will usually, but not always,
                contain the 200-run estimate: a 95 % interval misses about one time in
                twenty. Ten runs can tell "rare" from "common", nothing finer.
                """,
                """
                small = run_sweep([LIBYA], reps=10, seed=1, workers=1, progress=False)
                row = small.summary.set_index("outcome").reindex([TARGET]).fillna({"runs": 0, "probability": 0.0})
                k10 = int(row["runs"].iloc[0])
                lo, hi = sim.analysis.wilson(k10, 10)
                print(f"10 runs: {k10}/10 = {k10/10:.1f}, 95 % interval [{lo:.3f}, {hi:.3f}] (width {hi - lo:.3f})")
                print(f"{REPS} runs: {est[-1]:.3f}; inside the 10-run interval: {lo <= est[-1] <= hi}")
                """,
            ),
            Exercise(
                """
                A colleague ran 20 replications of some what-if, saw the capital fall
                in none of them, and wrote "the capital does not fall". What can you
                honestly say instead?
                """,
                """
                That 0 of 20 is consistent with a probability anywhere from 0 up to
                about 16 % (the upper end of the Wilson interval for 0/20, computed in
                the worked solution). A one-in-seven chance that the capital falls is
                hardly "does not fall". To claim it falls in fewer than 2 % of cases,
                you need of the order of 200 runs without a single fall.
                """,
                """
                print("0/20:", sim.analysis.wilson(0, 20))
                for n_ in (50, 100, 200, 400):
                    print(f"0/{n_}: upper bound {sim.analysis.wilson(0, n_)[1]:.4f}")
                """,
            ),
            Exercise(
                """
                Using the `widths` table, check the rule "four times the runs, half
                the width": compare the half-width at 50 runs with the one at 200.
                """,
                """
                The ratio comes out close to 2 (not exactly: the estimate itself moves
                a little between 50 and 200 runs, and so does p(1−p)). That is the
                $1/\\sqrt{n}$ law: precision is expensive, each extra decimal of
                precision costs a hundred times the runs.
                """,
                """
                w = widths.set_index("runs")["half_width"]
                print(f"half-width at 50: {w[50]:.4f}, at 200: {w[200]:.4f}, ratio {w[50] / w[200]:.2f}")
                """,
            ),
            Exercise(
                """
                Run a second sweep of 200 replications with another root seed (say
                `seed=7`). Compare its outcome table with the first one: do the
                estimates agree exactly? Do the intervals overlap?
                """,
                """
                The estimates differ, typically by a few percentage points, because
                the runs are different draws; the intervals overlap widely. Two
                sweeps agree *within their uncertainty*, not digit for digit. (If you
                repeated this with many outcomes and many seeds, you would
                occasionally see intervals that barely overlap: each one misses the
                model's true probability about 5 % of the time.)
                """,
                """
                res7 = run_sweep([LIBYA], reps=REPS, seed=7, workers=1, progress=False)
                both = res.summary.merge(res7.summary, on="outcome", how="outer", suffixes=(" seed 2019", " seed 7"))
                cols = [c for c in both.columns if c.startswith(("probability", "ci_"))]
                both.set_index("outcome")[cols].round(3)
                """,
            ),
            Exercise(
                """
                Would the fan chart's 90 % band get narrower with 3,000 runs? Would the
                interval of an outcome probability? Check with the runs you have:
                compute the fan from the first 50 runs only
                (`res.front_matrix("libya_2019")[:50]` is a runs × weeks array, and
                `sim.analysis.front_quantiles(array, "first 50", date_of=spec.date_of)`
                turns it into quantiles) and compare its average band width with that
                of all the runs; do the same for the width of the interval of
                `TARGET`.
                """,
                """
                The band does not shrink the way the interval does. It estimates fixed
                quantiles of how the front is spread across runs: more runs make its
                edges less jagged, and can even *widen* it, since a small sample often
                misses the rarer runs that make up the tails. The probability's
                interval, on the other hand, keeps shrinking as $1/\\sqrt{n}$ (from 50
                to 200 runs, to about half). Spread describes the war; the interval
                describes what we know about one of its probabilities.
                """,
                """
                fronts = res.front_matrix("libya_2019")
                few = sim.analysis.front_quantiles(fronts[:50], "first 50", date_of=spec.date_of)
                allq = sim.analysis.front_quantiles(fronts, f"all {REPS}", date_of=spec.date_of)
                for q in (few, allq):
                    print(q["scenario"].iloc[0], "runs - mean width of the 90 % band:", round(float((q["q95"] - q["q05"]).mean()), 1), "km")
                w = widths.set_index("runs")
                print(f"interval of {TARGET}: width {2 * w.loc[50, 'half_width']:.3f} at 50 runs, {2 * w.loc[REPS, 'half_width']:.3f} at {REPS}")
                """,
            ),
        ]
    )
    return cells


# ---------------------------------------------------------------------------------------
# registry
# ---------------------------------------------------------------------------------------

NOTEBOOKS = {
    "01_anatomy_of_a_proxy_war.ipynb": nb01,
    "02_chance_and_probability.ipynb": nb02,
}


def main(argv: list[str]) -> int:
    """Write the notebooks (all, or those whose file name starts with an argument)."""
    for name, build in NOTEBOOKS.items():
        if argv and not any(name.startswith(a) for a in argv):
            continue
        path = HERE / name
        nbformat.write(notebook(build()), path)
        print("wrote", path.relative_to(HERE.parent))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
