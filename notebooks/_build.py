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
import sim.analysis.summaries
import sim.viz.plots
from sim import ProxyWarModel, ScenarioError, load_scenario
from sim.experiments.sweep import run_sweep

# sim.viz.plots selects matplotlib's file-only "Agg" backend when imported (the command
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
    for i, cell in enumerate(cells):
        cell.id = f"cell-{i:03d}"  # stable ids: a rebuild changes only what was edited
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
            sim.viz.plots.plot_map(model);
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
            shelter defenders) and by dug-in fortifications. An assault is fought
            until one side has lost its *breakpoint* share of its strength (or the
            week ends): an attack that fails is called off, and the place changes
            hands when the defenders break first. Lognormal noise on each side's
            effectiveness makes every week a gamble.

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
        code("sim.viz.plots.plot_front_timeline(model);"),
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
        code("sim.viz.plots.plot_map(model);"),
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
            war ended. The front can only sit at the road distances of places on
            the map, so many lines lie on top of each other for months.
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
        code("sim.viz.plots.plot_outcome_probabilities(res.summary);"),
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
            table = sim.analysis.summaries.outcome_summary(res.runs, outcomes=labels)
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
            band = np.array([sim.analysis.summaries.wilson(int(kk), int(nn)) for kk, nn in zip(k, n)])

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
                lo, hi = sim.analysis.summaries.wilson(kk, m_)
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
        code('sim.viz.plots.plot_front_fan(res.front, objective="central Tripoli");'),
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
        code("sim.viz.plots.plot_survival(res.survival);"),
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
                lo, hi = sim.analysis.summaries.wilson(k10, 10)
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
                print("0/20:", sim.analysis.summaries.wilson(0, 20))
                for n_ in (50, 100, 200, 400):
                    print(f"0/{n_}: upper bound {sim.analysis.summaries.wilson(0, n_)[1]:.4f}")
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
                `sim.analysis.summaries.front_quantiles(array, "first 50", date_of=spec.date_of)`
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
                few = sim.analysis.summaries.front_quantiles(fronts[:50], "first 50", date_of=spec.date_of)
                allq = sim.analysis.summaries.front_quantiles(fronts, f"all {REPS}", date_of=spec.date_of)
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
# 3. Sanctions on a contractor
# ---------------------------------------------------------------------------------------


