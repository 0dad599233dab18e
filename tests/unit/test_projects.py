"""Projects: create, rename, archive, restore; names are unique among active projects."""

from __future__ import annotations

import pytest

from core.define import projects
from core.errors import Conflict, InvalidInput, NotFound
from core.store import activity


def test_create_and_list_projects(ws):
    a = projects.create_project(ws, "  Churn   2026 ", description="Who leaves?")
    assert a.id.startswith("prj_") and a.name == "Churn 2026"
    assert [p.id for p in projects.list_projects(ws)] == [a.id]
    assert projects.get_project(ws, a.id).description == "Who leaves?"


def test_project_names_are_unique_case_insensitively(ws):
    projects.create_project(ws, "Churn")
    with pytest.raises(Conflict, match="already exists"):
        projects.create_project(ws, "churn")


@pytest.mark.parametrize("name", ["", "   ", "x" * 121])
def test_blank_or_long_names_are_refused_with_a_hint(ws, name):
    with pytest.raises(InvalidInput) as info:
        projects.create_project(ws, name)
    assert info.value.hint


def test_rename_keeps_the_id_and_refuses_a_taken_name(ws):
    a = projects.create_project(ws, "A")
    projects.create_project(ws, "B")
    assert projects.rename_project(ws, a.id, "A2").name == "A2"
    with pytest.raises(Conflict):
        projects.rename_project(ws, a.id, "b")
    assert projects.get_project(ws, a.id).name == "A2"


def test_archive_hides_a_project_and_restore_brings_it_back(ws):
    a = projects.create_project(ws, "A")
    projects.archive_project(ws, a.id)
    assert projects.list_projects(ws) == []
    assert [p.id for p in projects.list_projects(ws, include_archived=True)] == [a.id]
    # the name is free again while archived; restoring then conflicts
    b = projects.create_project(ws, "A")
    with pytest.raises(Conflict, match="Rename"):
        projects.restore_project(ws, a.id)
    projects.rename_project(ws, b.id, "B")
    assert projects.restore_project(ws, a.id).archived_at is None


def test_unknown_project_is_not_found(ws):
    with pytest.raises(NotFound, match="prj_nope"):
        projects.get_project(ws, "prj_nope")


def test_changes_appear_in_the_activity_feed(ws):
    a = projects.create_project(ws, "A")
    projects.update_project(ws, a.id, problem_statement="Why do customers leave?")
    messages = [e.message for e in activity.list_events(ws, project_id=a.id)]
    assert messages[0] == "Project 'A': problem statement updated"
    assert "Project 'A' created" in messages
