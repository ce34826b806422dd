"""Tables of the dashboard (migrations 0002, 0003): the derived state projected
from the op log, villages, accounts, sessions, the access log and spot checks."""

from __future__ import annotations

import sqlalchemy as sa

from sync.server.schema import BigId

metadata = sa.MetaData()
INDICATORS: tuple[str, ...] = ("food", "clothing", "education", "medical", "housing", "water", "income")

hh_state = sa.Table(
    "hh_state", metadata,
    sa.Column("household_id", sa.String(36), primary_key=True),
    sa.Column("village_code", sa.String(12), nullable=False),
    sa.Column("township_code", sa.String(9), nullable=False),
    sa.Column("grp", sa.Text, nullable=False),
    sa.Column("address", sa.Text, nullable=False),
    sa.Column("phone", sa.String(32), nullable=False),
    sa.Column("household_type", sa.String(32), nullable=False),
    sa.Column("monitoring_type", sa.String(32), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("roster_no", sa.String(64)),
    sa.Column("head_name", sa.Text, nullable=False),
    sa.Column("members", sa.Integer, nullable=False),
    sa.Column("cadre", sa.Text, nullable=False),
    sa.Column("last_visit_id", sa.String(36)),
    sa.Column("last_visit_at", sa.String(40)),
    sa.Column("overall", sa.String(16)),
    *[sa.Column(f"v_{i}", sa.String(16)) for i in INDICATORS],
    sa.Column("updated_at", sa.String(32), nullable=False),
)

member_state = sa.Table(
    "member_state", metadata,
    sa.Column("member_id", sa.String(36), primary_key=True),
    sa.Column("household_id", sa.String(36), nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("id_number", sa.String(32), nullable=False),
    sa.Column("relation", sa.String(32), nullable=False),
    sa.Column("sex", sa.String(8)),
    sa.Column("birth_date", sa.String(10)),
    sa.Column("phone", sa.String(32), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("data", sa.Text, nullable=False),
)

visit_state = sa.Table(
    "visit_state", metadata,
    sa.Column("visit_id", sa.String(36), primary_key=True),
    sa.Column("household_id", sa.String(36), nullable=False),
    sa.Column("village_code", sa.String(12), nullable=False),
    sa.Column("visited_at", sa.String(40), nullable=False),
    sa.Column("visit_date", sa.String(10), nullable=False),
    sa.Column("visitor", sa.Text, nullable=False),
    sa.Column("device_id", sa.String(36), nullable=False),
    sa.Column("overall", sa.String(16)),
    sa.Column("verdicts", sa.Text, nullable=False),
)

problem_state = sa.Table(
    "problem_state", metadata,
    sa.Column("problem_id", sa.String(36), primary_key=True),
    sa.Column("household_id", sa.String(36), nullable=False),
    sa.Column("village_code", sa.String(12), nullable=False),
    sa.Column("indicator", sa.String(32), nullable=False),
    sa.Column("category", sa.String(32), nullable=False),
    sa.Column("source", sa.String(32), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("opened_at", sa.String(40), nullable=False),
    sa.Column("deadline", sa.String(40)),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("closed_at", sa.String(40)),
)

conflict_state = sa.Table(
    "conflict_state", metadata,
    sa.Column("entity", sa.String(16), primary_key=True),
    sa.Column("entity_id", sa.String(36), primary_key=True),
    sa.Column("field", sa.String(64), primary_key=True),
    sa.Column("household_id", sa.String(36), nullable=False),
    sa.Column("village_code", sa.String(12), nullable=False),
    sa.Column("values_count", sa.Integer, nullable=False),
)

villages = sa.Table(
    "villages", metadata,
    sa.Column("village_code", sa.String(12), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("township_name", sa.Text, nullable=False),
)

accounts = sa.Table(
    "accounts", metadata,
    sa.Column("username", sa.String(64), primary_key=True),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("township", sa.String(9)),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("disabled", sa.Boolean, nullable=False),
    sa.Column("last_login", sa.String(32)),
    # migration 0011b: set by someone else (created or reset on the dashboard), changed at the next login
    sa.Column("must_change", sa.Boolean, nullable=False, server_default=sa.false()),
)

sessions = sa.Table(
    "sessions", metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("username", sa.String(64), nullable=False),
    sa.Column("csrf", sa.String(64), nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("expires_at", sa.BigInteger, nullable=False),
)

access_log = sa.Table(
    "access_log", metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("at", sa.String(32), nullable=False),
    sa.Column("username", sa.String(64), nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("detail", sa.Text, nullable=False),
    sa.Column("households", sa.Integer, nullable=False),
)

access_log_households = sa.Table(
    "access_log_households", metadata,
    sa.Column("log_id", sa.BigInteger, primary_key=True),
    sa.Column("household_id", sa.String(36), primary_key=True),
)

spot_check_days = sa.Table(
    "spot_check_days", metadata,
    sa.Column("day", sa.String(10), primary_key=True),
    sa.Column("drawn_at", sa.String(32), nullable=False),
    sa.Column("drawn_by", sa.String(64), nullable=False),
    sa.Column("visits", sa.Integer, nullable=False),
    sa.Column("rate", sa.Float, nullable=False),
)

spot_checks = sa.Table(
    "spot_checks", metadata,
    sa.Column("visit_id", sa.String(36), primary_key=True),
    sa.Column("day", sa.String(10), nullable=False),
    sa.Column("household_id", sa.String(36), nullable=False),
    sa.Column("village_code", sa.String(12), nullable=False),
    sa.Column("outcome", sa.String(16)),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("recorded_by", sa.String(64)),
    sa.Column("recorded_at", sa.String(32)),
    sa.Column("problem_id", sa.String(36)),
)

projection_meta = sa.Table(
    "projection_meta", metadata,
    sa.Column("key", sa.String(32), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

# Migration 0011: the county's administrative divisions (county, townships, villages: code -> name),
# roster uploads waiting for confirmation (kept in the database, not in a process) and the header
# mapping a clerk corrected, remembered for the next import.
divisions = sa.Table(
    "divisions", metadata,
    sa.Column("code", sa.String(12), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
)

roster_uploads = sa.Table(
    "roster_uploads", metadata,
    sa.Column("token", sa.String(64), primary_key=True),
    sa.Column("username", sa.String(64), nullable=False),
    sa.Column("filename", sa.Text, nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("expires_at", sa.BigInteger, nullable=False),
    sa.Column("mapping", sa.Text, nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
)

roster_headers = sa.Table(
    "roster_headers", metadata,
    sa.Column("header", sa.String(200), primary_key=True),
    sa.Column("field", sa.String(32), nullable=False),
)