def nb03() -> list[nbformat.NotebookNode]:
    """A paired comparison: sanctions on Wagner; lags; what the interval says."""
    cells = [
        md(
            """
            # 3. Sanctions on a mercenary contractor: a paired comparison

            In late November 2019 the US State Department said it was working with
            European partners on sanctions against the Russian military contractor
            fighting for Haftar, the Wagner Group (AP, 5 December 2019). Suppose they
            had been imposed in mid-December. Would the war have gone differently?

            The model's answer follows stylised fact 4 of the BRIEF: sanctions work
            through their *bite* on the sanctioned actor's money and logistics, with a
            lag, and their effect on the front is indirect. A contractor is the
            extreme case of the principal–agent problem (Salehyan 2010): its loyalty
            is to its pay.

            **Learning goals.** After this notebook you can

            - trace a sanction's causal chain in the model and work out its shortest
              delay from the scenario's numbers;
            - explain *common random numbers* and see a pair of runs stay identical
              until the policy bites;
            - run a paired comparison with `sim.experiments.compare.compare` and read its table:
              the difference, its interval, the replicates that changed, the
              correlation;
            - show why pairing gives a narrower interval than two independent sweeps;
            - see how the lag changes the effect;
            - say what the interval does and does not tell you.

            It takes about a minute to run.
            """
        ),
        code(SETUP),
        md(
            """
            ## The what-if

            The what-if is a small file that `extends` the baseline and adds one
            intervention; every number says where it comes from or that it is an
            assumption:
            """
        ),
        code(
            """
            LIBYA = SCENARIOS / "libya_2019.toml"
            SANCTIONS = SCENARIOS / "libya_wagner_sanctions.toml"
            print(SANCTIONS.read_text(encoding="utf-8"))
            """
        ),
        md(
            """
            ## The causal chain, and its delay

            In the model (`docs/ODD.md`, sections 7.6 and 7.7):

            1. the sanction is imposed on its date;
            2. after `lag_weeks` (designation, then banks and intermediaries comply)
               it **bites**: a share `financial` of Wagner's pay no longer reaches it,
               and a share `logistics` of its rotation capacity is lost;
            3. every week the blocked share of the pay adds to the group's **arrears**,
               counted in weeks of pay owed (a fully paid week removes one);
            4. in the first week its arrears exceed its `arrears_tolerance`, it
               **leaves**, over two weeks;
            5. only then does the LNA lose Wagner's fighters at its main effort, and
               the **front** may feel it.

            From the scenario's own numbers, the earliest week Wagner can be gone:
            """
        ),
        code(
            """
            base_spec = load_scenario(LIBYA)
            sanc_spec = load_scenario(SANCTIONS)
            iv = sanc_spec.interventions[-1]
            wagner = sanc_spec.groups["wagner"]
            fire = sanc_spec.week_of(iv.at)
            bite = fire + iv.lag_weeks
            print(f"imposed:  week {fire} ({sanc_spec.date_of(fire)})")
            print(f"bites:    week {bite} ({sanc_spec.date_of(bite)}), {iv.financial:.0%} of the pay blocked, "
                  f"{iv.logistics:.0%} of the rotations lost")
            weeks_unpaid = int(np.floor(wagner.arrears_tolerance / iv.financial)) + 1  # arrears grow by `financial` a week
            gone = bite + weeks_unpaid + 1  # ordered out in the last of those weeks, then two weeks to leave
            print(f"arrears exceed the tolerance of {wagner.arrears_tolerance} weeks of pay after {weeks_unpaid} sanctioned weeks "
                  f"({weeks_unpaid} x {iv.financial}); two weeks to leave: gone from about week {gone} ({sanc_spec.date_of(gone)})")
            """
        ),
        md(
            """
            ## One pair of runs

            Run the baseline and the what-if with the **same seed**. We pick the first
            seed in which the sanctioned Wagner leaves over its arrears (in other
            runs it has already left, bled by its losses, or the war is over before
            the sanction bites).
            """
        ),
        code(
            """
            def left_over_pay(seed):
                return ProxyWarModel(sanc_spec, rng=seed, collect=False).run().summary()["left_wagner"] == "pay arrears"

            SEED = next((s for s in range(100) if left_over_pay(s)), 0)

            def trace(spec, seed):
                m = ProxyWarModel(spec, rng=seed)
                rows = []
                while m.running:
                    m.step()
                    g = m.groups_by_id["wagner"]
                    rows.append({"week": m.week, "wagner": g.fighters, "arrears": g.arrears,
                                 "front_km": m.front_km, "casualties": m.total_casualties()})
                return m, pd.DataFrame(rows).set_index("week")

            m_base, t_base = trace(base_spec, SEED)
            m_sanc, t_sanc = trace(sanc_spec, SEED)
            print(f"seed {SEED}: baseline {m_base.summary()['outcome']} (week {m_base.week}), "
                  f"sanctions {m_sanc.summary()['outcome']} (week {m_sanc.week})")
            for week, text in m_sanc.events_log:
                if week >= fire - 1:
                    print(f"  sanctions arm, week {week}: {text}")
            """
        ),
        code(
            """
            fig, axes = plt.subplots(3, 1, figsize=(10, 7), sharex=True, layout="constrained")
            for t, label in ((t_base, "baseline"), (t_sanc, "sanctions")):
                axes[0].plot(t.index, t["wagner"], label=label)
                axes[1].plot(t.index, t["arrears"], label=label)
                axes[2].step(t.index, t["front_km"], where="post", label=label)
            for ax, title in zip(axes, ["Wagner fighters in theatre", "Wagner's arrears (weeks of pay owed)", "front distance (km)"]):
                ax.axvline(fire, color="tab:purple", ls=":", label="imposed")
                ax.axvline(bite, color="tab:red", ls="--", label="bites")
                ax.set_title(title, fontsize=10)
                ax.grid(alpha=0.3)
            axes[0].legend(fontsize=8)
            axes[2].set_xlabel("week")
            plt.show()

            weeks = t_base.index.intersection(t_sanc.index)
            differ = weeks[(t_base.loc[weeks, "casualties"] != t_sanc.loc[weeks, "casualties"]).to_numpy()]
            print("first week in which the two runs differ:", differ.min() if len(differ) else "never", f"(the sanction bites in week {bite})")
            """
        ),
        md(
            """
            ## Common random numbers

            The two runs are the *same war* until the sanction changes something:
            same seed, and inside the model each mechanism (combat, support
            shipments, mercenaries, termination) draws from its own random stream a
            fixed number of values every week. So the sanction does not reshuffle
            the luck of the battles; it changes only what it touches, and whatever
            differs between the two runs afterwards is caused by it.

            Over many replicates this is the design of a **paired comparison**:
            replicate *i* of the baseline and replicate *i* of the what-if share their
            seed, and the statistic is the mean of the per-replicate differences.
            """
        ),
        md(
            """
            ## The paired comparison

            `compare(baseline, alternatives, reps, seed)` runs every arm with the same
            seeds and returns the paired table (what `python run.py compare` writes to
            `comparison.csv`):
            """
        ),
        code(
            """
            from sim.experiments.compare import compare, pair_runs, paired_outcomes

            REPS = 150
            cmp = compare(LIBYA, [SANCTIONS], reps=REPS, seed=3, workers=1, progress=False)
            BASE, ALT = cmp.baseline, cmp.alternatives[0]
            print(f"{cmp.runs} runs in {cmp.elapsed:.1f} s")
            cols = ["outcome", "p_baseline", "p_alternative", "difference", "ci_low", "ci_high", "only_baseline", "only_alternative", "correlation"]
            display(cmp.table[cols].round(3))
            for line in cmp.headlines():
                print("-", line)
            """
        ),
        md(
            """
            How to read a row:

            - `difference` = P(what-if) − P(baseline), the mean of the per-replicate
              differences; `ci_low`–`ci_high` its 95 % interval.
            - `only_baseline` / `only_alternative`: replicates that ended in this
              outcome in one arm only. Only these *discordant* pairs move the
              difference; every other replicate ended the same way in both arms.
            - `correlation`: how alike the two arms are replicate by replicate. The
              variance of a paired difference is var(a) + var(b) − 2 cov(a, b): the
              closer to 1, the more pairing pays.

            The same for war length, casualties and the front one year in and at the
            horizon, and a forest plot of the probability rows:
            """
        ),
        code(
            """
            display(cmp.differences[["metric", "mean_baseline", "mean_alternative", "difference", "ci_low", "ci_high"]].round(3))
            sim.viz.plots.plot_difference_forest(cmp.table, cmp.differences);
            """
        ),
        code(
            """
            pairs = cmp.pairs(ALT)
            print("outcome of each replicate, baseline (rows) against sanctions (columns):")
            display(pd.crosstab(pairs["outcome_base"], pairs["outcome_alt"], margins=True))
            print("why Wagner left, by arm (empty: it stayed to the end):")
            cmp.sweep.runs.fillna({"left_wagner": "(stayed)"}).groupby("scenario")["left_wagner"].value_counts().unstack(fill_value=0)
            """
        ),
        md(
            """
            ## Why pairing pays

            Suppose the what-if had been run with *other* seeds, independently of the
            baseline. The runs would still be valid, but the difference would carry
            the luck of two unrelated sets of wars. Pair the baseline's replicates
            with the runs of an independent sweep (root seed 99) and compute the same
            statistic:
            """
        ),
        code(
            """
            other = run_sweep([SANCTIONS], reps=REPS, seed=99, workers=1, progress=False)
            base_runs = cmp.sweep.runs.query("scenario == @BASE").sort_values("replicate")
            fake_pairs = pd.DataFrame(
                {"outcome_base": base_runs["outcome"].to_numpy(), "outcome_alt": other.runs.sort_values("replicate")["outcome"].to_numpy()}
            )
            labels = list(cmp.table["outcome"])
            indep = paired_outcomes(fake_pairs, BASE, ALT, labels)
            pd.DataFrame(
                {
                    "outcome": labels,
                    "paired: difference": cmp.table["difference"].round(3),
                    "paired: interval width": (cmp.table["ci_high"] - cmp.table["ci_low"]).round(3),
                    "independent: difference": indep["difference"].round(3),
                    "independent: interval width": (indep["ci_high"] - indep["ci_low"]).round(3),
                }
            )
            """
        ),
        md(
            """
            With independent seeds most replicates differ for reasons that have
            nothing to do with the sanction, so the interval is wider: to reach the
            paired interval's precision an unpaired design needs several times as
            many runs (the ratio of the squared widths).

            ## Lags: when the bite comes too late

            How much does the lag matter? The Libya runs are slow for this, so we use
            the small teaching theatre (`teaching_line_sanctions.toml`: sanctions on
            RED's contractors in week 12) and vary its lag, all arms on the same
            seeds:
            """
        ),
        code(
            """
            TEACH = SCENARIOS / "teaching_line.toml"
            TEACH_SANC = SCENARIOS / "teaching_line_sanctions.toml"
            LAGS = [0, 6, 18]
            lag_arms = [
                load_scenario(TEACH_SANC, overrides={"name": f"sanctions_lag_{lag}", "interventions.0.lag_weeks": lag})
                for lag in LAGS
            ]
            cmp_lag = compare(TEACH, lag_arms, reps=REPS, seed=5, workers=1, progress=False)
            win = cmp_lag.table[cmp_lag.table["outcome"] == "victory:RED"].reset_index(drop=True)
            tbase = cmp_lag.sweep.runs.query("scenario == 'teaching_line'")
            still_going = [(tbase["end_week"] > 12 + lag).mean() for lag in LAGS]
            lag_runs = cmp_lag.sweep.runs
            left_over_pay = [(lag_runs.query("scenario == @a.name")["left_contractors"] == "pay arrears").mean() for a in lag_arms]

            fig, ax = plt.subplots(figsize=(7, 3.8))
            ax.errorbar(LAGS, win["difference"], yerr=[win["difference"] - win["ci_low"], win["ci_high"] - win["difference"]],
                        fmt="o-", capsize=4)
            ax.axhline(0, color="black", lw=0.8)
            ax.set_xlabel("lag between the sanction (week 12) and its bite (weeks)")
            ax.set_ylabel("change in P(victory:RED)")
            ax.grid(alpha=0.3)
            plt.show()
            pd.DataFrame({"lag": LAGS, "difference": win["difference"].round(3), "ci_low": win["ci_low"].round(3),
                          "ci_high": win["ci_high"].round(3), "baseline wars still going at the bite": np.round(still_going, 2),
                          "contractors left over pay": np.round(left_over_pay, 2)})
            """
        ),
        md(
            """
            A sanction can only change wars that are still going when it bites, and
            only if the contractors are still there to be driven out: the last
            column counts the runs in which they left over their pay. In this
            theatre many contractors leave anyway, bled by their losses (casualty
            aversion), so a late sanction often finds them gone; the longer the
            lag, the fewer the wars it can reach.

            ## What the interval does and does not say

            It **does** say: in this model, with these scenario files and their
            assumptions, the probability of the outcome changes by the stated
            difference, and with 95 % confidence by an amount within the interval;
            more replicates would narrow it.

            It does **not** say:

            - anything about uncertainty *outside* the model. Its parameters are
              assumptions (see the comments in the files); a different, equally
              plausible calibration could give a different answer. The interval
              measures Monte Carlo noise only.
            - that an interval containing 0 means "no effect". It means *not
              distinguishable from none with this many runs*; the effect may be
              small, or the runs too few.
            - that a difference whose interval excludes 0 matters. With enough runs
              a tiny difference becomes "significant"; whether it is large enough
              to matter is a judgement about the size, not about the interval.
            - why. The mechanism is in the pairs: look at the replicates that
              changed, and at what happened to the contractor in them.
            - that the rows are independent tests. With three outcomes and several
              what-ifs, one interval in twenty excludes 0 by chance alone.
            """
        ),
    ]
    cells += exercises(
        [
            Exercise(
                """
                In the pair of runs above, in which week did Wagner actually leave in
                the sanctions arm, and how does that compare with the earliest week
                worked out from the scenario's numbers? Why does the front not move at
                once?
                """,
                """
                Read it off the traces (the first week Wagner's fighters are 0 in the
                sanctions arm). It should be at or shortly after the computed
                earliest week: the lag, then the weeks of arrears, then two weeks to
                leave. The front moves only if losing Wagner's specialists changes
                the outcome of an engagement after that, which depends on whether
                the LNA is still attacking and on the luck of the following weeks:
                the sanction's effect on the front is indirect and late, as stylised
                fact 4 says.
                """,
                """
                present = t_sanc["wagner"] > 0
                left = t_sanc.index[(~present) & (t_sanc.index > bite)]
                print("Wagner gone in the sanctions arm from week:", left.min() if len(left) else "never", f"(earliest by the chain: week {gone})")
                print(t_sanc.loc[bite - 1 : gone + 1, ["wagner", "arrears"]].round(2))
                """,
            ),
            Exercise(
                """
                In the pair of runs, the first week the two differ is printed under
                the plot. Why are they identical before? What would go wrong in a
                paired comparison if the model drew all its random numbers from one
                stream, in order?
                """,
                """
                Until the contractors start to leave, the sanction changes nothing the
                fighting depends on (the blocked pay and the growing arrears are
                bookkeeping until they make Wagner go), and both runs draw the same
                numbers in the same order, so they are the same war. With a single stream, a policy that adds or removes one draw
                (say, one shipment fewer to check for interdiction) would shift
                every later draw: from then on the two runs would have unrelated
                luck, the pairs would be no better than independent runs, and the
                interval would be as wide as in the "independent" column above. The
                per-mechanism streams, each drawing a fixed number of values a week,
                keep the luck aligned.
                """,
            ),
            Exercise(
                """
                The sanction's *direct* effect is on Wagner, its *indirect* effect on the
                war. Compare the two: the share of replicates in which Wagner left over
                pay arrears in each arm, and the change in P(victory:GNA). Which is
                clearer?
                """,
                """
                The direct effect is large and unambiguous: in the baseline Wagner
                never leaves over pay, under sanctions it often does (the
                `why Wagner left` table). The indirect effect on who wins is a
                difference of a few replicates out of the total (`only_baseline`,
                `only_alternative`), and its interval is wide by comparison.
                That is stylised fact 4: sanctions bite on money and logistics; the
                front feels them only through what the contractor would have done.
                """,
                """
                runs = cmp.sweep.runs
                direct = runs.assign(arrears=runs["left_wagner"] == "pay arrears").groupby("scenario")["arrears"].mean()
                print("share of replicates in which Wagner left over pay arrears:", direct.round(3).to_dict())
                row = cmp.table.set_index("outcome").loc["victory:GNA"]
                print(f"P(victory:GNA): {row['difference']:+.3f} [{row['ci_low']:+.3f}, {row['ci_high']:+.3f}], "
                      f"changed in {row['only_baseline'] + row['only_alternative']} of {row['pairs']} replicates")
                """,
            ),
            Exercise(
                """
                Leakage. In the teaching theatre's sanction, 90 % of the contractors'
                pay is blocked. What happens if only 40 % is blocked (`financial =
                0.4`, an override of `interventions.0.financial`)? Predict first (how
                long do the contractors take to leave?), then run the paired
                comparison.
                """,
                """
                The arrears grow by the blocked share each week, so with 40 % blocked
                the contractors take more than twice as long to run out of patience
                as with 90 % (about `arrears_tolerance / financial` weeks). A leakier
                sanction acts like a longer lag: by the time the contractors go, more
                wars are decided, so expect a smaller change in `victory:RED` (and the
                contractors leaving over pay later, or not at all in wars that end
                first). Whether real contractors tolerate partial pay like that is an
                assumption worth questioning, and the kind of thing a model makes
                explicit.
                """,
                """
                leaky = load_scenario(TEACH_SANC, overrides={"name": "sanctions_leaky", "interventions.0.financial": 0.4})
                cmp_leak = compare(TEACH, [TEACH_SANC, leaky], reps=REPS, seed=5, workers=1, progress=False)
                display(cmp_leak.table[["alternative", "outcome", "difference", "ci_low", "ci_high"]].round(3))
                cmp_leak.sweep.runs.fillna({"left_contractors": "(stayed)"}).groupby("scenario")["left_contractors"].value_counts().unstack(fill_value=0)
                """,
            ),
            Exercise(
                """
                How many replicates would the Libya comparison need for the interval
                of the change in P(victory:GNA) to be ±0.02? (Use the 1/√n law on the
                half-width you have.) What does `compare(..., precision=0.02)` do?
                """,
                """
                The half-width shrinks as $1/\\\\sqrt{n}$, so the runs needed are about
                `REPS × (half-width / 0.02)²`, several times the runs above. `compare`
                with `precision=0.02` (and `--precision 0.02` on the command line) does
                this for you: it adds replicates in batches, reusing the ones already
                run, until every probability difference has a half-width of at most
                0.02 or `max_reps` is reached.
                """,
                """
                row = cmp.table.set_index("outcome").loc["victory:GNA"]
                half = (row["ci_high"] - row["ci_low"]) / 2
                print(f"half-width now {half:.3f} with {REPS} replicates; for 0.02 about {int(np.ceil(REPS * (half / 0.02) ** 2))} replicates")
                """,
            ),
            Exercise(
                """
                A colleague reads the Libya table and writes: "the interval for
                P(victory:GNA) contains 0, so sanctioning Wagner does not work". What
                would you answer?
                """,
                """
                Three things. (1) An interval containing 0 means the effect is not
                distinguishable from zero *with this many runs*; it may be small and
                real, so run more (or use `precision`). (2) "Does not work" depends on
                the goal: the sanction does what it does directly (Wagner leaves, see
                exercise 3); its effect on who wins is indirect, and small if
                Wagner's specialists rarely decide an engagement in this model. (3)
                All of this is *in the model*: the result is conditional on the
                scenario's assumptions (the lag, the leakage, Wagner's quality and
                casualty aversion), which are exactly what the file's comments say
                are guesses. A sensitivity analysis over them is the honest next
                step.
                """,
            ),
        ]
    )
    return cells


