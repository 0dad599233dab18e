"""Agreement between annotators: kappa statistics, how each item's label is resolved, review, status."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score

from core.labeling import agreement as G
from core.labeling import annotations, tasks

# ---------------------------------------------------------------- helpers


def _task(ws, tmp_path, *, n: int = 12, classes="pos,neg,neu", overlap: int = 1, multi_label: bool = False):
    from core.data import datasets

    path = tmp_path / "reviews.csv"
    pd.DataFrame({"text": [f"review number {i}" for i in range(n)]}).to_csv(path, index=False)
    version = datasets.add_dataset(ws, path).version
    return tasks.create_task(ws, version.id, name="sentiment", classes=classes, kind="text", item_column="text",
                             overlap=overlap, multi_label=multi_label)


def _label(ws, task, who: str, labels: dict[int, str | list[str]]) -> None:
    for item, label in labels.items():
        annotations.record_label(ws, task.id, item, label, annotator=who)


# ---------------------------------------------------------------- Cohen's kappa


@pytest.mark.parametrize("seed", range(6))
def test_cohen_kappa_matches_scikit_learn_on_random_labels(seed):
    rng = np.random.default_rng(seed)
    n, k = int(rng.integers(5, 200)), int(rng.integers(2, 6))
    classes = np.array(["pos", "neg", "neu", "mixed", "spam"][:k])
    a = rng.choice(classes, size=n)
    # b copies a most of the time so kappa lands well away from 0 as well as near it
    b = np.where(rng.random(n) < rng.random(), a, rng.choice(classes, size=n))
    assert G.cohen_kappa(a.tolist(), b.tolist()) == pytest.approx(cohen_kappa_score(a, b), abs=1e-12)


def test_cohen_kappa_edge_cases_agree_with_scikit_learn():
    cases = [
        (["a", "b", "c", "a"], ["a", "b", "c", "a"], 1.0),  # all agree
        (["a", "b", "a", "b"], ["b", "a", "b", "a"], -1.0),  # total disagreement, balanced
        (["a", "a", "a", "a"], ["b", "b", "b", "b"], 0.0),  # constant, but different labels
        (["a", "a", "b", "b"], ["a", "b", "a", "b"], 0.0),  # exactly chance
        (["x"], ["y"], 0.0),
    ]
    for a, b, expected in cases:
        assert G.cohen_kappa(a, b) == pytest.approx(expected)
        assert G.cohen_kappa(a, b) == pytest.approx(cohen_kappa_score(a, b))


def test_cohen_kappa_is_one_not_nan_when_both_raters_give_one_and_the_same_label():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert math.isnan(cohen_kappa_score(["a"] * 5, ["a"] * 5))  # scikit-learn: undefined
    assert G.cohen_kappa(["a"] * 5, ["a"] * 5) == 1.0


def test_cohen_kappa_takes_any_hashable_labels_and_numpy_arrays():
    a, b = np.array([1, 2, 2, 3, 1]), np.array([1, 2, 3, 3, 2])
    assert G.cohen_kappa(a, b) == pytest.approx(cohen_kappa_score(a, b))


# ---------------------------------------------------------------- Fleiss' kappa

# Wikipedia, "Fleiss' kappa", worked example: 10 items, 14 raters each, 5 categories.
# P_bar = 0.378, P_e = 0.213, kappa = (0.378 - 0.213) / (1 - 0.213) = 0.210.
WIKIPEDIA = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]


def test_fleiss_kappa_on_the_wikipedia_example():
    assert round(G.fleiss_kappa(WIKIPEDIA), 3) == 0.210
    assert G.fleiss_kappa(pd.DataFrame(WIKIPEDIA)) == pytest.approx(G.fleiss_kappa(np.array(WIKIPEDIA)))


def test_fleiss_kappa_with_a_varying_number_of_raters_per_item():
    counts = [
        [3, 0],  # n=3: P = (9 - 3) / (3 * 2) = 1
        [0, 2],  # n=2: P = (4 - 2) / (2 * 1) = 1
        [2, 1],  # n=3: P = (4 + 1 - 3) / (3 * 2) = 1/3
        [1, 1],  # n=2: P = (1 + 1 - 2) / (2 * 1) = 0
        [0, 1],  # n=1: says nothing about agreement, left out (also from the category shares)
    ]
    # P_bar = (1 + 1 + 1/3 + 0) / 4 = 7/12
    # shares over the 10 ratings of the four items: A = 6/10, B = 4/10 -> P_e = 0.36 + 0.16 = 0.52 = 13/25
    # kappa = (7/12 - 13/25) / (1 - 13/25) = (19/300) / (12/25) = 19/144
    assert G.fleiss_kappa(counts) == pytest.approx(19 / 144, abs=1e-12)


def test_fleiss_kappa_is_the_classic_formula_when_raters_are_constant_and_one_when_all_agree():
    # two raters per item: P_i is 1 for agreement and 0 otherwise; P_bar = 2/3; shares 3/6 and 3/6: P_e = 1/2
    assert G.fleiss_kappa([[2, 0], [0, 2], [1, 1]]) == pytest.approx((2 / 3 - 0.5) / 0.5)
    assert G.fleiss_kappa([[3, 0], [3, 0]]) == 1.0
    assert G.fleiss_kappa([[0, 3], [3, 0]]) == 1.0


# ---------------------------------------------------------------- resolution


def test_resolution_single_majority_tie_and_pending(ws, tmp_path):
    task = _task(ws, tmp_path, overlap=3)
    _label(ws, task, "ann", {0: "pos", 1: "pos", 2: "pos", 3: "pos"})
    _label(ws, task, "bob", {0: "pos", 1: "neg", 2: "neg", 3: "pos"})
    _label(ws, task, "cy", {0: "neg", 2: "neu", 3: "pos"})
    res = G.resolve(ws, task.id)
    assert res.index.tolist() == [0, 1, 2, 3]  # items nobody labeled are not listed
    assert res.loc[0, "label"] == "pos" and res.loc[0, "method"] == "majority"
    assert res.loc[0, "votes"] == {"pos": 2, "neg": 1}
    assert res.loc[0, "agreement"] == pytest.approx(2 / 3)
    assert res.loc[1, "label"] is None and res.loc[1, "method"] == "pending"  # 2 labels of the 3 needed
    assert res.loc[2, "label"] is None and res.loc[2, "method"] == "tie"
    assert res.loc[2, "agreement"] == pytest.approx(1 / 3)
    assert res.loc[3, "label"] == "pos" and res.loc[3, "agreement"] == 1.0
    assert res["n_labels"].tolist() == [3, 2, 3, 3]


def test_resolution_with_overlap_one(ws, tmp_path):
    task = _task(ws, tmp_path, overlap=1)
    _label(ws, task, "ann", {0: "pos", 1: "neg"})
    _label(ws, task, "bob", {1: "pos", 2: "neg"})
    _label(ws, task, "cy", {2: "neg"})
    res = G.resolve(ws, task.id)
    assert (res.loc[0, "label"], res.loc[0, "method"]) == ("pos", "single")
    assert (res.loc[1, "label"], res.loc[1, "method"]) == (None, "tie")
    assert (res.loc[2, "label"], res.loc[2, "method"]) == ("neg", "majority")


def test_only_each_annotators_current_label_counts(ws, tmp_path):
    task = _task(ws, tmp_path, overlap=2)
    _label(ws, task, "ann", {0: "neg"})
    _label(ws, task, "ann", {0: "pos"})  # a change: a newer row
    _label(ws, task, "bob", {0: "pos"})
    assert G.resolve(ws, task.id).loc[0, "votes"] == {"pos": 2}
    _label(ws, task, "bob", {0: "neu"})
    annotations.undo_last(ws, task.id, annotator="bob")  # bob's "pos" is current again
    annotations.skip_item(ws, task.id, 0, annotator="ann")  # a later skip does not clear ann's label
    res = G.resolve(ws, task.id)
    assert res.loc[0, "votes"] == {"pos": 2} and res.loc[0, "label"] == "pos"


def test_agreement_reads_the_same_current_labels_as_the_annotations_module(ws, tmp_path):
    """agreement reads labels with its own fast query; it must mean what current_labels means."""
    task = _task(ws, tmp_path, overlap=2)
    _label(ws, task, "ann", {0: "pos", 1: "neg", 2: "neu", 3: "pos"})
    _label(ws, task, "bob", {0: "neg", 2: "neu", 4: "pos"})
    _label(ws, task, "ann", {0: "neg", 1: "pos"})  # changes
    annotations.record_label(ws, task.id, 5, "neu", annotator="bob", suggested="neu")
    annotations.undo_last(ws, task.id, annotator="ann")  # ann's 1 is "neg" again
    annotations.skip_item(ws, task.id, 3, annotator="ann")
    annotations.skip_item(ws, task.id, 6, annotator="bob")
    annotations.undo_last(ws, task.id, annotator="bob")  # undoes the skip only
    theirs = annotations.current_labels(ws, task.id)
    mine = G._read(ws, task.id).labels
    key = ["item", "annotator"]
    theirs = theirs.sort_values(key).reset_index(drop=True)
    mine = mine.sort_values(key).reset_index(drop=True)
    assert mine[[*key, "label", "accepted"]].astype(object).equals(theirs[[*key, "label", "accepted"]].astype(object))
    assert mine["suggested"].tolist() == theirs["suggested"].notna().tolist()
    assert len(mine) == 8  # ann: items 0-3, bob: 0, 2, 4, 5


def test_a_reviewers_decision_wins_and_clearing_it_returns_to_the_votes(ws, tmp_path):
    task = _task(ws, tmp_path, overlap=2)
    _label(ws, task, "ann", {0: "pos", 1: "pos"})
    _label(ws, task, "bob", {0: "neg", 1: "pos"})
    review = G.review_item(ws, task.id, 0, "neg", reviewer="  Rita ", note="sarcasm")
    assert (review.item, review.label, review.reviewer, review.note) == (0, "neg", "Rita", "sarcasm")
    G.review_item(ws, task.id, 1, "neu", reviewer="Rita")
    G.review_item(ws, task.id, 5, "neu", reviewer="Rita")  # an item nobody labeled
    res = G.resolve(ws, task.id)
    assert (res.loc[0, "label"], res.loc[0, "method"], res.loc[0, "reviewer"]) == ("neg", "review", "Rita")
    assert (res.loc[1, "label"], res.loc[1, "method"]) == ("neu", "review")  # overrides even agreement
    assert (res.loc[5, "label"], res.loc[5, "n_labels"], res.loc[5, "votes"]) == ("neu", 0, {})
    assert math.isnan(res.loc[5, "agreement"])
    G.review_item(ws, task.id, 0, "pos", reviewer="Sam")  # the latest decision counts
    assert G.resolve(ws, task.id).loc[0, "label"] == "pos"

    cleared = G.review_item(ws, task.id, 1, None, reviewer="Rita")
    assert cleared.label is None
    G.review_item(ws, task.id, 0, None, reviewer="Rita")
    G.review_item(ws, task.id, 5, None, reviewer="Rita")
    res = G.resolve(ws, task.id)
    assert (res.loc[1, "label"], res.loc[1, "method"], res.loc[1, "reviewer"]) == ("pos", "majority", None)
    assert (res.loc[0, "label"], res.loc[0, "method"]) == (None, "tie")
    assert 5 not in res.index


def test_a_label_of_a_class_removed_from_the_schema_is_kept_and_flagged(ws, tmp_path):
    task = _task(ws, tmp_path, overlap=2)
    _label(ws, task, "ann", {0: "neu", 1: "pos", 2: "neu"})
    _label(ws, task, "bob", {0: "neu", 1: "pos", 2: "pos"})
    tasks.update_task(ws, task.id, classes="pos,neg")
    res = G.resolve(ws, task.id)
    assert (res.loc[0, "label"], res.loc[0, "method"], bool(res.loc[0, "flagged"])) == ("neu", "majority", True)
    assert not res.loc[1, "flagged"]
    st = G.status(ws, task.id)
    assert st["not_in_schema"] == {"neu": 3}  # every current label of it, resolved or not
    assert st["per_class"] == {"pos": 1, "neg": 0}
    assert st["resolved"] == 2  # item 0 is resolved to the removed class, not dropped


def test_multi_label_answers_agree_when_the_sets_are_equal(ws, tmp_path):
    task = _task(ws, tmp_path, classes="price,quality,delivery", overlap=2, multi_label=True)
    _label(ws, task, "ann", {0: ["quality", "price"], 1: ["delivery"], 2: ["price"]})
    _label(ws, task, "bob", {0: ["price", "quality"], 1: ["delivery", "price"], 2: ["price"]})
    res = G.resolve(ws, task.id)
    assert res.loc[0, "label"] == '["price", "quality"]' and res.loc[0, "method"] == "majority"
    assert res.loc[1, "method"] == "tie"
    st = G.status(ws, task.id)
    assert st["per_class"] == {"price": 2, "quality": 1, "delivery": 0}  # each class of a set counts
    review = G.review_item(ws, task.id, 1, ["delivery", "price"], reviewer="Rita")
    assert review.label == '["price", "delivery"]'  # stored in the schema's order
    assert G.resolve(ws, task.id).loc[1, "method"] == "review"
    assert st["cohen_kappa"] == pytest.approx(cohen_kappa_score(
        ['["price", "quality"]', '["delivery"]', '["price"]'],
        ['["price", "quality"]', '["price", "delivery"]', '["price"]']))


# ---------------------------------------------------------------- agreement


def test_agreement_of_two_annotators_is_cohens_kappa_over_the_items_both_labeled(ws, tmp_path):
    task = _task(ws, tmp_path, overlap=2)
    ann = {0: "pos", 1: "pos", 2: "neg", 3: "neu", 4: "neg", 5: "pos", 6: "pos"}
    bob = {0: "pos", 1: "neg", 2: "neg", 3: "neu", 4: "pos", 5: "pos", 9: "neg"}  # 6 and 9: only one of them
    _label(ws, task, "ann", ann)
    _label(ws, task, "bob", bob)
    result = G.agreement(ws, task.id)
    shared = sorted(set(ann) & set(bob))
    expected = cohen_kappa_score([ann[i] for i in shared], [bob[i] for i in shared])
    assert result.annotators == ["ann", "bob"]
    assert result.n_shared == 6
    assert result.cohen_kappa == pytest.approx(expected)
    assert result.fleiss_kappa is None
    assert result.pairwise == {"ann|bob": pytest.approx(expected)}
    assert result.per_item.index.tolist() == shared
    assert result.per_item["agreement"].tolist() == [1.0, 0.5, 1.0, 1.0, 0.5, 1.0]
    assert result.mean_item_agreement == pytest.approx(5 / 6)


def test_agreement_of_three_annotators_is_fleiss_kappa_with_every_pair(ws, tmp_path):
    task = _task(ws, tmp_path, overlap=3)
    labels = {
        "ann": {0: "pos", 1: "pos", 2: "neg", 3: "neu", 4: "pos"},
        "bob": {0: "pos", 1: "neg", 2: "neg", 3: "neu"},
        "cy": {0: "pos", 1: "neg", 2: "neu", 3: "neu", 5: "neg"},
    }
    for who, given in labels.items():
        _label(ws, task, who, given)
    result = G.agreement(ws, task.id)
    # items 0-3 have three labels each (4 and 5 only one): counts over (pos, neg, neu)
    counts = [[3, 0, 0], [1, 2, 0], [0, 2, 1], [0, 0, 3]]
    # P_i = 1, 1/3, 1/3, 1 -> P_bar = 2/3; shares 4/12, 4/12, 4/12 -> P_e = 1/3; kappa = (2/3 - 1/3) / (2/3) = 0.5
    assert result.fleiss_kappa == pytest.approx(0.5)
    assert G.fleiss_kappa(counts) == pytest.approx(0.5)
    assert result.cohen_kappa is None
    assert result.n_shared == 4
    for pair, value in result.pairwise.items():
        a, b = pair.split("|")
        both = sorted(set(labels[a]) & set(labels[b]))
        assert value == pytest.approx(cohen_kappa_score([labels[a][i] for i in both], [labels[b][i] for i in both]))
    assert set(result.pairwise) == {"ann|bob", "ann|cy", "bob|cy"}
    assert result.per_item["agreement"].tolist() == pytest.approx([1, 2 / 3, 2 / 3, 1])
    assert result.as_dict()["fleiss_kappa"] == pytest.approx(0.5)


def test_agreement_without_shared_items_has_no_kappa(ws, tmp_path):
    task = _task(ws, tmp_path)
    _label(ws, task, "ann", {0: "pos"})
    _label(ws, task, "bob", {1: "neg"})
    result = G.agreement(ws, task.id)
    assert (result.n_shared, result.cohen_kappa, result.fleiss_kappa, result.pairwise) == (0, None, None, {})
    assert result.mean_item_agreement is None and result.per_item.empty


def test_confusion_counts_the_items_both_annotators_labeled(ws, tmp_path):
    task = _task(ws, tmp_path, overlap=2)
    _label(ws, task, "ann", {0: "pos", 1: "pos", 2: "pos", 3: "neg", 4: "neu", 5: "neu"})
    _label(ws, task, "bob", {0: "pos", 1: "pos", 2: "neg", 3: "neg", 4: "pos", 6: "neg"})
    table = G.confusion(ws, task.id, "ann", "bob")
    assert table.index.name == "ann" and table.columns.name == "bob"
    assert table.index.tolist() == ["pos", "neg", "neu"] == table.columns.tolist()  # schema order
    assert table.loc["pos"].tolist() == [2, 1, 0]
    assert table.loc["neg"].tolist() == [0, 1, 0]
    assert table.loc["neu"].tolist() == [1, 0, 0]
    assert int(table.to_numpy().sum()) == 5  # items 5 and 6 were labeled by one of them only
    _label(ws, task, "cy", {7: "pos"})
    assert G.confusion(ws, task.id, "ann", "cy").empty  # nothing in common
    assert G.confusion(ws, task.id, "bob", "ann").equals(table.T.rename_axis(index="bob", columns="ann"))


def test_disagreements_lists_ties_first_then_the_least_agreement(ws, tmp_path):
    task = _task(ws, tmp_path, overlap=3)
    _label(ws, task, "ann", {0: "pos", 1: "pos", 2: "pos", 3: "pos", 4: "pos"})
    _label(ws, task, "bob", {0: "pos", 1: "neg", 2: "neg", 3: "neg", 4: "neg"})
    _label(ws, task, "cy", {0: "pos", 1: "pos", 2: "neu", 4: "neu"})
    # 0: all agree; 1: majority 2/3; 2: tie; 3: pending (2 of 3 labels) but split; 4: tie
    assert G.disagreements(ws, task.id) == [2, 4, 3, 1]
    G.review_item(ws, task.id, 2, "neu", reviewer="Rita")
    assert G.disagreements(ws, task.id) == [4, 3, 1]
    assert G.disagreements(ws, task.id, include_reviewed=True) == [4, 3, 1, 2]


# ---------------------------------------------------------------- status


def test_status_counts_what_the_page_and_the_cli_show(ws, tmp_path):
    import json

    task = _task(ws, tmp_path, n=12, overlap=2)
    _label(ws, task, "ann", {0: "pos", 1: "pos", 2: "neg", 3: "neu"})
    _label(ws, task, "bob", {0: "pos", 1: "neg", 2: "neg"})
    annotations.record_label(ws, task.id, 4, "neg", annotator="bob", suggested="neg")
    annotations.record_label(ws, task.id, 5, "pos", annotator="bob", suggested="neg")
    annotations.skip_item(ws, task.id, 6, annotator="ann")
    annotations.skip_item(ws, task.id, 3, annotator="bob")  # 3 is labeled by ann: not counted as skipped
    G.review_item(ws, task.id, 1, "neg", reviewer="Rita")
    st = G.status(ws, task.id)
    assert json.loads(json.dumps(st)) == st  # JSON-ready
    assert (st["id"], st["name"]) == (task.id, "sentiment")
    assert st["items"] == 12
    assert st["labeled"] == 6  # items 0-5
    assert st["complete"] == 3  # items 0, 1, 2 have both labels
    assert st["resolved"] == 3 and st["unresolved"] == 9
    assert st["reviewed"] == 1 and st["ties"] == 0
    assert st["skipped"] == 1
    assert st["per_class"] == {"pos": 1, "neg": 2, "neu": 0}
    assert st["not_in_schema"] == {}
    assert st["annotators"] == {"bob": 5, "ann": 4}
    assert (st["suggested"], st["accepted"]) == (2, 1)
    assert st["n_shared"] == 3
    assert st["cohen_kappa"] == pytest.approx(cohen_kappa_score(["pos", "pos", "neg"], ["pos", "neg", "neg"]))
    assert st["fleiss_kappa"] is None
    assert st["mean_item_agreement"] == pytest.approx((1 + 0.5 + 1) / 3)


def test_status_of_a_task_nobody_labeled(ws, tmp_path):
    task = _task(ws, tmp_path, n=5)
    st = G.status(ws, task.id)
    assert (st["items"], st["labeled"], st["resolved"], st["unresolved"], st["skipped"]) == (5, 0, 0, 5, 0)
    assert st["per_class"] == {"pos": 0, "neg": 0, "neu": 0}
    assert st["annotators"] == {} and st["cohen_kappa"] is None and st["mean_item_agreement"] is None
    assert G.resolve(ws, task.id).empty
    assert G.disagreements(ws, task.id) == []
