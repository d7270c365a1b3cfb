"""The engagement law: a week's fight between two forces, in closed form.

Law: the Lanchester *square* law, solved in closed form over one week. Why:
the Tripoli fighting was aimed fire between concentrated forces (drones,
artillery spotted by drones, snipers, infantry in suburbs), where each side's
losses scale with the other's effective strength. The kill rates come from
:func:`sim.model.combat.fight_week` (terrain, quality, morale, air power,
supply and the week's noise).

A place changes hands when its defence breaks: the engagement is fought until
one side has lost its breakpoint share (``defender_break``, ``attacker_break``;
Helmbold-style breakpoints) or the week ends, and the place falls when the
defenders reach theirs first.
"""

from __future__ import annotations

import math


def lanchester_square(
    x0: float, y0: float, alpha: float, beta: float, tau: float = 1.0
) -> tuple[float, float]:
    """Closed-form square law ``x' = -beta*y, y' = -alpha*x`` over ``tau``.

    Args:
        x0: starting strength of the attacker.
        y0: starting strength of the defender.
        alpha: attacker's kill rate per fighter per week.
        beta: defender's kill rate per fighter per week.
        tau: duration in weeks.

    Returns:
        Strengths at ``tau`` (clipped at zero: the side that is wiped out stops
        the fight, and the survivor keeps the strength it had at that moment).
    """
    if x0 <= 0 or y0 <= 0 or alpha <= 0 or beta <= 0:
        return x0, y0
    return _square_at(
        x0, y0, math.sqrt(alpha * beta), math.sqrt(beta / alpha), math.sqrt(alpha / beta), tau
    )


def _time_to_break(
    x0: float, y0: float, alpha: float, beta: float, side: int, frac: float
) -> float:
    """Earliest time at which ``side`` (0 attacker, 1 defender) has lost ``frac`` of itself.

    Closed form: with ``u = exp(w t)`` the square law gives
    ``s(u) = (a u + c / u) / 2`` with ``a = s0 - e0 k`` and ``c = s0 + e0 k``
    (``k`` the ratio of kill rates), so ``s = (1 - frac) s0`` is a quadratic in
    ``u`` whose first root past ``u = 1`` is ``(sb - sqrt(sb**2 - a c)) / a``.
    Returns 2.0 (beyond the week) when the breakpoint is never reached.
    """
    w = math.sqrt(alpha * beta)
    if side == 0:
        s0, e0, k = x0, y0, math.sqrt(beta / alpha)
    else:
        s0, e0, k = y0, x0, math.sqrt(alpha / beta)
    a, c = s0 - e0 * k, s0 + e0 * k
    sb = (1.0 - frac) * s0
    disc = sb * sb - a * c
    if disc < 0:
        return 2.0
    u = c / (2.0 * sb) if abs(a) < 1e-12 * s0 else (sb - math.sqrt(disc)) / a
    if u < 1.0:
        return 0.0 if u > 0 else 2.0
    return math.log(u) / w


def engagement(
    x0: float, y0: float, alpha: float, beta: float, attacker_break: float, defender_break: float
) -> tuple[float, float, bool]:
    """One week's assault, fought until a side reaches its breakpoint or the week ends.

    Why stop at a breakpoint: a unit that has lost a set share of its strength
    in an action stops fighting (Helmbold); a failed assault is called off, so
    the attacker does not bleed for the whole week.

    Returns:
        ``(attackers left, defenders left, captured)``; captured when the
        defenders break first.
    """
    if alpha <= 0 or beta <= 0:
        return x0, y0, False
    # the square law's constants, shared by the full week and the breakpoint time
    w = math.sqrt(alpha * beta)
    kx, ky = math.sqrt(beta / alpha), math.sqrt(alpha / beta)
    x1, y1 = _square_at(x0, y0, w, kx, ky, 1.0)
    fx, fy = 1.0 - x1 / x0, 1.0 - y1 / y0
    if fx < attacker_break and fy < defender_break:
        return x1, y1, False
    t_x = _time_to_break(x0, y0, alpha, beta, 0, attacker_break) if fx >= attacker_break else 2.0
    t_y = _time_to_break(x0, y0, alpha, beta, 1, defender_break) if fy >= defender_break else 2.0
    t = min(t_x, t_y)
    x1, y1 = _square_at(x0, y0, w, kx, ky, t)
    return x1, y1, t_y <= t_x


def _square_at(
    x0: float, y0: float, w: float, kx: float, ky: float, tau: float
) -> tuple[float, float]:
    """:func:`lanchester_square` with its constants precomputed.

    ``w = sqrt(alpha beta)``, ``kx = sqrt(beta / alpha)``, ``ky = sqrt(alpha / beta)``.
    When one side is wiped out, the invariant ``alpha x**2 - beta y**2`` gives
    the survivor's strength.
    """
    wt = min(w * tau, 50.0)  # beyond this one side is long gone; avoids overflow
    ch, sh = math.cosh(wt), math.sinh(wt)
    x = x0 * ch - y0 * kx * sh
    y = y0 * ch - x0 * ky * sh
    if x < 0:
        return 0.0, math.sqrt(max(0.0, y0 * y0 - (ky * ky) * x0 * x0))
    if y < 0:
        return math.sqrt(max(0.0, x0 * x0 - (kx * kx) * y0 * y0)), 0.0
    return x, y