# ---------------------------------------------------------------------------------------
# 4. When backers walk away
# ---------------------------------------------------------------------------------------


def nb04() -> list[nbformat.NotebookNode]:
    """Withdrawal and escalation; stalemate and ripeness; veto players."""
    cells = [
        md(
            """
            # 4. When backers walk away: withdrawal, escalation, ripeness and vetoes

            A proxy war lasts as long as someone pays for it. This notebook asks what
            the backers' choices do to the war: what happens when one of them walks
            away, when they answer each other's support with more support, and when
            one of them can block a settlement.

            The literature behind the model's rules:

            - **Competitive escalation.** Support to one side makes support to the other
              more likely (Salehyan, Gleditsch & Cunningham 2011), and interventions
              that provoke counter-interventions lengthen wars (Regan 2002).
            - **Veto players.** Backers with their own agenda can block a settlement,
              which makes wars longer (Cunningham 2010).
            - **Ripeness.** A *mutually hurting stalemate* with a way out makes talks
              likely (Zartman 2000).
            - **Competing risks.** Support shortens the time to the supported side's
              victory and lengthens the time to a settlement (Balch-Lindsay, Enterline
              & Joyce 2008).

            **Learning goals.** After this notebook you can

            - describe how a backer in the model decides its support level, and find
              competitive escalation in a run;
            - build a what-if from the command line's `--set` mechanism in Python
              (`load_scenario(..., overrides)`) and sweep it against the baseline;
            - read how a withdrawal shifts the outcome distribution (stylised fact 2)
              and check stylised fact 1 (support to both sides vs one side);
            - explain stalemate, ripeness and the ceasefire hazard, and see a veto
              block a ceasefire;
            - measure the effect of a veto with a paired comparison.

            It takes about a minute to run.
            """
        ),
        code(SETUP),
        md(
            """
            ## How a backer decides

            Each week every backer (`docs/ODD.md`, section 7.5):

            - moves its **support level** (a multiplier on its channels' amounts, from
              0 up to `max_level`) smoothly: up, at `responsiveness`, while its client
              is losing (its power ratio below 1), down while it is winning;
            - moves it toward the rival side's support in proportion: when the
              support (contracted fighters' pay included) shipped to its client's
              enemies has grown since it took stock, by more than
              `escalation_threshold`, it aims at `rival_elasticity` times that growth,
              at a speed `escalation_response × resolve`: **competitive escalation**
              (and it eases when the rival's support falls);
            - pays its mercenary groups out of its budget before it ships;
            - loses **resolve** to what it spends, to sanctions and to the
              reputational cost of a high level, and **withdraws** when resolve falls
              below `withdraw_resolve`: its channels stop and the mercenaries it pays
              are recalled;
            - may **veto** a ceasefire (if it holds a veto) with a chance that rises
              smoothly with its client's prospects, while its resolve lasts and no
              binding mediation holds it.

            Watch the levels in one Libya run:
            """
        ),
        code(
            """
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
                {b.name: {"client": b.client.fid, "escalations": b.escalations, "final level": round(b.level, 2),
                          "resolve": round(b.resolve, 2), "veto": b.veto_power}
                 for b in model.backers}
            ).T
            """
        ),
        md(
            """
            `escalations` counts the weeks in which a backer raised its level in answer
            to a rise in the rival side's support. Levels that climb in steps on both
            sides at about the same time are competitive escalation at work.

            ## Walking away

            A what-if is the baseline with a change. Scenario files in `scenarios/`
            hold the prepared ones; for a quick experiment you can also change any key
            of a loaded scenario with `overrides` (what `--set KEY=VALUE` does on the
            command line). Giving a backer no resolve makes it withdraw in the first
            week. We sweep four arms on the same seeds:

            | arm | what changes |
            |---|---|
            | `libya_2019` | the baseline |
            | `libya_uae_walks_away` | the UAE, the LNA's biggest backer (drones, most arms, the Sudanese fighters' pay), withdraws at once |
            | `libya_france_egypt_step_back` | France and Egypt end their support in January 2020 |
            | `libya_one_sided_support` | Turkey, Qatar and Italy stay out: only the LNA is backed |
            """
        ),
        code(
            """
            uae_out = load_scenario(
                LIBYA,
                overrides={
                    "name": "libya_uae_walks_away",
                    "description": "What-if: the UAE has no resolve and withdraws in the first week",
                    "backers.uae.resolve": 0.0,
                },
            )
            ARMS = [LIBYA, uae_out, SCENARIOS / "libya_france_egypt_step_back.toml", SCENARIOS / "libya_one_sided_support.toml"]
            REPS = 100
            res = run_sweep(ARMS, reps=REPS, seed=4, workers=1, progress=False)
            print(f"{res.total} runs in {res.elapsed:.1f} s")

            def with_ci(row):
                return f"{row.probability:.2f} [{row.ci_low:.2f}, {row.ci_high:.2f}]"

            table = res.summary.assign(p=res.summary.apply(with_ci, axis=1)).pivot(index="scenario", columns="outcome", values="p")
            table.loc[res.scenarios]
            """
        ),
        code("sim.viz.plots.plot_outcome_probabilities(res.summary);"),
        md(
            """
            Each cell is a probability with its 95 % Wilson interval. When two arms'
            intervals overlap, that does *not* mean the policy has no effect: the arms
            share their seeds, and notebook 3 shows how the paired comparison detects
            differences that overlapping intervals hide. Here is what changed against
            the baseline, outcome by outcome:
            """
        ),
        code(
            """
            p = res.summary.pivot(index="scenario", columns="outcome", values="probability").loc[res.scenarios]
            base = res.scenarios[0]
            for arm in res.scenarios[1:]:
                shifts = ", ".join(f"{o} {p.loc[arm, o] - p.loc[base, o]:+.2f}" for o in p.columns)
                print(f"{arm}: {shifts}")
            """
        ),
        md(
            """
            ## How long, and how stuck

            War length and stalemates per arm: the mean end week (runs undecided at the
            horizon count as lasting to it), the median time to the end of the war from
            the survival curve, the share of runs with a stalemate spell, and the share
            of war weeks spent in stalemate.
            """
        ),
        code(
            """
            length = res.runs.groupby("scenario")["end_week"].mean().rename("mean end week")
            median = pd.Series(
                {s: sim.analysis.summaries.median_time(res.survival, s) for s in res.scenarios}, name="median weeks to the end", dtype=object
            ).fillna(f"> {spec.horizon_weeks} (most wars outlast the horizon)")
            stuck = res.stalemate_stats.set_index("scenario")[["share_with_stalemate", "median_longest", "mean_stalemate_share"]]
            pd.concat([length.round(1), median, stuck.round(2)], axis=1).loc[res.scenarios]
            """
        ),
        code("sim.viz.plots.plot_survival(res.survival);"),
        md(
            """
            ## Stalemate and ripeness

            A **stalemate week** is one in which the front has moved less than
            `stalemate.max_move_km` over the last `stalemate.window_weeks` weeks. The
            war is **ripe** for talks (Zartman) when

            - the front has been static for a while (up to `ripe_stalemate_weeks`)
              and both sides are hurting — losing a share of their *own* fighters
              each week near `hurting_rate` — with poor prospects (a *mutually
              hurting stalemate*), or
            - both sides' morale is below `ripe_morale`.

            Ripeness is a number between 0 and 1, not a switch. Each week a ceasefire
            is agreed with probability `ripeness × (base_hazard + mediation_hazard ×
            mediation)` (a mediator or conference raises it), unless a backer
            **vetoes** it. A ceasefire counts as the war's end once it has held
            `ceasefire_hold_weeks`; until then it may break down.

            To see this at work we use the small *teaching theatre*
            (`scenarios/teaching_line.toml`: seven places on one road, one backer per
            side; Northland, RED's backer, holds a veto). It runs in a few milliseconds
            and its vetoes bite more often than Libya's. We pick a run in which a veto
            was cast and record every week:
            """
        ),
        code(
            """
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
                rows.append({"week": m.week, "front_km": m.front_km, "stalemate": m.termination.stalemate,
                             "ripe": m.termination.ripe, "ceasefire": m.ceasefire_on, "vetoes": m.termination.vetoes,
                             **{f"morale_{f.fid}": f.morale for f in m.factions},
                             **{f"posture_{f.fid}": f.posture for f in m.factions}})
            track = pd.DataFrame(rows).set_index("week")
            print(f"seed {TSEED}: {m.summary()['outcome']} in week {m.week}")
            for week, text in m.events_log:
                print(f"week {week:3d}: {text}")
            """
        ),
        code(
            """
            fig, (ax, ax2) = plt.subplots(2, 1, figsize=(10, 5.5), sharex=True, layout="constrained")
            ax.step(track.index, track["front_km"], where="post", color="black", label="front distance (km)")
            for col, colour in (("stalemate", "0.6"), ("ripe", "tab:orange"), ("ceasefire", "tab:green")):
                ax.fill_between(track.index, 0, track["front_km"].max() * 1.05, where=track[col], step="post",
                                color=colour, alpha=0.3, lw=0, label=col)
            veto_weeks = track.index[track["vetoes"].diff().fillna(track["vetoes"]) > 0]
            ax.plot(veto_weeks, [track["front_km"].max() * 0.5] * len(veto_weeks), "rx", ms=10, mew=2, label="veto")
            ax.set_ylabel("km")
            ax.legend(fontsize=8, ncol=3, loc="upper right")
            for f in m.factions:
                ax2.plot(track.index, track[f"morale_{f.fid}"], label=f"morale {f.fid}")
            ax2.axhline(tspec.termination.ripe_morale, color="tab:orange", ls=":", label="ripe_morale")
            ax2.set_xlabel("week")
            ax2.legend(fontsize=8)
            plt.show()
            """
        ),
        md(
            """
            ## Who holds a veto, and what it costs

            Cunningham (2010) found that wars with more *veto players*, parties that can
            block a settlement, last longer. In the model a backer with `veto = true`
            blocks a ceasefire while its client is on the offensive with morale of at
            least 0.5: it still hopes to win. Take Northland's veto away and compare,
            paired run by run (the `compare` function of notebook 3):
            """
        ),
        code(
            """
            from sim.experiments.compare import compare

            no_veto = load_scenario(
                TEACH,
                overrides={"name": "teaching_line_no_veto", "description": "Northland cannot veto", "backers.northland.veto": False},
            )
            cmp = compare(TEACH, [no_veto], reps=300, seed=6, workers=1, progress=False)
            display(cmp.table[["outcome", "p_baseline", "p_alternative", "difference", "ci_low", "ci_high"]].round(3))
            for line in cmp.headlines():
                print(line)
            runs_t = cmp.sweep.runs
            runs_t.groupby("scenario")[["vetoes", "ceasefires", "end_week"]].mean().round(3)
            """
        ),
        md(
            """
            A veto only matters in the weeks when the war is ripe, a ceasefire is
            drawn, and the vetoing backer's client is attacking with confidence.
            That combination is what the paired difference measures.
            """
        ),
    ]
    cells += exercises(
        [
            Exercise(
                """
                Stylised fact 2 says the withdrawal of a major backer shifts the outcome
                distribution toward the other side. Which way did the UAE's withdrawal
                shift it here, and France and Egypt's? Why might the exit of a small
                backer matter much less than that of a large one?
                """,
                """
                Read the shifts printed after the outcome table, and the paired
                differences in the worked solution (the arms of one sweep share their
                seeds, so the sweep already holds the pairs). If the UAE's exit moves
                probability toward `victory:GNA`, the model reproduces stylised fact 2
                for that backer: the UAE sends the LNA's drones, most of its arms and
                funds, and pays the Sudanese fighters. France and Egypt send advisers
                and some arms, a small part of the LNA's support (notebook 1's supply
                table), and leave only in January 2020, nine months into the war; in
                the model arms and advisers raise a faction's quality with diminishing
                returns. A small shift, in either direction, whose paired interval
                includes 0 is no evidence either way; more runs would tell (notebook 3
                shows how many).
                """,
                """
                from sim.experiments.compare import pair_runs, paired_outcomes

                labels = list(p.columns)
                for arm in res.scenarios[1:3]:
                    t = paired_outcomes(pair_runs(res.runs, base, arm), base, arm, labels)
                    display(t[["alternative", "outcome", "p_baseline", "p_alternative", "difference", "ci_low", "ci_high"]].round(3))
                """,
            ),
            Exercise(
                """
                Stylised fact 1 (Regan 2002; Cunningham 2010): support to *both* sides
                lengthens wars and raises the share of stalemates compared with support
                to one side only. Compare `libya_2019` (both sides backed) with
                `libya_one_sided_support` (only the LNA backed): mean war length and
                the share of runs ending in `stalemate`. Does the model reproduce the
                fact here? If not, what could explain it?
                """,
                """
                The worked solution prints the numbers. The stylised fact rests on a
                mechanism: one-sided support lets the supported side *win*, and a war
                that ends in victory does not end in stalemate. So look at three
                things: the supported side's (the LNA's) chance of victory, the share
                of stalemates, and the war's length. If the LNA wins far more often and
                stalemates become rare, the model reproduces the stalemate half of the
                fact. The length half can still fail: if the one-sided victories come
                late (a long siege that wears the defender down), the mean end week
                need not fall. Check when the victories happen before concluding. A
                model that fails a stylised fact for a reason you can name is
                informative; one that fails it for no reason needs its calibration
                checked (`docs/calibration.md`).
                """,
                """
                one = "libya_one_sided_support"
                for arm in (base, one):
                    r = res.runs.query("scenario == @arm")
                    print(f"{arm}: mean end week {r['end_week'].mean():.1f}, "
                          f"P(stalemate) {(r['outcome'] == 'stalemate').mean():.2f}, "
                          f"P(victory:LNA) {(r['outcome'] == 'victory:LNA').mean():.2f}, "
                          f"P(victory:GNA) {(r['outcome'] == 'victory:GNA').mean():.2f}, "
                          f"median end week of the victories {r.loc[r['outcome'].str.startswith('victory'), 'end_week'].median()}")
                """,
            ),
            Exercise(
                """
                Switch competitive escalation off: set every Libya backer's
                `escalation_response` to 0 (one override per backer) and sweep it with
                the same seed and number of runs as the baseline. Do the wars get
                shorter or longer? Do the outcome probabilities move?
                """,
                """
                Regan (2002) found that interventions that provoke counter-interventions
                lengthen wars. In the model, escalation raises both sides' support
                levels; whether that lengthens the war depends on whether it keeps the
                balance (both sides escalate, the stalemate persists) or tips it (one
                side escalates more). Compare the mean end week and the outcome shares
                in the worked solution; since the arms share their seeds, the
                difference is due to escalation alone, but with 100 runs only a large
                difference stands out from the noise.
                """,
                """
                calm = load_scenario(
                    LIBYA,
                    overrides={"name": "libya_no_escalation", "description": "no competitive escalation",
                               **{f"backers.{bid}.escalation_response": 0.0 for bid in spec.backers}},
                )
                res_calm = run_sweep([calm], reps=REPS, seed=4, workers=1, progress=False)
                both = pd.concat([res.runs.query("scenario == @base"), res_calm.runs])
                display(both.groupby("scenario")["end_week"].mean().round(1))
                both.groupby("scenario")["outcome"].value_counts(normalize=True).unstack().round(2)
                """,
            ),
            Exercise(
                """
                In the ripeness run above, how many weeks was the war ripe before a
                ceasefire was agreed? Why is a ceasefire not agreed as soon as the war
                becomes ripe?
                """,
                """
                Count the ripe weeks before the first ceasefire week in `track`. When
                ripe, a ceasefire is agreed only with the weekly probability
                `base_hazard` (plus `mediation_hazard` × the strength of any
                mediation), so a ripe war without a mediator can wait many weeks; and
                in a week when a ceasefire is drawn while the vetoing backer's client
                is attacking with confidence, the veto blocks it. Ripeness makes talks
                *possible*, not certain (Zartman's "way out" is the mediator's part).
                """,
                """
                first_cf = track.index[track["ceasefire"]].min()
                ripe_before = int(track.loc[: first_cf - 1, "ripe"].sum()) if pd.notna(first_cf) else int(track["ripe"].sum())
                print(f"first ceasefire week: {first_cf}; ripe weeks before it: {ripe_before}")
                print("weekly chance of a ceasefire when ripe, without mediation:", tspec.termination.base_hazard)
                """,
            ),
            Exercise(
                """
                Who holds a veto in the Libya scenario? How often was a veto cast in the
                baseline runs, and in how many runs did a ceasefire happen at all?
                What does that suggest about how much the Libya vetoes matter in this
                calibration, and which what-if scenarios in `scenarios/` would test it?
                """,
                """
                `spec.backers` shows which backers have `veto = true` (in the scenario
                file: the UAE and Russia). If vetoes are rare in the baseline runs,
                then taking them away can change little, however strong the veto
                players' role is in the literature: a veto only bites when the war is
                ripe, a ceasefire is drawn, and the client is attacking with
                confidence. The Berlin what-ifs (`libya_berlin_conference.toml` with
                the vetoes, `libya_berlin_binding.toml` with the UAE and Russia bound
                to the conference) make ceasefires likelier, which is when a veto can
                matter; compare them with `compare`.
                """,
                """
                print("veto holders:", [b.name for b in spec.backers.values() if b.veto])
                r = res.runs.query("scenario == @base")
                print(f"runs with a veto cast: {(r['vetoes'] > 0).mean():.2f}; mean vetoes per run: {r['vetoes'].mean():.3f}")
                print(f"runs with a ceasefire agreed: {(r['ceasefires'] > 0).mean():.2f}")
                """,
            ),
        ]
    )
    return cells


