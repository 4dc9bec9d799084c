"""The README's screenshots, taken from a running server in a real browser (Debian's chromium, via Playwright).

    cscip-kg build && cscip-kg serve --port 8000 &
    .venv/bin/python scripts/readme-screenshots.py http://127.0.0.1:8000/

Writes docs/screenshots/model-family-safeguarding.png (a model page: its summary and its map of spread) and
docs/screenshots/browse-projects.png (a browse page with facets). Nothing leaves the machine: the pages load
only from the server given.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


def main(site: str) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("Debian's chromium is not installed: run `make setup` (it installs it)")
    site = site.rstrip("/") + "/"
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, device_scale_factor=1)
        # A model page's section on where it spread: the hex map with its key (the page's summary is above it).
        page.goto(site + "id/model/family-safeguarding")
        page.wait_for_load_state("networkidle")
        section = page.locator("#lineage").bounding_box()
        spread = page.locator("#lineage .spread-map").bounding_box()
        if section is None or spread is None:
            sys.exit("the model page has no map of spread: is this a cscip-kg server?")
        top = section["y"] - 8
        page.screenshot(path=str(OUT / "model-family-safeguarding.png"), full_page=True,
                        clip={"x": 0, "y": top, "width": 1280, "height": spread["y"] + spread["height"] - top})
        # A browse page: evaluated projects, most reports first, with the facets beside the table.
        page.goto(site + "projects/?evaluated=yes&sort=reports&desc=1")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(OUT / "browse-projects.png"), full_page=False)
        browser.close()
    print(f"wrote {OUT / 'model-family-safeguarding.png'} and {OUT / 'browse-projects.png'}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
