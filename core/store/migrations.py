"""The schema, changed only through these numbered migrations (applied in order at start-up).

Never edit an applied migration: add the next number. Every table has a text ``id``
with a kind prefix (except append-only logs) and a ``created_at`` in UTC ISO-8601.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

MIGRATIONS = Migrations("mlcycle")


def _exec(db: Database, script: str) -> None:
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


@MIGRATIONS(name="0001_foundation")
def m0001_foundation(db: Database) -> None:
    """Projects, jobs and their logs, the activity feed and the lineage table."""
    _exec(
        db,
        """
        CREATE TABLE projects (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            problem_statement TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            archived_at TEXT
        );
        CREATE UNIQUE INDEX projects_active_name ON projects(name COLLATE NOCASE)
            WHERE archived_at IS NULL;

        CREATE TABLE jobs (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            title TEXT NOT NULL DEFAULT '',
            payload TEXT NOT NULL DEFAULT '{}',
            project_id TEXT REFERENCES projects(id),
            status TEXT NOT NULL CHECK (status IN
                ('queued','running','done','failed','cancelled','interrupted')),
            progress REAL,
            message TEXT NOT NULL DEFAULT '',
            result TEXT,
            error TEXT,
            pid INTEGER,
            heartbeat_at TEXT,
            cancel_requested INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            started_at TEXT,
            finished_at TEXT
        );
        CREATE INDEX jobs_status ON jobs(status, created_at);
        CREATE INDEX jobs_created ON jobs(created_at);

        CREATE TABLE job_logs (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            job_id TEXT NOT NULL REFERENCES jobs(id),
            at TEXT NOT NULL,
            message TEXT NOT NULL
        );
        CREATE INDEX job_logs_job ON job_logs(job_id, seq);

        CREATE TABLE events (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            project_id TEXT,
            object_kind TEXT NOT NULL,
            object_id TEXT NOT NULL,
            verb TEXT NOT NULL,
            message TEXT NOT NULL
        );
        CREATE INDEX events_project ON events(project_id, seq);

        CREATE TABLE lineage (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            from_kind TEXT NOT NULL,
            from_id TEXT NOT NULL,
            relation TEXT NOT NULL,
            to_kind TEXT NOT NULL,
            to_id TEXT NOT NULL,
            created_at TEXT NOT NULL,
            UNIQUE (from_kind, from_id, relation, to_kind, to_id)
        );
        CREATE INDEX lineage_to ON lineage(to_kind, to_id);
        CREATE INDEX lineage_from ON lineage(from_kind, from_id)
        """,
    )


@MIGRATIONS(name="0002_define_and_data")
def m0002_define_and_data(db: Database) -> None:
    """Hypotheses with history, datasets, immutable versions, sharing and cached profiles."""
    _exec(
        db,
        """
        CREATE TABLE hypotheses (
            id TEXT PRIMARY KEY,
            project_id TEXT NOT NULL REFERENCES projects(id),
            question TEXT NOT NULL,
            statement TEXT NOT NULL,
            metric TEXT NOT NULL,
            direction TEXT NOT NULL CHECK (direction IN ('>=','<=')),
            threshold REAL NOT NULL,
            data_needed TEXT NOT NULL DEFAULT '',
            acquisition TEXT NOT NULL DEFAULT '',
            owner TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL CHECK (status IN
                ('draft','testing','supported','rejected','inconclusive')),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            archived_at TEXT
        );
        CREATE INDEX hypotheses_project ON hypotheses(project_id);

        CREATE TABLE hypothesis_history (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            hypothesis_id TEXT NOT NULL REFERENCES hypotheses(id),
            at TEXT NOT NULL,
            field TEXT NOT NULL,
            old_value TEXT,
            new_value TEXT,
            note TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX hypothesis_history_h ON hypothesis_history(hypothesis_id, seq);

        CREATE TABLE datasets (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            license TEXT NOT NULL DEFAULT '',
            created_by TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            archived_at TEXT
        );
        CREATE INDEX datasets_name ON datasets(name);

        CREATE TABLE dataset_versions (
            id TEXT PRIMARY KEY,
            dataset_id TEXT NOT NULL REFERENCES datasets(id),
            number INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            artifact TEXT NOT NULL,
            n_rows INTEGER NOT NULL,
            n_cols INTEGER NOT NULL,
            size_bytes INTEGER NOT NULL,
            schema TEXT NOT NULL,
            source TEXT NOT NULL DEFAULT '{}',
            parent_id TEXT REFERENCES dataset_versions(id),
            operation TEXT NOT NULL DEFAULT '{}',
            description TEXT NOT NULL DEFAULT '',
            warnings TEXT NOT NULL DEFAULT '[]',
            created_at TEXT NOT NULL,
            UNIQUE (dataset_id, number)
        );
        CREATE INDEX dataset_versions_sha ON dataset_versions(sha256);

        CREATE TABLE project_datasets (
            project_id TEXT NOT NULL REFERENCES projects(id),
            dataset_id TEXT NOT NULL REFERENCES datasets(id),
            attached_at TEXT NOT NULL,
            PRIMARY KEY (project_id, dataset_id)
        );

        CREATE TABLE profiles (
            version_id TEXT NOT NULL REFERENCES dataset_versions(id),
            target TEXT NOT NULL DEFAULT '',
            artifact TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (version_id, target)
        )
        """,
    )


@MIGRATIONS(name="0003_experiments")
def m0003_experiments(db: Database) -> None:
    """Experiments, one run per trial, and models."""
    _exec(
        db,
        """
        CREATE TABLE experiments (
            id TEXT PRIMARY KEY,
            project_id TEXT REFERENCES projects(id),
            hypothesis_id TEXT REFERENCES hypotheses(id),
            name TEXT NOT NULL DEFAULT '',
            dataset_version_id TEXT NOT NULL REFERENCES dataset_versions(id),
            train_version_id TEXT REFERENCES dataset_versions(id),
            test_version_id TEXT REFERENCES dataset_versions(id),
            target TEXT NOT NULL,
            task TEXT NOT NULL,
            metric TEXT NOT NULL,
            spec TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN
                ('queued','running','done','failed','cancelled','interrupted')),
            job_id TEXT REFERENCES jobs(id),
            n_trials INTEGER NOT NULL DEFAULT 0,
            best_run_id TEXT,
            best_model_id TEXT,
            data_sha256 TEXT NOT NULL,
            environment TEXT NOT NULL DEFAULT '{}',
            error TEXT,
            created_at TEXT NOT NULL,
            started_at TEXT,
            finished_at TEXT,
            archived_at TEXT
        );
        CREATE INDEX experiments_project ON experiments(project_id, created_at);
        CREATE INDEX experiments_hypothesis ON experiments(hypothesis_id);

        CREATE TABLE runs (
            id TEXT PRIMARY KEY,
            experiment_id TEXT NOT NULL REFERENCES experiments(id),
            trial INTEGER NOT NULL,
            learner TEXT NOT NULL,
            params TEXT NOT NULL,
            val_loss REAL,
            val_metric REAL,
            metrics TEXT NOT NULL DEFAULT '{}',
            train_time REAL,
            wall_offset REAL,
            status TEXT NOT NULL,
            created_at TEXT NOT NULL,
            UNIQUE (experiment_id, trial)
        );
        CREATE INDEX runs_experiment_loss ON runs(experiment_id, val_loss);
        CREATE INDEX runs_learner ON runs(learner);

        CREATE TABLE models (
            id TEXT PRIMARY KEY,
            experiment_id TEXT NOT NULL REFERENCES experiments(id),
            run_id TEXT REFERENCES runs(id),
            learner TEXT NOT NULL,
            config TEXT NOT NULL,
            artifact TEXT NOT NULL,
            size_bytes INTEGER NOT NULL,
            holdout TEXT NOT NULL DEFAULT '{}',
            environment TEXT NOT NULL DEFAULT '{}',
            reference_stats TEXT,
            created_at TEXT NOT NULL,
            archived_at TEXT
        );
        CREATE INDEX models_experiment ON models(experiment_id)
        """,
    )


@MIGRATIONS(name="0004_version_archive")
def m0004_version_archive(db: Database) -> None:
    """A dataset version can be archived (hidden from lists and pickers; kept, restorable)."""
    db.execute("ALTER TABLE dataset_versions ADD COLUMN archived_at TEXT")


@MIGRATIONS(name="0005_model_selection_and_hypothesis_datasets")
def m0005_model_selection_and_hypothesis_datasets(db: Database) -> None:
    """Why a model was chosen (which trial it refits, by which rule, with the numbers), and the
    datasets of experiments that test a hypothesis linked to it (as new experiments link them)."""
    db.execute("ALTER TABLE models ADD COLUMN selection TEXT")
    link_hypothesis_datasets(db)


def link_hypothesis_datasets(db: Database) -> None:
    """Record ``hypothesis --uses--> dataset`` for every experiment that tests a hypothesis (idempotent)."""
    db.execute(
        "INSERT OR IGNORE INTO lineage (from_kind, from_id, relation, to_kind, to_id, created_at)"
        " SELECT 'hypothesis', e.hypothesis_id, 'uses', 'dataset', v.dataset_id, e.created_at"
        " FROM experiments e JOIN dataset_versions v ON v.id = e.dataset_version_id"
        " JOIN hypotheses h ON h.id = e.hypothesis_id"
        " WHERE e.hypothesis_id IS NOT NULL ORDER BY e.created_at"
    )


@MIGRATIONS(name="0006_evaluation_and_registry")
def m0006_evaluation_and_registry(db: Database) -> None:
    """The Compare step: each model's evaluation (metrics with intervals, stored predictions), its
    processing benchmarks, per-project gates, registry stages with their history, a hypothesis's
    current verdict, and an index that serves a best-first listing of runs.

    ``models.project_id`` is copied from the model's experiment (backfilled here, set on insert by
    a trigger) so that "one production model per project" is a unique index, not a hope.
    """
    _exec(
        db,
        """
        CREATE TABLE evaluations (
            model_id TEXT PRIMARY KEY REFERENCES models(id),
            method TEXT NOT NULL CHECK (method IN ('holdout','repeated_cv')),
            metric TEXT NOT NULL,
            value REAL,
            low REAL,
            high REAL,
            metrics TEXT NOT NULL DEFAULT '{}',
            per_class TEXT NOT NULL DEFAULT '[]',
            averaging TEXT NOT NULL DEFAULT '{}',
            n_rows INTEGER NOT NULL DEFAULT 0,
            predictions_artifact TEXT,
            settings TEXT NOT NULL DEFAULT '{}',
            notes TEXT NOT NULL DEFAULT '[]',
            created_at TEXT NOT NULL
        );

        CREATE TABLE benchmarks (
            id TEXT PRIMARY KEY,
            model_id TEXT NOT NULL REFERENCES models(id),
            job_id TEXT REFERENCES jobs(id),
            load_ms REAL,
            p50_ms REAL,
            p95_ms REAL,
            p99_ms REAL,
            rows_per_s TEXT NOT NULL DEFAULT '{}',
            size_bytes INTEGER,
            peak_rss_mb REAL,
            machine TEXT NOT NULL DEFAULT '{}',
            figures TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL
        );
        CREATE INDEX benchmarks_model ON benchmarks(model_id, created_at);

        CREATE TABLE gates (
            project_id TEXT PRIMARY KEY REFERENCES projects(id),
            rule TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );

        ALTER TABLE models ADD COLUMN project_id TEXT REFERENCES projects(id);
        ALTER TABLE models ADD COLUMN stage TEXT NOT NULL DEFAULT 'none'
            CHECK (stage IN ('none','candidate','production','archived'));
        UPDATE models SET project_id = (SELECT e.project_id FROM experiments e WHERE e.id = models.experiment_id);
        CREATE UNIQUE INDEX models_one_production ON models(project_id) WHERE stage = 'production';
        CREATE INDEX models_project ON models(project_id, created_at);

        CREATE TABLE model_stages (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            model_id TEXT NOT NULL REFERENCES models(id),
            project_id TEXT,
            old_stage TEXT,
            new_stage TEXT NOT NULL,
            actor TEXT NOT NULL DEFAULT '',
            note TEXT NOT NULL DEFAULT '',
            at TEXT NOT NULL
        );
        CREATE INDEX model_stages_model ON model_stages(model_id, seq);

        ALTER TABLE hypotheses ADD COLUMN verdict TEXT;

        CREATE INDEX runs_best ON runs(experiment_id, val_loss, trial) WHERE val_loss IS NOT NULL
        """,
    )
    # one statement with its own semicolons: not through _exec, which splits on them
    db.execute(
        "CREATE TRIGGER models_project AFTER INSERT ON models WHEN NEW.project_id IS NULL BEGIN"
        " UPDATE models SET project_id = (SELECT e.project_id FROM experiments e WHERE e.id = NEW.experiment_id)"
        " WHERE id = NEW.id; END"
    )


@MIGRATIONS(name="0007_explanations_and_model_cards")
def m0007_explanations_and_model_cards(db: Database) -> None:
    """The Explain step: stored SHAP explanations, reused by their key, and the parts of a model
    card that the user writes (intended use, limitations...); the rest of a card is read from lineage.

    An explanation is keyed by (model, dataset version, rows, settings): ``settings_key`` is the
    sha256 of its canonical settings JSON, so asking again for the same thing reuses it.
    """
    _exec(
        db,
        """
        CREATE TABLE explanations (
            id TEXT PRIMARY KEY,
            model_id TEXT NOT NULL REFERENCES models(id),
            version_id TEXT NOT NULL REFERENCES dataset_versions(id),
            n_rows INTEGER NOT NULL,
            settings TEXT NOT NULL DEFAULT '{}',
            settings_key TEXT NOT NULL,
            explainer TEXT NOT NULL,
            units TEXT NOT NULL DEFAULT '',
            outputs TEXT NOT NULL DEFAULT '[]',
            columns TEXT NOT NULL DEFAULT '[]',
            base_values TEXT NOT NULL DEFAULT '[]',
            importance TEXT NOT NULL DEFAULT '{}',
            artifact TEXT NOT NULL,
            job_id TEXT REFERENCES jobs(id),
            seconds REAL,
            notes TEXT NOT NULL DEFAULT '[]',
            created_at TEXT NOT NULL
        );
        CREATE UNIQUE INDEX explanations_key ON explanations(model_id, version_id, n_rows, settings_key);
        CREATE INDEX explanations_model ON explanations(model_id, created_at);

        CREATE TABLE model_cards (
            model_id TEXT PRIMARY KEY REFERENCES models(id),
            fields TEXT NOT NULL DEFAULT '{}',
            updated_by TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL
        )
        """,
    )


@MIGRATIONS(name="0008_exports")
def m0008_exports(db: Database) -> None:
    """The Deploy step: each exported bundle of a model (where it was written, what it pins), with the
    result of verifying its server against the app and, when an image was built, the image's tag and
    its own verification. Both results are JSON: ``{"verified", "rows", "labels_equal",
    "max_proba_diff", "p50_ms", "p99_ms", "rows_per_s", "at", ...}``.
    """
    _exec(
        db,
        """
        CREATE TABLE exports (
            id TEXT PRIMARY KEY,
            model_id TEXT NOT NULL REFERENCES models(id),
            path TEXT NOT NULL,
            zip_path TEXT,
            offline INTEGER NOT NULL DEFAULT 0,
            files TEXT NOT NULL DEFAULT '[]',
            requirements TEXT NOT NULL DEFAULT '{}',
            verification TEXT,
            image_tag TEXT,
            image_verification TEXT,
            created_by TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        );
        CREATE INDEX exports_model ON exports(model_id, created_at)
        """,
    )


@MIGRATIONS(name="0009_labeling")
def m0009_labeling(db: Database) -> None:
    """The Label step: label tasks over a dataset version, every label given (an append-only log: a
    change or an undo adds or marks a row, nothing is deleted, so two annotators never overwrite each
    other), reviewers' decisions on disagreements, the quick models that suggest labels (active
    learning) with their current suggestion per item, and each publication of the labels as a new
    dataset version.

    An item is a row of the task's dataset version, by its 0-based position (versions never change).
    A label is a class name; a multi-label answer is a JSON array of class names. ``action`` is
    ``label`` or ``skip`` (a skip has no label).
    """
    _exec(
        db,
        """
        CREATE TABLE label_tasks (
            id TEXT PRIMARY KEY,
            project_id TEXT REFERENCES projects(id),
            version_id TEXT NOT NULL REFERENCES dataset_versions(id),
            name TEXT NOT NULL,
            kind TEXT NOT NULL,
            item_column TEXT,
            classes TEXT NOT NULL DEFAULT '[]',
            multi_label INTEGER NOT NULL DEFAULT 0,
            instructions TEXT NOT NULL DEFAULT '',
            overlap INTEGER NOT NULL DEFAULT 1,
            image_root TEXT,
            settings TEXT NOT NULL DEFAULT '{}',
            created_by TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT,
            archived_at TEXT
        );
        CREATE INDEX label_tasks_project ON label_tasks(project_id, created_at);
        CREATE INDEX label_tasks_version ON label_tasks(version_id);

        CREATE TABLE annotations (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            task_id TEXT NOT NULL REFERENCES label_tasks(id),
            item INTEGER NOT NULL,
            annotator TEXT NOT NULL,
            label TEXT,
            action TEXT NOT NULL DEFAULT 'label',
            suggested TEXT,
            accepted INTEGER NOT NULL DEFAULT 0,
            source TEXT NOT NULL DEFAULT 'screen',
            seconds REAL,
            created_at TEXT NOT NULL,
            undone_at TEXT
        );
        CREATE INDEX annotations_item ON annotations(task_id, item, annotator, seq);
        CREATE INDEX annotations_annotator ON annotations(task_id, annotator, seq);

        CREATE TABLE label_reviews (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            task_id TEXT NOT NULL REFERENCES label_tasks(id),
            item INTEGER NOT NULL,
            label TEXT,
            reviewer TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        );
        CREATE INDEX label_reviews_item ON label_reviews(task_id, item, seq);

        CREATE TABLE label_runs (
            id TEXT PRIMARY KEY,
            task_id TEXT NOT NULL REFERENCES label_tasks(id),
            job_id TEXT REFERENCES jobs(id),
            learner TEXT NOT NULL DEFAULT '',
            n_labeled INTEGER NOT NULL DEFAULT 0,
            n_suggested INTEGER NOT NULL DEFAULT 0,
            classes TEXT NOT NULL DEFAULT '[]',
            metrics TEXT NOT NULL DEFAULT '{}',
            notes TEXT NOT NULL DEFAULT '[]',
            created_at TEXT NOT NULL
        );
        CREATE INDEX label_runs_task ON label_runs(task_id, created_at);

        CREATE TABLE label_suggestions (
            task_id TEXT NOT NULL REFERENCES label_tasks(id),
            item INTEGER NOT NULL,
            run_id TEXT NOT NULL REFERENCES label_runs(id),
            label TEXT NOT NULL,
            confidence REAL NOT NULL,
            uncertainty REAL NOT NULL,
            PRIMARY KEY (task_id, item)
        );
        CREATE INDEX label_suggestions_order ON label_suggestions(task_id, uncertainty DESC);

        CREATE TABLE label_publications (
            id TEXT PRIMARY KEY,
            task_id TEXT NOT NULL REFERENCES label_tasks(id),
            version_id TEXT NOT NULL REFERENCES dataset_versions(id),
            label_column TEXT NOT NULL,
            include_unresolved INTEGER NOT NULL DEFAULT 0,
            counts TEXT NOT NULL DEFAULT '{}',
            created_by TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        );
        CREATE INDEX label_publications_task ON label_publications(task_id, created_at)
        """,
    )


@MIGRATIONS(name="0010_features")
def m0010_features(db: Database) -> None:
    """The Features step: stored feature-importance reports of a dataset version for a target (every
    method's score and rank per column, the consensus, and the warnings), reused by their key
    (version, target, settings), and named feature sets that the experiment form offers.

    ``ranking`` is ``[{"column", "kind", "scores": {method: score}, "spread": {method: std},
    "ranks": {method: rank}, "consensus_rank", "consensus_score", ...}]``; ``warnings`` is
    ``[{"column", "kind", "reason", ...}]`` (kinds: leakage, id, constant, near_constant, missing,
    target_name). A feature set lists its columns and what it left out, with why.
    """
    _exec(
        db,
        """
        CREATE TABLE feature_reports (
            id TEXT PRIMARY KEY,
            version_id TEXT NOT NULL REFERENCES dataset_versions(id),
            target TEXT NOT NULL,
            task TEXT NOT NULL,
            settings TEXT NOT NULL DEFAULT '{}',
            settings_key TEXT NOT NULL,
            methods TEXT NOT NULL DEFAULT '[]',
            ranking TEXT NOT NULL DEFAULT '[]',
            warnings TEXT NOT NULL DEFAULT '[]',
            notes TEXT NOT NULL DEFAULT '[]',
            n_rows INTEGER NOT NULL DEFAULT 0,
            n_used INTEGER NOT NULL DEFAULT 0,
            job_id TEXT REFERENCES jobs(id),
            seconds REAL,
            created_at TEXT NOT NULL
        );
        CREATE UNIQUE INDEX feature_reports_key ON feature_reports(version_id, target, settings_key);

        CREATE TABLE feature_sets (
            id TEXT PRIMARY KEY,
            project_id TEXT REFERENCES projects(id),
            dataset_id TEXT NOT NULL REFERENCES datasets(id),
            version_id TEXT NOT NULL REFERENCES dataset_versions(id),
            name TEXT NOT NULL,
            target TEXT,
            columns TEXT NOT NULL DEFAULT '[]',
            dropped TEXT NOT NULL DEFAULT '[]',
            how TEXT NOT NULL DEFAULT '',
            report_id TEXT REFERENCES feature_reports(id),
            created_by TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            archived_at TEXT
        );
        CREATE INDEX feature_sets_dataset ON feature_sets(dataset_id, created_at);
        CREATE INDEX feature_sets_project ON feature_sets(project_id, created_at)
        """,
    )


@MIGRATIONS(name="0011_monitor")
def m0011_monitor(db: Database) -> None:
    """The Monitor step: each model's reference (per-feature statistics of its training rows and its
    prediction distribution on the held-out rows; computed on demand for models made before this step),
    batches of current data (an upload or a served bundle's prediction log, stored as a dataset version),
    drift reports of a batch against the reference, and each model's alert thresholds.

    A report's ``features`` is ``[{"column", "kind", "test", "statistic", "threshold", "drifted", "psi",
    "psi_threshold", "missing_ref", "missing_cur", "new_categories", ...}]``.
    """
    _exec(
        db,
        """
        CREATE TABLE monitor_references (
            model_id TEXT PRIMARY KEY REFERENCES models(id),
            version_id TEXT REFERENCES dataset_versions(id),
            n_rows INTEGER NOT NULL DEFAULT 0,
            stats TEXT NOT NULL DEFAULT '{}',
            predictions TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL
        );

        CREATE TABLE monitor_batches (
            id TEXT PRIMARY KEY,
            model_id TEXT NOT NULL REFERENCES models(id),
            version_id TEXT NOT NULL REFERENCES dataset_versions(id),
            name TEXT NOT NULL,
            source TEXT NOT NULL DEFAULT 'upload',
            n_rows INTEGER NOT NULL DEFAULT 0,
            has_target INTEGER NOT NULL DEFAULT 0,
            notes TEXT NOT NULL DEFAULT '[]',
            created_by TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            archived_at TEXT
        );
        CREATE INDEX monitor_batches_model ON monitor_batches(model_id, created_at);

        CREATE TABLE drift_reports (
            id TEXT PRIMARY KEY,
            batch_id TEXT NOT NULL REFERENCES monitor_batches(id),
            model_id TEXT NOT NULL REFERENCES models(id),
            settings TEXT NOT NULL DEFAULT '{}',
            features TEXT NOT NULL DEFAULT '[]',
            share_drifted REAL,
            n_drifted INTEGER NOT NULL DEFAULT 0,
            prediction TEXT NOT NULL DEFAULT '{}',
            metrics TEXT NOT NULL DEFAULT '{}',
            columns TEXT NOT NULL DEFAULT '{}',
            alert INTEGER NOT NULL DEFAULT 0,
            alert_reasons TEXT NOT NULL DEFAULT '[]',
            notes TEXT NOT NULL DEFAULT '[]',
            job_id TEXT REFERENCES jobs(id),
            seconds REAL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX drift_reports_batch ON drift_reports(batch_id, created_at);
        CREATE INDEX drift_reports_model ON drift_reports(model_id, created_at);

        CREATE TABLE monitor_settings (
            model_id TEXT PRIMARY KEY REFERENCES models(id),
            drift_share REAL NOT NULL DEFAULT 0.5,
            metric_drop REAL NOT NULL DEFAULT 0.05,
            updated_by TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL
        )
        """,
    )
