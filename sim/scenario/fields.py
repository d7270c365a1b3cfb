"""The field types and base table that every part of the scenario schema shares.

Why a module of its own: the tables (``schema``) and the interventions
(``interventions``) both build on these, and the schema holds the interventions,
so they cannot live in either without an import cycle.
"""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

#: the longest horizon a scenario may ask for (a century): keeps date arithmetic finite
MAX_WEEKS = 5200
#: a ceiling for sizes and amounts: far above any real war, low enough that sums stay finite
BIG = 1e9

Prob = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
NonNeg = Annotated[float, Field(ge=0.0, le=BIG, allow_inf_nan=False)]
Pos = Annotated[float, Field(gt=0.0, le=BIG, allow_inf_nan=False)]
# whole numbers here count weeks (lags, windows, tolerances) or places
NonNegInt = Annotated[int, Field(ge=0, le=MAX_WEEKS)]
PosInt = Annotated[int, Field(ge=1, le=MAX_WEEKS)]
# combat multipliers, bounded to their meaning (and so the Lanchester exponentials stay finite)
Quality = Annotated[float, Field(gt=0.0, le=10.0, allow_inf_nan=False)]
Cover = Annotated[float, Field(ge=0.1, le=10.0, allow_inf_nan=False)]

#: a backer's support channels (the one list: CHANNELS is derived from it)
ChannelName = Literal["funds", "arms", "drones", "air_defence", "advisers"]
#: the routes support and rotations travel by (the one list: ROUTES is derived from it)
RouteName = Literal["sea", "air", "land"]
CHANNELS: tuple[str, ...] = get_args(ChannelName)
ROUTES: tuple[str, ...] = get_args(RouteName)


class _Strict(BaseModel):
    """Base for every scenario table: unknown keys are errors, numbers finite."""

    # strict: a string "25000" or `true` where a number belongs is an error, not a coercion;
    # frozen: a loaded scenario is a value, shared by every run (change it with overrides)
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True, strict=True)
