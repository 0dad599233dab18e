"""MLCycle: the entry point. Page config, navigation by lifecycle phase, sidebar. Nothing else."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui import sidebar, state

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
    ],
    "Model": [
        {"page": "app_pages/experiments.py", "title": "Experiments", "icon": ":material/science:"},
    ],
    "Ship": [],
    "Watch": [
        {"page": "app_pages/jobs.py", "title": "Jobs", "icon": ":material/work_history:"},
    ],
}


def navigation() -> dict[str, list[st.Page]]:
    """Build the ``st.navigation`` mapping from :data:`PAGES` (empty sections left out)."""
    nav: dict[str, list[st.Page]] = {}
    for section, pages in PAGES.items():
        built = [
            st.Page(str(HERE / p["page"]), title=p["title"], icon=p["icon"], default=p.get("default", False),
                    url_path=Path(p["page"]).stem)
            for p in pages
        ]
        if built:
            nav[section] = built
    return nav


st.set_page_config(page_title="MLCycle", page_icon=":material/autorenew:", layout="wide")
page = st.navigation(navigation(), position="sidebar", expanded=True)
sidebar.render()
state.show_flash()
page.run()