# ---------------------------------------------------------------------------------------
# 5. Build your own theatre
# ---------------------------------------------------------------------------------------

PORT_CITY = '''
# ILLUSTRATIVE ONLY: a stylised coastal offensive on a port city, loosely
# inspired by the war in Yemen in 2018. It is not calibrated and describes no
# real battle: every number is an assumption chosen to make a small, fast
# teaching theatre. Place names are used for orientation only.

name = "port_city"
description = "Illustrative, uncalibrated: a coastal offensive on a rebel-held port city (Yemen-like)"
start_date = 2018-06-14  # assumption: illustrative
horizon_weeks = 78  # assumption: eighteen months

# [from, to, km]: approximate road distances (assumption)
roads = [
    ["aden", "mocha", 180],  # assumption
    ["mocha", "khawkha", 55],  # assumption
    ["khawkha", "hays", 40],  # assumption
    ["khawkha", "durayhimi", 90],  # assumption: the coastal road
    ["hays", "bayt_al_faqih", 60],  # assumption: the inland road
    ["durayhimi", "hodeidah_airport", 20],  # assumption
    ["bayt_al_faqih", "hodeidah_airport", 50],  # assumption
    ["hodeidah_airport", "hodeidah", 8],  # assumption
    ["hodeidah", "bajil", 55],  # assumption
    ["bayt_al_faqih", "bajil", 70],  # assumption
    ["bajil", "sanaa", 170],  # assumption
]

[front]
objective = "hodeidah"  # assumption: the port is the offensive's aim
attacker = "GOV"  # assumption

[combat]
lethality = 0.03  # assumption: as the Libya scenario
noise_sigma = 0.5  # assumption
defender_break = 0.06  # assumption
attacker_break = 0.10  # assumption
cover_urban = 1.5  # assumption: a low-rise port town gives less cover than Tripoli's suburbs
fortify_rate = 0.03  # assumption
fortify_max = 1.5  # assumption

[termination]
base_hazard = 0.02  # assumption
ripe_stalemate_weeks = 10  # assumption
hurting_rate = 0.002  # assumption

[places.aden]
name = "Aden"
lon = 45.03  # assumption: approximate
lat = 12.80  # assumption: approximate
terrain = "urban"
holder = "GOV"  # assumption: illustrative
value = { capital = 0.6, population = 0.8 }  # assumption

[places.mocha]
name = "Mocha"
lon = 43.25  # assumption: approximate
lat = 13.32  # assumption: approximate
terrain = "urban"
holder = "GOV"  # assumption: illustrative
value = { population = 0.3 }  # assumption

[places.khawkha]
name = "Khawkha"
lon = 43.27  # assumption: approximate
lat = 13.80  # assumption: approximate
terrain = "open"
holder = "GOV"  # assumption: illustrative
value = { population = 0.1 }  # assumption

[places.hays]
name = "Hays"
lon = 43.48  # assumption: approximate
lat = 13.93  # assumption: approximate
terrain = "open"
holder = "GOV"  # assumption: illustrative
value = { population = 0.1 }  # assumption

[places.durayhimi]
name = "Durayhimi"
lon = 43.02  # assumption: approximate
lat = 14.68  # assumption: approximate
terrain = "open"
holder = "REB"  # assumption: illustrative
value = { population = 0.1 }  # assumption

[places.bayt_al_faqih]
name = "Bayt al-Faqih"
lon = 43.28  # assumption: approximate
lat = 14.52  # assumption: approximate
terrain = "open"
holder = "REB"  # assumption: illustrative
value = { population = 0.2 }  # assumption

[places.hodeidah_airport]
name = "Hodeidah airport"
lon = 42.98  # assumption: approximate
lat = 14.75  # assumption: approximate
terrain = "open"
holder = "REB"  # assumption: illustrative
value = { airbase = 0.3 }  # assumption

[places.hodeidah]
name = "Hodeidah port"
lon = 42.95  # assumption: approximate
lat = 14.80  # assumption: approximate
terrain = "urban"
holder = "REB"  # assumption: illustrative
value = { capital = 0.3, population = 0.8 }  # assumption: the rebels' sea lifeline

[places.bajil]
name = "Bajil"
lon = 43.28  # assumption: approximate
lat = 15.06  # assumption: approximate
terrain = "open"
holder = "REB"  # assumption: illustrative
value = { population = 0.1 }  # assumption

[places.sanaa]
name = "Sanaa"
lon = 44.21  # assumption: approximate
lat = 15.35  # assumption: approximate
terrain = "urban"
holder = "REB"  # assumption: illustrative
value = { capital = 1.0, population = 1.0 }  # assumption

[factions.GOV]
name = "Government forces and allied brigades"
fighters = 20000  # assumption
quality = 0.9  # assumption
morale = 0.65  # assumption
cohesion = 0.7  # assumption: a fractious coalition of brigades
funds = 20.0  # assumption: MUSD
income = 3.0  # assumption: MUSD a week
pay_per_fighter = 150.0  # assumption: USD a week
recruit_rate = 0.002  # assumption
drones = 2.0  # assumption
air_defence = 1.0  # assumption
equipment = 120.0  # assumption
objective = "hodeidah"  # assumption
home = "aden"  # assumption
posture = "attack"  # assumption
front_share = 0.5  # assumption
attack_share = 0.7  # assumption
focus_km = 40.0  # assumption

[factions.REB]
name = "Rebel movement"
fighters = 16000  # assumption
quality = 1.0  # assumption
morale = 0.7  # assumption
cohesion = 0.85  # assumption
funds = 10.0  # assumption: MUSD
income = 2.5  # assumption: MUSD a week
pay_per_fighter = 100.0  # assumption: USD a week
recruit_rate = 0.003  # assumption
drones = 1.0  # assumption
air_defence = 1.0  # assumption
equipment = 80.0  # assumption
objective = "mocha"  # assumption: retaking the coast defeats the offensive
home = "sanaa"  # assumption
posture = "hold"  # assumption
front_share = 0.5  # assumption
attack_ratio = 1.2  # assumption

[backers.gulf_a]
name = "Gulf state A"
client = "GOV"  # assumption: illustrative
resolve = 0.7  # assumption
budget = 8.0  # assumption: MUSD a week
veto = true  # assumption
channels.arms = { amount = 6.0, unit_cost = 0.2, lag_weeks = 2, route = "sea" }  # assumption
channels.drones = { amount = 0.2, unit_cost = 2.0, lag_weeks = 2, route = "air" }  # assumption
channels.funds = { amount = 1.0, unit_cost = 1.0, lag_weeks = 1, route = "air" }  # assumption

[backers.gulf_b]
name = "Gulf state B"
client = "GOV"  # assumption: illustrative
resolve = 0.6  # assumption
budget = 4.0  # assumption: MUSD a week
channels.advisers = { amount = 3.0, unit_cost = 0.05, lag_weeks = 1, route = "air" }  # assumption

[backers.regional_power]
name = "Regional power"
client = "REB"  # assumption: illustrative
resolve = 0.7  # assumption
budget = 3.0  # assumption: MUSD a week
channels.arms = { amount = 3.0, unit_cost = 0.2, lag_weeks = 4, route = "sea" }  # assumption: smuggled by sea
channels.drones = { amount = 0.1, unit_cost = 1.0, lag_weeks = 4, route = "sea" }  # assumption
channels.advisers = { amount = 1.0, unit_cost = 0.05, lag_weeks = 2, route = "land" }  # assumption

[groups.contractors]
name = "Foreign contracted fighters"
faction = "GOV"  # assumption: illustrative
payer = "gulf_b"  # assumption: illustrative
size = 1500  # assumption
quality = 0.8  # assumption
pay_per_fighter = 400.0  # assumption: USD a week
arrival = 4  # assumption: week 4
deploy_rate = 300.0  # assumption: fighters a week
'''

