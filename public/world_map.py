"""The map of where affiliates are, drawn on the server as SVG (home and regions' pages).

The geometry is vendored: public/data/world-map.json, built once by `manage.py build_world_map`
from Natural Earth's public-domain countries (see public/data/README.md): one pre-projected,
simplified SVG path per ISO 3166 alpha-2 code. Colours are CSS classes (static/css/site.css),
so the page needs no inline style under the strict CSP.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_countries import countries

from affiliates.search import name_order

DATA = Path(__file__).resolve().parent / "data" / "world-map.json"
CLASSES = 4  # colour classes for countries with affiliates (map-c1 .. map-c4); map-c0: none
# A region's frame gets this share of its size as a margin on each side, and is never narrower
# than this share of its height, so that a tall region does not become a strip.
MARGIN = 0.06
NARROWEST = 0.8


@cache
def geometry() -> dict[str, Any]:
    """The vendored shapes, read once per process."""
    data: dict[str, Any] = json.loads(DATA.read_text())
    return data


@dataclass(frozen=True)
class Shape:
    code: str
    name: str
    d: str
    organisations: int
    colour: int  # 0: none, else 1..CLASSES
    css: str  # its colour's class; "map-out" for a neighbour outside the region drawn
    url: str  # the directory filtered by the country ("" when it has no affiliate)
    title: str


@dataclass(frozen=True)
class LegendEntry:
    css: str
    label: str


@dataclass(frozen=True)
class WorldMap:
    view_box: str
    shapes: list[Shape]
    unnamed: list[str]  # territories without an ISO code: drawn, not linked
    legend: list[LegendEntry]
    rows: list[Shape]  # the countries with affiliates, most first: the table's rows
    # The shapes that are links, in the table's order: the keyboard's order through the map
    # follows the table beside it rather than the ISO codes.
    linked: list[Shape]
    total: int


def class_limits(counts: Iterable[int]) -> list[int]:
    """Upper limits of the colour classes: the distinct counts above 0 in CLASSES groups of
    as many values each as can be (counts 1, 2, 3, 5, 8: 1, 2, 3, 5-8; five of 4: 4).

    Grouping the values that occur, not a fixed scale, keeps a region where every country has
    3 to 8 affiliates from being drawn in one colour.
    """
    values = sorted({n for n in counts if n > 0})
    groups = min(CLASSES, len(values))
    return [values[(i + 1) * len(values) // groups - 1] for i in range(groups)]


def colour_of(count: int, limits: list[int]) -> int:
    if count <= 0:
        return 0
    return next(i for i, limit in enumerate(limits, start=1) if count <= limit)


def _legend(limits: list[int], lowest: int) -> list[LegendEntry]:
    entries = [LegendEntry("map-c0", _("No affiliate"))]
    low = lowest
    for colour, high in enumerate(limits, start=1):
        if low == high:
            label = ngettext("%(n)s organisation", "%(n)s organisations", high) % {"n": high}
        else:
            # The plural follows the higher figure (languages with several plural forms).
            label = ngettext(
                "%(low)s to %(high)s organisation", "%(low)s to %(high)s organisations", high
            ) % {"low": low, "high": high}
        entries.append(LegendEntry(f"map-c{colour}", label))
        low = high + 1
    return entries


def _frame(codes: list[str], shapes: dict[str, Any]) -> tuple[float, float, float, float]:
    """The box around these countries' main parts, with a margin."""
    boxes = [shapes[code]["box"] for code in codes if code in shapes]
    x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
    x1, y1 = max(b[2] for b in boxes), max(b[3] for b in boxes)
    width, height = x1 - x0, y1 - y0
    if width < NARROWEST * height:
        x0 -= (NARROWEST * height - width) / 2
        width = NARROWEST * height
    pad = MARGIN * max(width, height)
    return x0 - pad, y0 - pad, width + 2 * pad, height + 2 * pad


def world_map(
    per_country: dict[str, int], *, framed: list[str] | None = None, region: str = ""
) -> WorldMap:
    """The map for these figures (organisations per country code).

    `framed`: a region's countries: the map is drawn around them, with the neighbours that
    fall in the frame, and the table lists each of them (none too); None: the whole world, and
    the table lists the countries with affiliates, most first. `region` (a region's slug) is
    kept in the links.
    """
    data = geometry()
    shapes: dict[str, Any] = data["countries"]
    limits = class_limits(per_country.values())
    # A region whose countries are all too small for the geometry (atolls) gets the world.
    if framed and any(code in shapes for code in framed):
        x, y, w, h = _frame(framed, shapes)
        box = (x, y, x + w, y + h)
        codes = [
            code
            for code, shape in shapes.items()
            if shape["box"][0] < box[2]
            and shape["box"][2] > box[0]
            and shape["box"][1] < box[3]
            and shape["box"][3] > box[1]
        ]
        view_box = f"{x:.1f} {y:.1f} {w:.1f} {h:.1f}"
        unnamed: list[str] = []
    else:
        codes = list(shapes)
        view_box = f"0 0 {data['width']} {data['height']}"
        unnamed = data["unnamed"]
    directory = reverse("affiliates:directory")
    inside = set(framed) if framed else set(shapes)
    drawn = []
    for code in codes:
        count = per_country.get(code, 0)
        colour = colour_of(count, limits)
        name = str(countries.name(code)) or code
        query = urlencode({"region": region, "country": code} if region else {"country": code})
        drawn.append(
            Shape(
                code=code,
                name=name,
                d=shapes[code]["d"],
                organisations=count,
                colour=colour,
                css=f"map-c{colour}" if code in inside or count else "map-out",
                url=f"{directory}?{query}" if count else "",
                title=ngettext(
                    "%(country)s: %(n)s affiliated organisation",
                    "%(country)s: %(n)s affiliated organisations",
                    count,
                )
                % {"country": name, "n": count}
                if count
                else name,
            )
        )
    # The table lists every country with affiliates, drawn or not (a tiny island state may be
    # missing from the 1:110m geometry).
    by_code = {shape.code: shape for shape in drawn}
    listed = framed if framed is not None else [c for c, n in per_country.items() if n]
    rows = [
        by_code.get(code) or _undrawn(code, per_country.get(code, 0), limits, directory, region)
        for code in listed
    ]
    if framed is None:
        rows.sort(key=lambda s: (-s.organisations, name_order(s.name)))
    else:
        rows.sort(key=lambda s: name_order(s.name))
    order = {row.code: n for n, row in enumerate(rows)}
    linked = sorted(
        (shape for shape in drawn if shape.url),
        key=lambda s: (order.get(s.code, len(order)), name_order(s.name)),
    )
    return WorldMap(
        view_box=view_box,
        shapes=drawn,
        unnamed=unnamed,
        legend=_legend(limits, min((n for n in per_country.values() if n > 0), default=1))
        + ([LegendEntry("map-out", _("Outside this regional network"))] if framed else []),
        rows=rows,
        linked=linked,
        total=sum(per_country.values()),
    )


def _undrawn(code: str, count: int, limits: list[int], directory: str, region: str) -> Shape:
    """A country listed in the table only: too small for the 1:110m geometry (Maldives...)."""
    name = str(countries.name(code)) or code
    query = urlencode({"region": region, "country": code} if region else {"country": code})
    url = f"{directory}?{query}" if count else ""
    colour = colour_of(count, limits)
    return Shape(code, name, "", count, colour, f"map-c{colour}", url, name)
