"""Clip Natural Earth coastlines and borders to the theatres' regions (run once, by hand).

Why a tool and not a dependency: the figures need a few hundred kB of plain
coordinates, not cartopy or geopandas. The source is the npm package
``world-atlas`` (Natural Earth 4.1.0 as TopoJSON, ISC-licensed packaging of
public-domain data)::

    cd /tmp && npm pack world-atlas && tar xzf world-atlas-*.tgz
    python tools/naturalearth_clip.py /tmp/package/countries-50m.json \
        sim/data/naturalearth/regions-50m.json

The output holds, per region (a lon/lat box with a margin round a theatre),
the land polygons clipped to the box and the land borders between countries
as polylines, rounded to 0.01 degree (about 1 km, finer than 1:50m).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

#: name: (lon_min, lat_min, lon_max, lat_max); each a theatre with a wide margin
REGIONS = {
    "north_africa": (0.0, 14.0, 36.0, 40.0),  # Libya and its neighbours
    "levant": (26.0, 26.0, 52.0, 43.0),  # Syria, Iraq, Turkey's south
    "arabia": (30.0, 8.0, 62.0, 34.0),  # Yemen and the Arabian peninsula
}


def decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    """TopoJSON arcs (delta-encoded, quantized) as lon/lat point lists."""
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    out = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        out.append(pts)
    return out


def ring(arcs: list[list[tuple[float, float]]], idx: list[int]) -> list[tuple[float, float]]:
    """A ring from its arc indices (a negative index ~i is arc i reversed)."""
    pts: list[tuple[float, float]] = []
    for i in idx:
        a = arcs[i] if i >= 0 else arcs[~i][::-1]
        pts.extend(a if not pts else a[1:])
    return pts


def clip_polygon(poly, box):
    """Sutherland-Hodgman clip of a ring to a box (edges may run along the box)."""
    x0, y0, x1, y1 = box
    edges = [
        (lambda p: p[0] >= x0, lambda p, q: _at_x(p, q, x0)),
        (lambda p: p[0] <= x1, lambda p, q: _at_x(p, q, x1)),
        (lambda p: p[1] >= y0, lambda p, q: _at_y(p, q, y0)),
        (lambda p: p[1] <= y1, lambda p, q: _at_y(p, q, y1)),
    ]
    out = list(poly)
    for inside, cross in edges:
        if not out:
            break
        src, out = out, []
        prev = src[-1]
        for cur in src:
            if inside(cur):
                if not inside(prev):
                    out.append(cross(prev, cur))
                out.append(cur)
            elif inside(prev):
                out.append(cross(prev, cur))
            prev = cur
    return out


def _at_x(p, q, x):
    t = (x - p[0]) / (q[0] - p[0])
    return (x, p[1] + t * (q[1] - p[1]))


def _at_y(p, q, y):
    t = (y - p[1]) / (q[1] - p[1])
    return (p[0] + t * (q[0] - p[0]), y)


def clip_line(line, box):
    """Pieces of a polyline inside the box (a piece keeps one point beyond each end)."""
    x0, y0, x1, y1 = box
    pieces, cur = [], []
    for i, (x, y) in enumerate(line):
        if x0 <= x <= x1 and y0 <= y <= y1:
            if not cur and i > 0:
                cur.append(line[i - 1])
            cur.append((x, y))
        elif cur:
            cur.append((x, y))
            pieces.append(cur)
            cur = []
    if cur:
        pieces.append(cur)
    return [p for p in pieces if len(p) >= 2]


def _round(pts):
    out = []
    for x, y in pts:
        q = [round(x, 2), round(y, 2)]
        if not out or out[-1] != q:
            out.append(q)
    return out


def _area(r) -> float:
    """Absolute area of a ring (square degrees, shoelace)."""
    return (
        abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(r, r[1:] + r[:1], strict=False)))
        / 2
    )


def _centroid(r) -> tuple[float, float]:
    """Area centroid of a ring: where the country's name goes."""
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(r, r[1:] + r[:1], strict=False):
        c = x0 * y1 - x1 * y0
        a += c
        cx += (x0 + x1) * c
        cy += (y0 + y1) * c
    if a == 0:
        return r[0]
    return cx / (3 * a), cy / (3 * a)


def _inside(r, x: float, y: float) -> bool:
    """Even-odd rule: is (x, y) inside ring r."""
    hit = False
    for (x0, y0), (x1, y1) in zip(r, r[1:] + r[:1], strict=False):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            hit = not hit
    return hit


def _spots(r, n: int = 40) -> list[list[float]]:
    """Places for a country's name: its centroid, then 1-degree grid points inside it.

    Why several: the map drawer puts the name at the first spot that hides
    nothing of the theatre; ordered by distance to the centroid.
    """
    cx, cy = _centroid(r)
    xs = [x for x, _ in r]
    ys = [y for _, y in r]
    grid = [
        (float(x), float(y))
        for x in range(int(min(xs)), int(max(xs)) + 1)
        for y in range(int(min(ys)), int(max(ys)) + 1)
        if _inside(r, x, y)
    ]
    grid.sort(key=lambda p: (p[0] - cx) ** 2 + (p[1] - cy) ** 2)
    pts = ([(cx, cy)] if _inside(r, cx, cy) else []) + grid
    return [[round(x, 2), round(y, 2)] for x, y in pts[:n]]


def main(src: str, dst: str) -> None:
    """Write the clipped regions of the TopoJSON ``src`` to the JSON ``dst``."""
    topo = json.loads(Path(src).read_text())
    arcs = decode_arcs(topo)
    uses: dict[int, int] = {}
    polys = []  # country rings
    names = []  # (name, its largest ring)
    for g in topo["objects"]["countries"]["geometries"]:
        shapes = {"Polygon": [g.get("arcs", [])], "MultiPolygon": g.get("arcs", [])}.get(
            g["type"], []
        )
        rings = []
        for shape in shapes:
            for r in shape:
                for i in r:
                    uses[i if i >= 0 else ~i] = uses.get(i if i >= 0 else ~i, 0) + 1
                rings.append(ring(arcs, r))
        polys.extend(rings)
        if rings:
            names.append((g.get("properties", {}).get("name", ""), max(rings, key=_area)))
    # land borders: arcs that two countries share; coasts: arcs of one country
    borders = [arcs[i] for i, n in uses.items() if n >= 2]
    coasts = [arcs[i] for i, n in uses.items() if n == 1]
    out = {
        "source": "Natural Earth 1:50m Admin 0 countries, v4.1.0, via the npm package world-atlas",
        "attribution": (
            "Made with Natural Earth. Free vector and raster map data @ naturalearthdata.com"
        ),
        "regions": {},
    }
    for name, box in REGIONS.items():
        land = []
        for p in polys:
            c = _round(clip_polygon(p, box))
            if len(c) >= 3:
                land.append(c)
        lines = [_round(piece) for b in borders for piece in clip_line(b, box)]
        coast = [_round(piece) for b in coasts for piece in clip_line(b, box)]
        labels = []
        for country, r in names:
            if _area(r) <= 1.0:
                continue
            spots = [p for p in _spots(r) if box[0] <= p[0] <= box[2] and box[1] <= p[1] <= box[3]]
            if spots:
                labels.append([country, spots])
        out["regions"][name] = {
            "bbox": list(box),
            "land": land,
            "coast": [ln for ln in coast if len(ln) >= 2],
            "borders": [ln for ln in lines if len(ln) >= 2],
            "countries": labels,
        }
    Path(dst).parent.mkdir(parents=True, exist_ok=True)
    Path(dst).write_text(json.dumps(out, separators=(",", ":")))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
