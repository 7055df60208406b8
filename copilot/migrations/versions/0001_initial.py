"""The stores of copilot/actions and copilot/audit.py: approvals, side effects, threads, feedback,
the webhook outbox and the append-only audit log (with its signed head anchor).

Revision ID: 0001
Revises:
"""

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TABLES = """
CREATE TABLE approvals (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, thread_id TEXT NOT NULL, payload TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '', status TEXT NOT NULL DEFAULT 'pending', created_at TEXT NOT NULL,
    decided_by TEXT, decided_at TEXT, comment TEXT, requested_by TEXT, notified INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX approvals_status ON approvals (status, created_at);
CREATE TABLE work_orders (
    id TEXT PRIMARY KEY, approval_id TEXT NOT NULL UNIQUE, thread_id TEXT, created_at TEXT NOT NULL,
    approved_by TEXT, payload TEXT NOT NULL, webhook_status TEXT
);
CREATE TABLE decision_records (
    id TEXT PRIMARY KEY, approval_id TEXT NOT NULL UNIQUE, thread_id TEXT, created_at TEXT NOT NULL,
    approved_by TEXT, payload TEXT NOT NULL
);
CREATE TABLE reports (
    id TEXT PRIMARY KEY, approval_id TEXT NOT NULL UNIQUE, thread_id TEXT, created_at TEXT NOT NULL,
    approved_by TEXT, payload TEXT NOT NULL
);
CREATE TABLE feedback (
    id BIGSERIAL PRIMARY KEY, thread_id TEXT NOT NULL, message_index INTEGER NOT NULL,
    score INTEGER NOT NULL, "user" TEXT NOT NULL, comment TEXT, created_at TEXT NOT NULL
);
CREATE TABLE threads (id TEXT PRIMARY KEY, owner TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE webhook_outbox (
    id TEXT PRIMARY KEY, work_order_id TEXT NOT NULL UNIQUE, approval_id TEXT NOT NULL, thread_id TEXT,
    url TEXT NOT NULL, body TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at DOUBLE PRECISION NOT NULL, lease_until DOUBLE PRECISION, last_error TEXT,
    created_at TEXT NOT NULL, delivered_at TEXT
);
CREATE INDEX webhook_outbox_due ON webhook_outbox (status, next_attempt_at);
CREATE TABLE webhook_deliveries (
    id BIGSERIAL PRIMARY KEY, outbox_id TEXT NOT NULL, work_order_id TEXT NOT NULL,
    attempt INTEGER NOT NULL, started_at TEXT NOT NULL, finished_at TEXT, outcome TEXT NOT NULL DEFAULT 'in_flight',
    http_status INTEGER, error TEXT
);
CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY CHECK (seq >= 1), ts TEXT NOT NULL, kind TEXT NOT NULL, thread_id TEXT,
    payload TEXT NOT NULL, prev_hash TEXT NOT NULL UNIQUE, hash TEXT NOT NULL UNIQUE, actor TEXT,
    alg TEXT NOT NULL DEFAULT 'sha256'
);
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1), seq BIGINT NOT NULL, hash TEXT NOT NULL, mac TEXT
);
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'audit log is append-only'; END $$;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_append_only();
"""


def upgrade() -> None:
    op.execute(TABLES)


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS approvals, work_orders, decision_records, reports, feedback, threads, "
               "webhook_outbox, webhook_deliveries, audit_log, audit_head CASCADE; "
               "DROP FUNCTION IF EXISTS audit_append_only()")
