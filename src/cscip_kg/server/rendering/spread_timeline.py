"""A practice model's timeline of spread: round 1 → round 2 → Partners in Practice → SFPC / SFIP.

Each stage lists who took part and how, with the dates exactly as the sources
give them (typed dates where a source gives one, its own words otherwise).
A stage with nothing recorded says so rather than disappearing, so a reader
sees where the trail stops.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cscip_kg.spread import Involvement, Spread

STAGE_TITLES = {
    "round1": "Round 1: the innovation project",
    "round2": "Round 2: scale-up",
    "pip": "Partners in Practice",
    "sfpc": "Strengthening Families, Protecting Children (SFPC)",
    "sfip": "Supporting Families: Investing in Practice (SFIP)",
}
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Event:
    who: str
    who_href: str | None
    what: str
    role: str
    dates: str
    evaluated: bool = False  # the place has its own evaluated findings on the model


@dataclass
class Stage:
    key: str
    title: str
    when: str  # the stage's programme dates, or "" when no source gives them
    summary: str
    events: list[Event]

    @property
    def evaluated(self) -> list[str]:
        """Who in this stage has its own evaluated findings on the model, each named once."""
        return sorted({e.who for e in self.events if e.evaluated}, key=str.lower)


@dataclass
class Timeline:
    model: str
    stages: list[Stage]
    marked: bool = False  # some place has its own evaluated findings on the model, marked in the stage of their project


def when(start: str, end: str) -> str:
    """Typed dates as a reader writes them: 2014–2016, Jun 2018, 1 Apr 2024."""
    if start and end:
        return f"{_day(start)} – {_day(end)}" if "-" in start + end else f"{start}–{end}"
    if start:
        return f"from {_day(start)}"
    return f"until {_day(end)}" if end else ""


def _day(value: str) -> str:
    parts = value.split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts) and 1 <= int(parts[1]) <= 12:
        return f"{int(parts[2])} {MONTHS[int(parts[1]) - 1]} {parts[0]}"
    if len(parts) == 2 and all(p.isdigit() for p in parts) and 1 <= int(parts[1]) <= 12:
        return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return value


def _dates(i: Involvement) -> str:
    typed = when(i.start, i.end)
    return "; ".join(x for x in (typed, i.dates) if x) or "no date in the sources"


def _what(spread: Spread, i: Involvement, innovator_elsewhere: bool = False) -> str:
    if innovator_elsewhere:
        return f"took part in {spread.label(i.programme)} (as the model's innovator; the sources do not say it spread this model there)"
    if i.how in ("lead", "partner"):
        return f"{'led' if i.how == 'lead' else 'partner in'} {spread.label(i.project)}"
    if i.how == "developer":
        return "developed the model"
    text = f"adopted it through {spread.label(i.programme)}" if i.programme else "adopted it"
    return text + (f" ({spread.label(i.project)})" if i.project else "") + (f", with {spread.label(i.via)}" if i.via else "")


def _stage_when(spread: Spread, programmes: set[str]) -> str:
    found: dict[str, str] = {}
    for programme in sorted(programmes):
        for iri in spread.chain(programme):
            if iri in spread.dates:
                found[iri] = when(*spread.dates[iri])
                break
    if len(found) == 1:
        return next(iter(found.values()))
    return "; ".join(f"{spread.label(iri)}: {dates}" for iri, dates in found.items())


def timeline(spread: Spread, model: str, link: Callable[[str], str | None]) -> Timeline:
    by_stage: dict[str, list[tuple[Involvement, bool]]] = {key: [] for key in STAGE_TITLES}
    innovators: set[str] = set()
    for i in spread.of_model(model):
        stage = "round1" if i.how == "developer" else spread.stage(i.programme)
        if stage is not None:
            by_stage[stage].append((i, False))
            if stage == "round1":
                innovators.add(i.org)
    # Partners in Practice spread practice through its partners, not through named models: show the innovators'
    # own part in it, worded so it does not claim more than the sources do.
    by_stage["pip"] += [(i, True) for org in sorted(innovators) for i in spread.of_org(org)
                        if i.how == "participation" and spread.stage(i.programme) == "pip"]
    evaluated = spread.evaluated.get(model, {})
    stages = []
    for key, title in STAGE_TITLES.items():
        found = sorted(by_stage[key], key=lambda pair: (spread.label(pair[0].org).lower(), pair[0].role))
        events = []
        for i, elsewhere in found:
            own = any(spread.stage(r) == key for r in evaluated.get(i.org, ()))  # findings of this stage's project
            event = Event(spread.label(i.org), link(i.org), _what(spread, i, elsewhere), i.role, _dates(i), own)
            if event not in events:
                events.append(event)
        stages.append(Stage(key, title, _stage_when(spread, {i.programme for i, _e in found if i.programme}),
                            _summary(events), events))
    return Timeline(spread.label(model), stages, any(e.evaluated for stage in stages for e in stage.events))


def _summary(events: list[Event]) -> str:
    who = sorted({e.who for e in events})
    if not who:
        return "None recorded in the sources."
    shown = ", ".join(who[:4]) + (f" and {len(who) - 4} more" if len(who) > 4 else "")
    return f"{len(who)} organisation{'s' if len(who) != 1 else ''}: {shown}."