EMBARGO_WHAT_IF = '''
# ILLUSTRATIVE what-if for port_city.toml: naval inspections of the rebels'
# sea supply from week 8. Every number is an assumption.
extends = "port_city.toml"
name = "port_city_inspections"
description = "Illustrative what-if: naval inspections stop 60 % of the regional power's sea shipments from week 8"

[[interventions]]
type = "embargo"
description = "Naval inspections of the rebels' sea supply"
week = 8  # assumption
sea = 0.6  # assumption: share of sea shipments intercepted
backers = ["regional_power"]
'''


def nb05() -> list[nbformat.NotebookNode]:
    """Write a scenario for another proxy war, validate it, run it, break it."""
    cells = [
        md(
            """
            # 5. Build your own theatre

            The model has no Libya in its code: Libya is a scenario file. Another proxy
            war is another file: its map, its factions, their backers and contractors,
            and the policies to try. This notebook writes one, runs it, writes a
            what-if for it, and then breaks it on purpose to see what the validator
            says.

            The theatre here is **illustrative only**: a stylised coastal offensive on a
            rebel-held port city, loosely inspired by the war in Yemen in 2018. It is
            not calibrated, and every number in it is marked as an assumption.

            **Learning goals.** After this notebook you can

            - name the tables of a scenario file and what each holds;
            - write a scenario, with every number sourced or marked `assumption`, and
              load it with `load_scenario`;
            - run it once and as a sweep, exactly like the Libya scenario;
            - write a what-if that `extends` a scenario and states only its change;
            - read the validator's messages (`ScenarioError`, or `validate` on the
              command line) and fix what they point at.

            It takes well under a minute to run. The files go to a temporary folder;
            nothing is written into the repository.
            """
        ),
        code(SETUP),
        md(
            """
            ## The parts of a scenario file

            | table | what it holds |
            |---|---|
            | top level | `name`, `description`, `start_date`, `horizon_weeks`, `roads` (`[from, to, km]`) |
            | `[front]` | the contested `objective` (a place) and the `attacker` (a faction): the front distance is measured between them |
            | `[combat]`, `[stalemate]`, `[termination]` | mechanism parameters; anything left out takes the default in `sim/scenario/schema.py` |
            | `[places.ID]` | `name`, `lon`, `lat`, `terrain` (urban, open, desert), `holder`, `value` (capital, airbase, oil, population) |
            | `[factions.ID]` | exactly two: fighters, quality, morale, cohesion, money, drones, `objective`, `home`, starting `posture`, ... |
            | `[backers.ID]` | `client`, `resolve`, `budget`, `veto`, and `channels` (funds, arms, drones, air_defence, advisers: amount, unit cost, lag, route) |
            | `[groups.ID]` | mercenary groups: `faction`, `payer`, `size`, `quality`, `pay_per_fighter`, `arrival`, `deployed` |
            | `[[interventions]]` | policies and events: sanction, withdraw, redeploy, embargo, surge, mediation, ceasefire_breakdown, at a date, a week, or `when` a condition holds |

            Every number carries a comment: its source, or `assumption` (or `tuned`
            for calibrated values). The rule is the project's, and it is also the
            reader's protection: a result can be no better than the numbers that
            went in, and the comments say which numbers are guesses.

            ## Write it

            The scenario text is in the cell below; read it before running it.
            """
        ),
        code(
            "import subprocess\nimport sys\nimport tempfile\n\nPORT_CITY = '''"
            + PORT_CITY.strip("\n")
            + "\n'''\n\n"
            + textwrap.dedent(
                """
                WORK = Path(tempfile.mkdtemp(prefix="my-theatre-"))
                path = WORK / "port_city.toml"
                path.write_text(PORT_CITY, encoding="utf-8")
                spec = load_scenario(path)  # raises ScenarioError if anything is wrong
                print("valid:", spec.name, "-", spec.description)
                print(len(spec.places), "places,", len(spec.roads), "roads,", len(spec.backers), "backers,", len(spec.groups), "group(s)")
                """
            ).strip()
        ),
        md("## Run it once"),
        code(
            """
            model = ProxyWarModel(spec, rng=3)
            sim.viz.plots.plot_map(model);
            model.run()
            print(model.summary()["outcome"], "in week", model.summary()["end_week"])
            for week, text in model.events_log[:15]:
                print(f"week {week:3d}: {text}")
            sim.viz.plots.plot_front_timeline(model);
            """
        ),
        md(
            """
            ## Run it many times

            A sweep of the new theatre works exactly as for Libya.
            """
        ),
        code(
            """
            res = run_sweep([spec], reps=150, seed=1, workers=1, progress=False)
            print(f"{res.total} runs in {res.elapsed:.1f} s")
            display(res.summary.round(3))
            sim.viz.plots.plot_front_fan(res.front, objective=spec.places[spec.front.objective].name);
            """
        ),
        md(
            """
            ## A what-if that states only its change

            A what-if file names its parent with `extends` and adds or changes what it
            needs; tables are merged key by key, and `[[interventions]]` are appended
            to the parent's. Here: naval inspections that stop most of the regional
            power's sea shipments from week 8 (an `embargo` that applies to one
            backer). The file must sit next to its parent, since `extends` is a path
            relative to the what-if.
            """
        ),
        code(
            "EMBARGO_WHAT_IF = '''"
            + EMBARGO_WHAT_IF.strip("\n")
            + "\n'''\n\n"
            + textwrap.dedent(
                """
                what_if = WORK / "port_city_inspections.toml"
                what_if.write_text(EMBARGO_WHAT_IF, encoding="utf-8")
                both = run_sweep([path, what_if], reps=150, seed=1, workers=1, progress=False)
                display(both.summary.round(3))
                sim.viz.plots.plot_outcome_probabilities(both.summary);
                print("intercepted (mean units per run):", both.runs.groupby("scenario")["intercepted"].mean().round(1).to_dict())
                """
            ).strip()
        ),
        md(
            """
            The arms share their seeds (replicate *i* of both uses the same seed), so
            `sim.experiments.compare.compare(path, [what_if], ...)` would give the paired
            difference and its interval (notebook 3).

            ## Break it on purpose

            The loader checks every key against the schema and every reference
            between tables, and reports *all* problems at once, one line each:
            `FILE: key.path: expected ..., found ...`. Here are five typical mistakes:
            """
        ),
        code(
            """
            mistakes = {
                "a typo in a key": ('fighters = 20000  # assumption', 'fightres = 20000  # assumption'),
                "a word where a number belongs": ('morale = 0.65  # assumption', 'morale = "high"  # assumption'),
                "a road to a place that does not exist": ('["hodeidah", "bajil", 55]', '["hodeida", "bajil", 55]'),
                "a share above 1": ('cohesion = 0.85  # assumption', 'cohesion = 1.85  # assumption'),
                "a missing required key": ('holder = "REB"  # assumption: illustrative\\nvalue = { population = 0.1 }  # assumption\\n\\n[places.bayt_al_faqih]',
                                           'value = { population = 0.1 }  # assumption\\n\\n[places.bayt_al_faqih]'),
            }
            for what, (good, bad) in mistakes.items():
                assert good in PORT_CITY, good
                broken = WORK / "broken.toml"
                broken.write_text(PORT_CITY.replace(good, bad, 1), encoding="utf-8")
                try:
                    load_scenario(broken)
                    print(f"{what}: loaded without complaint?!")
                except ScenarioError as err:
                    print(f"{what}:")
                    for line in err.problems:
                        print("   ", line.replace(str(WORK) + "/", ""))
            """
        ),
        md(
            """
            The command line does the same with `validate` (exit status 2 and one line
            per problem, no traceback), which is handy before a long sweep:
            """
        ),
        code(
            """
            broken.write_text(PORT_CITY.replace("fighters = 16000", "fighters = -16000"), encoding="utf-8")
            done = subprocess.run([sys.executable, "-m", "sim.cli", "validate", str(path), str(broken)],
                                  capture_output=True, text=True)
            print("exit status:", done.returncode)
            print((done.stdout + done.stderr).replace(str(WORK) + "/", ""))
            """
        ),
    ]
    cells += exercises(
        [
            Exercise(
                """
                Add a place: a town called Zabid (open terrain, held by the rebels,
                `lon = 43.32`, `lat = 14.20`, population value 0.2, every number marked
                as an assumption) on a road of 25 km from Hays and 35 km from Bayt
                al-Faqih. Load it and run one war. Did the front distance at the start
                change? Why or why not?
                """,
                """
                Add a `[places.zabid]` table and two roads to the `roads` array. The
                front distance at the start is the road distance from the port to the
                nearest place the attacker holds; Zabid is held by the rebels, so it
                changes the distance only if it opens a *shorter road* from a
                government-held place to the port: Hays–Zabid–Bayt al-Faqih is 60 km,
                the same as the direct road, so it does not. What changes is the map
                the war is fought on: a new place on the front to take and hold.
                """,
                """
                zabid = '''
                [places.zabid]
                name = "Zabid"
                lon = 43.32  # assumption: approximate
                lat = 14.20  # assumption: approximate
                terrain = "open"
                holder = "REB"  # assumption: illustrative
                value = { population = 0.2 }  # assumption
                '''
                text = PORT_CITY.replace(
                    '    ["bajil", "sanaa", 170],  # assumption\\n',
                    '    ["bajil", "sanaa", 170],  # assumption\\n    ["hays", "zabid", 25],  # assumption\\n    ["zabid", "bayt_al_faqih", 35],  # assumption\\n',
                ) + zabid
                p2 = WORK / "port_city_zabid.toml"
                p2.write_text(text, encoding="utf-8")
                s2 = load_scenario(p2)
                m2 = ProxyWarModel(s2, rng=3)
                print("front at the start:", ProxyWarModel(spec, rng=3).front_km, "km before,", m2.front_km, "km with Zabid")
                m2.run()
                print(m2.summary()["outcome"], "in week", m2.summary()["end_week"])
                """,
            ),
            Exercise(
                """
                Delete the `home` line of the rebel faction and load the file. What does
                the message say, and where does it point?
                """,
                """
                One line, naming the file and the key path `factions.REB.home`, saying
                that a value was expected and nothing was found (a required key). Keys
                with defaults (most of `[combat]`, for instance) can be left out;
                `home` cannot, because the model needs to know where each faction's
                defence is anchored.
                """,
                """
                broken.write_text(PORT_CITY.replace('home = "sanaa"  # assumption\\n', ""), encoding="utf-8")
                try:
                    load_scenario(broken)
                except ScenarioError as err:
                    print("\\n".join(err.problems).replace(str(WORK) + "/", ""))
                """,
            ),
            Exercise(
                """
                Write a second what-if in which the regional power walks away in week 12
                (an intervention of type `withdraw` with `backer = "regional_power"`)
                and compare it with the base theatre. Which way does the outcome
                distribution move?
                """,
                """
                A withdrawal stops all the backer's channels from that week on (and
                recalls any group it pays; it pays none here). With the rebels'
                support gone, the government side should gain: look for a higher
                probability of `victory:GOV` and a lower one for the outcomes in which
                the rebels hold (stylised fact 2). How much it moves depends on how
                much the regional power's modest support mattered in this theatre.
                """,
                """
                walk = WORK / "port_city_walkaway.toml"
                walk.write_text('''
                extends = "port_city.toml"
                name = "port_city_walkaway"
                description = "Illustrative what-if: the regional power withdraws in week 12"

                [[interventions]]
                type = "withdraw"
                backer = "regional_power"
                week = 12  # assumption
                ''', encoding="utf-8")
                res_walk = run_sweep([walk], reps=150, seed=1, workers=1, progress=False)  # same seeds as `res`
                pd.concat([res.summary, res_walk.summary]).pivot(index="scenario", columns="outcome", values="probability").fillna(0.0).round(3)
                """,
            ),
            Exercise(
                """
                How much do the results depend on one assumption? Sweep the base theatre
                with `combat.cover_urban` set to 1.0 and to 2.5 instead of the file's
                1.5 (use `run_sweep(..., overrides={"combat.cover_urban": 1.0})`) and
                compare the chance that the port falls.
                """,
                """
                Urban cover divides the attacker's kill rate in towns, and the port is
                urban, so more cover should make it harder to take: expect the
                attacker's victory to become rarer as `cover_urban` grows. If an
                outcome swings widely over a plausible range of one assumption, the
                scenario's answer to any policy question is only as good as that
                assumption, which is what the `sensitivity` command measures
                systematically.
                """,
                """
                rows = [{"cover_urban": 1.5, **res.summary.set_index("outcome")["probability"].round(3).to_dict()}]
                for cover in (1.0, 2.5):
                    r = run_sweep([path], reps=100, seed=1, workers=1, progress=False, overrides={"combat.cover_urban": cover})
                    rows.append({"cover_urban": cover, **r.summary.set_index("outcome")["probability"].round(3).to_dict()})
                pd.DataFrame(rows).set_index("cover_urban").sort_index().fillna(0.0)
                """,
            ),
            Exercise(
                """
                Every number in the file says where it comes from. If you were to turn
                this illustrative theatre into a real one, which numbers would you try
                to source first, and where would you look?
                """,
                """
                Those the outcome is most sensitive to and those that are checkable.
                Forces (fighters on each side) and the timing and size of the
                contractors' deployment: UN Panel of Experts reports, think-tank order
                of battle estimates, news reports. Distances and who held what on the
                start date: maps and dated news reports. Support channels: UN Panel
                reports on arms transfers, embargo monitoring. Behavioural parameters
                (morale, resolve, break points) can rarely be sourced directly; they
                are `tuned` so that the model reproduces known facts (when a town fell,
                casualty counts), which is what `docs/calibration.md` does for Libya.
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
    "03_sanctions_on_a_contractor.ipynb": nb03,
    "04_when_backers_walk_away.ipynb": nb04,
    "05_build_your_own_theatre.ipynb": nb05,
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
