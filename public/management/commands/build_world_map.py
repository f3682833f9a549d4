"""Build public/data/world-map.json, the home and region pages' map, from Natural Earth data.

Run it only to refresh the vendored geometry, never at run time:

    mkdir /tmp/atlas && cd /tmp/atlas && npm pack world-atlas@2 && tar xzf world-atlas-*.tgz
    python manage.py build_world_map /tmp/atlas/package/countries-110m.json

The input is world-atlas's TopoJSON of Natural Earth's 1:110m countries (public domain). Each
country becomes one SVG path in the Natural Earth projection, 1000 units wide, simplified
(each shared border once, so neighbours still meet) to 1 decimal, relative commands: small
enough to send with the page.
"""

import itertools
import json
import math
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django_countries import countries

OUTPUT = Path(__file__).resolve().parents[2] / "data" / "world-map.json"
WIDTH = 1000
# Douglas-Peucker tolerance and the smallest island kept, in map units (1/1000 of the width).
TOLERANCE = 0.45
SMALLEST_RING = 1.5  # square units; a country's largest ring is always kept
# A country's "main" box (which a region's map frames) ignores parts smaller than this share of
# its largest: French Guiana does not stretch Europe's frame, nor Chukotka Asia's.
MAIN_PART = 0.2
LEFT_OUT = {"AQ"}  # Antarctica: a third of the height for no affiliate

Point = tuple[float, float]


def natural_earth(lon: float, lat: float) -> Point:
    """The Natural Earth I projection (Šavrič et al. 2011), as d3-geo's naturalEarth1Raw."""
    lam, phi = math.radians(lon), math.radians(lat)
    phi2 = phi * phi
    phi4 = phi2 * phi2
    x = lam * (
        0.8707 - 0.131979 * phi2 + phi4 * (-0.013791 + phi4 * (0.003971 * phi2 - 0.001529 * phi4))
    )
    y = phi * (
        1.007226 + phi2 * (0.015085 + phi4 * (-0.044475 + 0.028874 * phi2 - 0.005916 * phi4))
    )
    return x, y


def simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker, iterative, keeping both ends (arcs meet other arcs there)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        dx, dy = bx - ax, by - ay
        length = math.hypot(dx, dy)
        farthest, index = -1.0, first
        for i in range(first + 1, last):
            px, py = points[i]
            if length:
                distance = abs(dy * px - dx * py + bx * ay - by * ax) / length
            else:
                distance = math.hypot(px - ax, py - ay)
            if distance > farthest:
                farthest, index = distance, i
        if farthest > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def area(ring: list[Point]) -> float:
    return abs(
        sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True))
        / 2
    )


def tenths(value: float) -> int:
    return round(value * 10)


def number(value: int) -> str:
    """A tenth-unit integer as the shortest decimal: 12 -> "1.2", -3 -> "-.3", 40 -> "4"."""
    sign = "-" if value < 0 else ""
    whole, tenth = divmod(abs(value), 10)
    if not tenth:
        return f"{sign}{whole}"
    return f"{sign}{whole or ''}.{tenth}"


def path_data(rings: list[list[Point]]) -> str:
    """Relative SVG path commands, from coordinates rounded once (no drift)."""
    parts = []
    for ring in rings:
        coords = [(tenths(x), tenths(y)) for x, y in ring]
        deduped = [coords[0]] + [c for prev, c in itertools.pairwise(coords) if c != prev]
        if deduped[-1] == deduped[0]:
            deduped.pop()
        if len(deduped) < 3:
            continue
        x0, y0 = deduped[0]
        tokens = []
        for (px, py), (x, y) in itertools.pairwise(deduped):
            tokens += [number(x - px), number(y - py)]
        # A minus sign starts a new number, and so does a second decimal point: no space needed.
        joined = tokens[0]
        for previous, token in itertools.pairwise(tokens):
            glued = token.startswith("-") or (token.startswith(".") and "." in previous)
            joined += token if glued else " " + token
        parts.append(f"M{number(x0)} {number(y0)}l{joined}z")
    return "".join(parts)


def box(rings: list[list[Point]]) -> list[float]:
    xs = [min(max(x, 0), WIDTH) for ring in rings for x, _ in ring]
    ys = [y for ring in rings for _, y in ring]
    return [round(min(xs), 1), round(min(ys), 1), round(max(xs), 1), round(max(ys), 1)]


