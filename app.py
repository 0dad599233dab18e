"""MLCycle: the entry point. Page config, navigation by lifecycle phase, sidebar. Nothing else."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui import sidebar, state, url
from ui.i18n import tk

HERE = Path(__file__).parent

# Sections follow the lifecycle. A page is listed only when its step is built.
PAGES: dict[str, list[dict]] = {
    "": [
        {"page": "app_pages/home.py", "title": "Home", "icon": ":material/home:", "default": True},
    ],
    "Define": [
        {"page": "app_pages/problem.py", "title": "Problem & hypotheses", "icon": ":material/lightbulb:"},
    ],
    "Data": [
        {"page": "app_pages/datasets.py", "title": "Datasets", "icon": ":material/database:"},
        {"page": "app_pages/explore.py", "title": "Explore", "icon": ":material/query_stats:"},
        {"page": "app_pages/label.py", "title": "Label", "icon": ":material/label:"},
        {"page": "app_pages/features.py", "title": "Features", "icon": ":material/filter_alt:"},
    ],
    "Model": [
        {"page": "app_pages/experiments.py", "title": "Experiments", "icon": ":material/science:"},
        {"page": "app_pages/compare.py", "title": "Compare", "icon": ":material/leaderboard:"},
        {"page": "app_pages/explain.py", "title": "Explain", "icon": ":material/insights:"},
    ],
    "Ship": [
        {"page": "app_pages/deploy.py", "title": "Deploy", "icon": ":material/rocket_launch:"},
    ],
    "Watch": [
        {"page": "app_pages/monitor.py", "title": "Monitor", "icon": ":material/monitor_heart:"},
        {"page": "app_pages/jobs.py", "title": "Jobs", "icon": ":material/work_history:"},
    ],
}


def navigation() -> list[st.Page]:
    """The pages of :data:`PAGES` for ``st.navigation`` (the sidebar draws the menu itself, so its
    links carry the project, the language and the chosen objects in the URL)."""
    return [
        st.Page(str(HERE / p["page"]), title=tk(p["title"]), icon=p["icon"], default=p.get("default", False),
                url_path=Path(p["page"]).stem)
        for pages in PAGES.values() for p in pages
    ]


# The icon ships with the app (a material icon would be fetched from a font CDN: none offline).
st.set_page_config(page_title="MLCycle", page_icon=str(HERE / "ui/assets/mlcycle-64.png"), layout="wide")
state.sync_from_url()
pages = navigation()
page = st.navigation(pages, position="hidden")
url.set_current_page(next(entry["page"] for group in PAGES.values() for entry in group
                          if Path(entry["page"]).stem == page.url_path or (entry.get("default") and not page.url_path)))
sidebar.render(PAGES)
state.show_flash()
page.run()
