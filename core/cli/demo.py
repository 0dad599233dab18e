"""Demo data: projects seeded from ``data/samples`` so a new user has something to explore.

With ``train=True`` (what ``mlcycle demo`` does) one short search per modeling demo project is
queued after seeding and run by the background worker, so a newcomer soon finds a finished
experiment to compare, explain and export; :func:`demo_jobs` says which are still being
prepared. The labeling demo project gets no search: its data has no labels until someone
labels it (two label tasks wait for that: review sentiment and handwritten digits).
"""

from __future__ import annotations

from typing import Any

from core import jobs
from core.data import datasets
from core.define import hypotheses, projects
from core.define.entities import Project
from core.jobs.entities import Job
from core.labeling import images, tasks
from core.workspace import REPO_ROOT, Workspace

SAMPLES = REPO_ROOT / "data" / "samples"
DEMO_NAME = "Demo: breast cancer screening"
DEMO_STATEMENT = """\
Clinicians want a second opinion on fine-needle aspirate images: **is this tumour malignant?**

A missed malignant case costs far more than a false alarm, so we care about ranking quality
(ROC AUC) as well as overall accuracy. Measurements come from the Wisconsin Diagnostic
Breast Cancer data set (569 digitised images, 30 numeric features).
"""
DEMO_SEARCH_NAME = "Demo search"
DEMO_JOB_TITLE = "Preparing the demo: a short search on {dataset}"
DEMO_SEARCH_BUDGET = 20.0
DEMO_LEARNERS = ("lgbm", "rf", "lrl2")  # fast, and different enough to compare
CHURN_NAME = "Demo: customer churn"
CHURN_STATEMENT = """\
Which subscribers will cancel in the next billing cycle? Retention can call about 10% of
customers a month, so the model must **rank** customers by risk well.

Data: a 2,000-customer snapshot with plan, region, payment method, usage and support
history (some values missing). The customer id must never be used as a feature.
"""
LABELING_NAME = "Demo: labeling"
LABELING_STATEMENT = """\
Nothing here can be trained yet: **the data has no labels.** Two sets need them.

*How do customers feel?* 240 short product reviews, half in Korean and half in English, each get a
sentiment (positive, negative or neutral) from **two annotators**, so we can measure how well they
agree (Cohen's kappa) and settle their disagreements in review. *Which digit is it?* 300 handwritten
digits (64 x 64 pixels) each get their digit, 0 to 9, from one annotator.

Label with the keyboard; once enough labels exist, a quick model suggests the rest and puts the
reviews it is least sure about first. Publish the labels as a new dataset version and train on it.
"""
SENTIMENT_INSTRUCTIONS = """\
Label the feeling of the **whole review** (리뷰 전체의 느낌으로 고르세요):

- **positive** (1): happy overall, would recommend it, even with a small complaint.
- **negative** (2): unhappy: it broke, disappointed, was sent back.
- **neutral** (3): mixed or plain: good and bad about equal, or just "it works".

Decide from the words; the stars only help when the text is unclear. Skip a review you cannot judge.
"""
DIGIT_INSTRUCTIONS = """\
Which digit is written? Press its number key, **0** to **9** (숫자 키로 고르세요).
Skip an image that is not a digit at all.
"""


def _add(ws: Workspace, file_name: str, project_id: str, name: str, description: str, license_: str):
    return datasets.add_dataset(
        ws, SAMPLES / file_name, name=name, project_id=project_id, description=description,
        license=license_, source_note=f"data/samples/{file_name} (bundled sample)", created_by="demo",
    )


