"""Fault suite (issue #12): the model card refuses an unknown model, an unknown field, an overlong field, a bad
``--set`` and an output path in a missing folder, each with a clear message and a hint, writing nothing."""

from __future__ import annotations

import json

import pytest

from tests.shared import cli
from tests.tiny_models import make_model


def _error(err: str) -> dict:
    """The JSON error object `--json` writes as stderr's last line."""
    return json.loads(err.strip().splitlines()[-1])


def _card_events(ws) -> list:
    from core.store.activity import list_events

    return [e for e in list_events(ws, limit=100) if e.verb == "card"]


def test_an_unknown_model_is_named_in_one_line_with_exit_2(ws, capsys):
    from core.errors import NotFound
    from core.explain import card

    for call in (lambda: card.build_card(ws, "mdl_nope"), lambda: card.card_fields(ws, "mdl_nope"),
                 lambda: card.set_card_fields(ws, "mdl_nope", {"caveats": "x"})):
        with pytest.raises(NotFound, match="mdl_nope") as caught:
            call()
        assert caught.value.hint
    for args in (("models", "card", "mdl_nope"), ("models", "card", "mdl_nope", "--set", "caveats=x")):
        code, out, err = cli(ws, capsys, *args)
        assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
        assert err.startswith("error: ") and "mdl_nope" in err
        code, out, err = cli(ws, capsys, *args, "--json")
        assert code == 2 and out == "" and _error(err)["type"] == "NotFound" and _error(err)["hint"]
    with ws.read() as db:
        assert db.execute("SELECT COUNT(*) FROM model_cards").fetchone()[0] == 0


def test_an_unknown_field_is_refused_naming_the_close_one_and_the_fields(ws, tmp_path, capsys):
    from core.errors import InvalidInput
    from core.explain import card

    model = make_model(ws, tmp_path)
    card.set_card_fields(ws, model.id, {"caveats": "kept"})
    with pytest.raises(InvalidInput) as caught:
        card.set_card_fields(ws, model.id, {"owners": "new owner", "limitations": "x"})
    assert "'limitations' is not a field of a model card" in caught.value.message
    assert all(f in caught.value.hint for f in card.CARD_FIELDS)
    code, out, err = cli(ws, capsys, "models", "card", model.id, "--set", "owner=kim")
    assert code == 2 and out == ""
    assert "'owner' is not a field of a model card; did you mean 'owners'?" in err and "intended_use" in err
    code, out, err = cli(ws, capsys, "models", "card", model.id, "--set", "just text", "--json")
    assert code == 2 and "FIELD=TEXT" in _error(err)["error"] and _error(err)["type"] == "InvalidInput"
    assert card.card_fields(ws, model.id) == dict.fromkeys(card.CARD_FIELDS, "") | {"caveats": "kept"}
    assert len(_card_events(ws)) == 1


def test_an_overlong_field_is_refused_with_its_length_and_the_limit(ws, tmp_path, capsys):
    from core.errors import InvalidInput
    from core.explain import card

    model = make_model(ws, tmp_path)
    with pytest.raises(InvalidInput, match=r"'caveats' is 6,001 characters long; it may hold at most 5,000") as caught:
        card.set_card_fields(ws, model.id, {"caveats": "x" * 6001})
    assert "Shorten it" in caught.value.hint
    with pytest.raises(InvalidInput, match=r"'owners' is 600 characters long; it may hold at most 500"):
        card.set_card_fields(ws, model.id, {"owners": "k" * 600})
    with pytest.raises(InvalidInput, match="must be text"):
        card.set_card_fields(ws, model.id, {"factors": 12})
    code, out, err = cli(ws, capsys, "models", "card", model.id, "--set", "intended_use=" + "y" * 5001)
    assert code == 2 and out == "" and "5,001 characters long" in err and "5,000" in err
    assert card.card_fields(ws, model.id) == dict.fromkeys(card.CARD_FIELDS, "")
    assert _card_events(ws) == []


def test_an_output_in_a_missing_folder_is_refused_before_the_fields_are_written(ws, tmp_path, capsys):
    from core.explain import card

    model = make_model(ws, tmp_path)
    target = tmp_path / "no such folder" / "card.md"
    code, out, err = cli(ws, capsys, "models", "card", model.id, "--out", str(target), "--set", "caveats=x")
    assert code == 2 and out == "" and "does not exist" in err
    assert not target.parent.exists() and card.card_fields(ws, model.id)["caveats"] == ""
    code, out, err = cli(ws, capsys, "models", "card", model.id, "--out", str(tmp_path))
    assert code == 2 and "is a folder" in err


def test_a_card_whose_files_are_gone_still_builds_and_says_what_it_could_not_read(ws, tmp_path):
    from core import experiments
    from core.data import datasets
    from core.explain import card

    model = make_model(ws, tmp_path)
    exp = experiments.get_experiment(ws, model.experiment_id)
    for sha in (model.artifact, datasets.get_version(ws, exp.train_version_id).artifact,
                datasets.get_version(ws, exp.test_version_id).artifact):
        ws.artifacts.path(sha).unlink()
    c = card.build_card(ws, model.id)  # a partial copy of a workspace: the card still tells what it can
    assert c.keys == list(card.TITLES)
    details = "\n".join(c.section("model_details").paragraphs + [r[1] for r in c.section("model_details").tables[0].rows])
    assert "unknown (the model file cannot be read" in details
    said = "\n".join(c.section("training_data").paragraphs)
    assert "The target's values could not be read" in said
    assert datasets.get_version(ws, exp.dataset_version_id).sha256 in card.to_markdown(c)
