"""Make the README's screenshot of the dashboard: a war with a lever pulled, some months in.

Usage: ``.venv/bin/python tests/browser/screenshot.py [OUT.png] [--weeks N]``
(default ``docs/dashboard.png``, 40 weeks). It starts the dashboard, picks
sanctions on Wagner, resets the model so that the lever applies, steps the
war week by week, and saves the page.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from dashboard_harness import ROOT, choose, launch, solara_server, wait_for_week


def main(argv: list[str] | None = None) -> int:
    """Start the server, drive the page, save the screenshot."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", nargs="?", default=str(ROOT / "docs" / "dashboard.png"))
    ap.add_argument("--weeks", type=int, default=40)
    ap.add_argument("--group", default="wagner", help="mercenary group to sanction")
    args = ap.parse_args(argv)

    from playwright.sync_api import sync_playwright

    with (
        tempfile.TemporaryDirectory() as tmp,
        solara_server(Path(tmp) / "solara.log") as srv,
        sync_playwright() as p,
    ):
        browser = launch(p)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1400})
            page.goto(srv.url, wait_until="domcontentloaded", timeout=30_000)
            wait_for_week(page, 0, timeout_ms=60_000)
            choose(page, "Sanction a mercenary group", args.group)
            page.get_by_role("button", name="Reset").click()
            page.wait_for_timeout(1500)
            wait_for_week(page, 0, timeout_ms=30_000)
            step = page.get_by_role("button", name="Step")
            for week in range(1, args.weeks + 1):
                step.click()
                wait_for_week(page, week, timeout_ms=30_000)
            page.wait_for_timeout(1000)
            out = Path(args.out)
            out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out))
            print(f"wrote {out}")
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