def seed_demo(ws: Workspace, *, force: bool = False, train: bool = False) -> dict[str, Any]:
    """Create the demo projects (once): problem statements, hypotheses and sample datasets.

    Args:
        ws: the workspace.
        force: create the demo again even if it exists.
        train: after seeding, queue one short search per modeling demo project (linked to its hypothesis,
            about :data:`DEMO_SEARCH_BUDGET` seconds, a few fast learners) and start the background
            worker to run them. Nothing is queued when the demo already existed.

    Returns:
        ``{"id", "project_name", "created", "projects": [ids], "project_names": [names],
        "experiments": [ids], "jobs": [ids]}`` (``id`` and ``project_name`` are the first demo
        project's; ``projects`` lists breast cancer, churn and labeling, and ``experiments`` and
        ``jobs`` the searches of the first two, empty without ``train``).
    """
    existing = projects.find_project_by_name(ws, DEMO_NAME)
    if existing and not force:
        return {"id": existing.id, "project_name": existing.name, "created": False}
    suffix = "" if not existing else f" ({len(projects.list_projects(ws, include_archived=True)) + 1})"

    # made first, so the churn project stays the most recent one: the project the app opens on
    labeling = _seed_labeling(ws, LABELING_NAME + suffix)
    cancer = projects.create_project(ws, DEMO_NAME + suffix,
                                     description="A worked example built from the bundled samples.")
    projects.update_project(ws, cancer.id, problem_statement=DEMO_STATEMENT)
    h1 = hypotheses.create_hypothesis(
        ws, cancer.id, question="Can cell-nucleus measurements tell malignant from benign tumours?",
        statement="The 30 nucleus measurements separate malignant from benign cases almost perfectly.",
        metric="roc_auc", threshold=0.97, data_needed="Digitised FNA measurements with a confirmed diagnosis",
        acquisition="UCI Wisconsin Diagnostic Breast Cancer data (bundled with scikit-learn)", owner="demo",
    )
    cancer_data = _add(ws, "breast_cancer.csv", cancer.id, "breast_cancer",
                       "Wisconsin Diagnostic Breast Cancer: 30 features per FNA image, diagnosis malignant/benign.",
                       "CC BY 4.0")
    datasets.link_dataset_to_hypothesis(ws, cancer_data.dataset.id, h1.id)

    churn = projects.create_project(ws, CHURN_NAME + suffix, description="Tabular data with categoricals, "
                                    "missing values and an ID column; plus a Korean-headed sample.")
    projects.update_project(ws, churn.id, problem_statement=CHURN_STATEMENT)
    h2 = hypotheses.create_hypothesis(
        ws, churn.id, question="Who will cancel next month?",
        statement="Support tickets, satisfaction and tenure predict cancellation.",
        metric="roc_auc", threshold=0.75, data_needed="One row per customer with last month's outcome",
        acquisition="Monthly export from the billing warehouse", owner="demo",
    )
    _add(ws, "iris_ko_cp949.csv", churn.id, "붓꽃 (iris, cp949)",
         "Iris with Hangul headers and labels, encoded cp949.", "CC BY 4.0")
    # added last, so the churn table is listed first and is what the pages pick by default
    churn_data = _add(ws, "churn.csv", churn.id, "churn", "Synthetic subscriber snapshot (seeded), 2,000 customers.",
                      "CC0")
    datasets.link_dataset_to_hypothesis(ws, churn_data.dataset.id, h2.id)
    searches = []
    if train:
        searches = [_queue_search(ws, cancer.id, h1.id, cancer_data, "diagnosis"),
                    _queue_search(ws, churn.id, h2.id, churn_data, "churned")]
        jobs.ensure_worker(ws)
    return {"id": cancer.id, "project_name": cancer.name, "created": True,
            "projects": [cancer.id, churn.id, labeling.id], "project_names": [cancer.name, churn.name, labeling.name],
            "experiments": [e.id for e in searches], "jobs": [e.job_id for e in searches]}


def _seed_labeling(ws: Workspace, name: str) -> Project:
    """The labeling demo: the reviews and the digit images, a sentiment task (two annotators each) and a digit task."""
    project = projects.create_project(ws, name, description="Unlabeled reviews (Korean and English) and "
                                      "handwritten digits, with a label task for each.")
    projects.update_project(ws, project.id, problem_statement=LABELING_STATEMENT)
    hypothesis = hypotheses.create_hypothesis(
        ws, project.id, question="Can a model read the sentiment of a review, in Korean and in English?",
        statement="With a few hundred agreed labels, a text model gets most reviews' sentiment right in both languages.",
        metric="accuracy", threshold=0.7, data_needed="Reviews with a sentiment label two annotators agree on",
        acquisition="Labeled in MLCycle by two annotators; disagreements settled in review", owner="demo",
    )
    reviews = _add(ws, "reviews.csv", project.id, "reviews",
                   "240 short product reviews (120 Korean, 120 English) with their star ratings; no labels yet.",
                   "CC0")
    datasets.link_dataset_to_hypothesis(ws, reviews.dataset.id, hypothesis.id)
    digits = images.add_image_zip(
        ws, SAMPLES / "digits.zip", name="digits", project_id=project.id, created_by="demo", license="CC BY 4.0",
        description="300 handwritten digits as 64 x 64 grey PNGs (scikit-learn's copy of the UCI optical digits).",
        source_note="data/samples/digits.zip (bundled sample)",
    )
    tasks.create_task(ws, reviews.version.id, name="sentiment", classes=["positive", "negative", "neutral"],
                      kind="text", item_column="review", overlap=2, instructions=SENTIMENT_INSTRUCTIONS,
                      project_id=project.id, created_by="demo")
    tasks.create_task(ws, digits.version.id, name="digit", classes=[str(d) for d in range(10)], kind="image",
                      item_column="image", overlap=1, instructions=DIGIT_INSTRUCTIONS, project_id=project.id,
                      created_by="demo")
    return projects.get_project(ws, project.id)


def _queue_search(ws: Workspace, project_id: str, hypothesis_id: str, added: Any, target: str) -> Any:
    """Queue the demo's short search on a sample (the worker is started by the caller)."""
    from core import experiments
    from core.experiments.spec import SearchConfig

    config = SearchConfig(target=target, time_budget=DEMO_SEARCH_BUDGET, learners=DEMO_LEARNERS, seed=0)
    return experiments.create_experiment(
        ws, added.version.id, config, project_id=project_id, hypothesis_id=hypothesis_id, name=DEMO_SEARCH_NAME,
        start_worker=False, job_title=DEMO_JOB_TITLE.format(dataset=added.dataset.name))


def demo_jobs(ws: Workspace) -> list[Job]:
    """The demo's searches still queued or running (what "the demo is being prepared" is about), oldest first.

    Args:
        ws: the workspace.

    Returns:
        The unfinished ``automl`` jobs :func:`seed_demo` queued with ``train=True``; ``[]`` once
        they have all ended (however they ended).
    """
    prefix = DEMO_JOB_TITLE.split("{")[0]
    found = [job for status in ("running", "queued") for job in jobs.list_jobs(ws, status=status, kind="automl")
             if job.title.startswith(prefix)]
    return sorted(found, key=lambda job: job.created_at)
