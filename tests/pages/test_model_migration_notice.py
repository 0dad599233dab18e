"""The app offers the one-time migration of models saved as pickles, and it works from the sidebar."""

from __future__ import annotations

from tests.unit.test_model_migration import _workspace_with_old_model


def test_sidebar_offers_to_migrate_old_models_and_migrates_them(app, ws, samples):
    from core.experiments import migrate, service

    _, model_id, old_sha = _workspace_with_old_model(ws, samples)
    at = app()
    assert not at.exception
    assert any("old pickle format" in w.value for w in at.sidebar.warning)
    at.sidebar.button(key="sb_migrate_models").click().run(timeout=120)
    assert not at.exception
    assert service.get_model(ws, model_id).artifact != old_sha
    assert migrate.legacy_model_ids(ws) == []
    assert not any("old pickle format" in w.value for w in at.sidebar.warning)


def test_sidebar_says_nothing_when_every_model_is_current(app, ws):
    at = app()
    assert not at.exception
    assert not any("pickle" in w.value for w in at.sidebar.warning)