class Command(BaseCommand):
    help = "Build public/data/world-map.json from world-atlas's countries-110m.json."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("topojson", type=Path)
        parser.add_argument("--output", type=Path, default=OUTPUT)

    def handle(self, *args: Any, **options: Any) -> None:
        topology = json.loads(options["topojson"].read_text())
        scale_x, scale_y = topology["transform"]["scale"]
        shift_x, shift_y = topology["transform"]["translate"]
        degrees: list[list[Point]] = []
        for arc in topology["arcs"]:
            x = y = 0
            points = []
            for dx, dy in arc:  # delta-encoded, quantised
                x, y = x + dx, y + dy
                points.append((x * scale_x + shift_x, y * scale_y + shift_y))
            degrees.append(points)
        arcs = [[natural_earth(*point) for point in arc] for arc in degrees]

        geometries = topology["objects"]["countries"]["geometries"]
        wanted = []
        for geometry in geometries:
            code = countries.alpha2(int(geometry["id"])) if "id" in geometry else ""
            if code not in LEFT_OUT:
                wanted.append((code, geometry))
        # Frame the projection on what is drawn (Antarctica left out), then simplify each arc once
        # so that shared borders stay shared.
        used = {i if i >= 0 else ~i for _c, g in wanted for ring in _rings(g) for i in ring}
        xs = [x for i in used for x, _ in arcs[i]]
        ys = [y for i in used for _, y in arcs[i]]
        left, top = min(xs), max(ys)
        scale = WIDTH / (max(xs) - left)
        height = math.ceil((top - min(ys)) * scale)

        def on_map(point: Point) -> Point:
            x, y = natural_earth(*point)
            return (x - left) * scale, (top - y) * scale

        simple = [simplify([on_map(p) for p in arc], TOLERANCE) for arc in degrees]

        def ring_of(indexes: list[int]) -> list[Point]:
            crossing = _ring(degrees, indexes)
            if not any(abs(a[0] - b[0]) > 180 for a, b in itertools.pairwise(crossing)):
                return _ring(simple, indexes)
            # Across the antimeridian (Russia, Fiji): made continuous, so the part beyond 180
            # degrees runs off the map's edge instead of a stripe across the whole map.
            shift, previous, unwrapped = 0.0, crossing[0][0], []
            for lon, lat in crossing:
                if lon + shift - previous > 180:
                    shift -= 360
                elif lon + shift - previous < -180:
                    shift += 360
                previous = lon + shift
                unwrapped.append(on_map((previous, lat)))
            return simplify(unwrapped, TOLERANCE)

        shapes: dict[str, dict[str, Any]] = {}
        unnamed: list[str] = []
        for code, geometry in wanted:
            polygons = []
            for polygon in _polygons(geometry):
                rings = [ring_of(ring) for ring in polygon]
                polygons.append([r for r in rings if len(r) >= 3])
            polygons = [p for p in polygons if p]
            largest = max(area(p[0]) for p in polygons)
            kept = [p for p in polygons if area(p[0]) >= SMALLEST_RING or area(p[0]) == largest]
            rings = [ring for polygon in kept for ring in polygon]
            d = path_data(rings)
            if not code:
                unnamed.append(d)  # Kosovo, N. Cyprus, Somaliland: no ISO code, drawn unlinked
                continue
            main = [p[0] for p in kept if area(p[0]) >= MAIN_PART * largest]
            shapes[code] = {"d": d, "box": box(main)}
        data = {
            "source": "Natural Earth 1:110m countries (public domain) via world-atlas 2 (ISC)",
            "width": WIDTH,
            "height": height,
            "countries": dict(sorted(shapes.items())),
            "unnamed": unnamed,
        }
        options["output"].parent.mkdir(parents=True, exist_ok=True)
        options["output"].write_text(json.dumps(data, separators=(",", ":")) + "\n")
        self.stdout.write(
            f"{len(shapes)} countries, {options['output'].stat().st_size} bytes "
            f"-> {options['output']}"
        )


def _polygons(geometry: dict[str, Any]) -> list[list[list[int]]]:
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    return list(geometry["arcs"])


def _rings(geometry: dict[str, Any]) -> list[list[int]]:
    return [ring for polygon in _polygons(geometry) for ring in polygon]


def _ring(arcs: list[list[Point]], indexes: list[int]) -> list[Point]:
    """A ring from its arcs (~i: arc i reversed), each arc's first point shared with the last."""
    points: list[Point] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points += arc[1:] if points else arc
    return points
