"""The places page's map: the register's places that have coordinates, drawn as an SVG on the land
outline of Natural Earth (theme/map/ne_110m_land.json, public domain) at build time. No tile server,
nothing from the network; the page holds the drawing."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from statistics import median

from edition.tei.model import RegisterEntry

WIDTH = 600  # the drawing's units (it scales to the page)
MARGIN = 0.12  # of the places' span, around them
MIN_SPAN = 8.0  # degrees: a map of places close together still shows where they are
REACH = (20.0, 35.0)  # degrees of latitude and longitude from the places' median that the map covers


@dataclass(frozen=True)
class MapPoint:
    entry: RegisterEntry
    x: float
    y: float


@dataclass(frozen=True)
class PlaceMap:
    width: int
    height: int
    land: str  # the SVG path of the land in view
    points: list[MapPoint]


@cache
def land_polygons(outline: Path) -> list[list[list[tuple[float, float]]]]:
    return json.loads(outline.read_text(encoding="utf-8"))["coordinates"]


def place_map(places: list[RegisterEntry], outline: Path) -> PlaceMap | None:
    """The map of ``places`` (those with coordinates): an equirectangular view around them, scaled by
    the cosine of their middle latitude so that shapes are not stretched; None without two places.
    Places far from the others (a capital across the ocean) stay off it, or the rest would be a dot:
    the register lists them all."""
    located = [place for place in places if place.geo is not None]
    if located:
        middle = (median(p.geo[0] for p in located), median(p.geo[1] for p in located))
        located = [p for p in located if all(abs(p.geo[i] - middle[i]) <= REACH[i] for i in (0, 1))]
    if len(located) < 2:
        return None
    latitudes = [place.geo[0] for place in located]
    longitudes = [place.geo[1] for place in located]
    south, north = widen(min(latitudes), max(latitudes))
    west, east = widen(min(longitudes), max(longitudes))
    squeeze = math.cos(math.radians((south + north) / 2))
    scale = WIDTH / ((east - west) * squeeze)
    height = round((north - south) * scale)

    def project(longitude: float, latitude: float) -> tuple[float, float]:
        return (longitude - west) * squeeze * scale, (north - latitude) * scale

    land = []
    for polygon in land_polygons(outline):
        for ring in polygon:
            if not overlaps(ring, west, east, south, north):
                continue
            points = [project(lon, lat) for lon, lat in ring]
            land.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z")
    points = [MapPoint(place, *project(place.geo[1], place.geo[0])) for place in located]
    return PlaceMap(WIDTH, height, "".join(land), points)


def widen(low: float, high: float) -> tuple[float, float]:
    """A span with a margin around it, at least MIN_SPAN wide."""
    middle, half = (low + high) / 2, max(high - low, MIN_SPAN) / 2 * (1 + 2 * MARGIN)
    return middle - half, middle + half


def overlaps(ring: list[list[float]], west: float, east: float, south: float, north: float) -> bool:
    longitudes = [point[0] for point in ring]
    latitudes = [point[1] for point in ring]
    return (min(longitudes) <= east and max(longitudes) >= west
            and min(latitudes) <= north and max(latitudes) >= south)
