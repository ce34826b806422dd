"""Numbered schema migrations of the laptop store.

Each migration is applied in one transaction together with its record in
``schema_migrations``. Never edit a released migration: add the next number.
"""

from __future__ import annotations

MIGRATIONS: list[tuple[int, str, str]] = [
    (
        1,
        "initial schema",
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);

        CREATE TABLE household (
            id TEXT PRIMARY KEY,
            village_code TEXT NOT NULL DEFAULT '',
            grp TEXT NOT NULL DEFAULT '',
            address TEXT NOT NULL DEFAULT '',
            phone TEXT NOT NULL DEFAULT '',
            household_type TEXT NOT NULL DEFAULT 'ordinary',
            monitoring_type TEXT NOT NULL DEFAULT 'none',
            status TEXT NOT NULL DEFAULT 'active',
            head_name TEXT NOT NULL DEFAULT '',
            card_serial INTEGER NOT NULL DEFAULT 0,
            data TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX household_village ON household(village_code, grp);

        CREATE TABLE member (
            id TEXT PRIMARY KEY,
            household_id TEXT NOT NULL,
            name TEXT NOT NULL DEFAULT '',
            id_number TEXT NOT NULL DEFAULT '',
            relation TEXT NOT NULL DEFAULT 'other',
            sex TEXT,
            birth_date TEXT,
            status TEXT NOT NULL DEFAULT 'active',
            position INTEGER NOT NULL DEFAULT 0,
            data TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX member_household ON member(household_id, position);
        CREATE INDEX member_id_number ON member(id_number);

        CREATE TABLE visit (
            id TEXT PRIMARY KEY,
            household_id TEXT NOT NULL,
            status TEXT NOT NULL,              -- draft | final
            form_id TEXT NOT NULL,
            form_version INTEGER NOT NULL,
            visited_at TEXT NOT NULL,
            started_at TEXT,
            ended_at TEXT,
            visitor TEXT NOT NULL DEFAULT '',
            card_scan TEXT,
            answers TEXT NOT NULL,
            verdict TEXT,
            overall TEXT,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX visit_household ON visit(household_id, visited_at);

        CREATE TABLE problem (
            id TEXT PRIMARY KEY,
            household_id TEXT NOT NULL,
            visit_id TEXT,
            indicator TEXT NOT NULL,
            category TEXT NOT NULL,
            source TEXT NOT NULL,
            reason TEXT NOT NULL DEFAULT '',
            reporter TEXT NOT NULL DEFAULT '',
            opened_at TEXT NOT NULL,
            deadline TEXT,
            status TEXT NOT NULL DEFAULT 'pending',
            data TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX problem_household ON problem(household_id, status);

        CREATE TABLE problem_history (
            op_id TEXT PRIMARY KEY,
            problem_id TEXT NOT NULL,
            status TEXT NOT NULL,
            at TEXT NOT NULL,
            actor TEXT NOT NULL DEFAULT '',
            note TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX problem_history_problem ON problem_history(problem_id, at);

        CREATE TABLE measure (
            id TEXT PRIMARY KEY,
            household_id TEXT NOT NULL,
            member_id TEXT,
            category TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            start_date TEXT,
            end_date TEXT,
            status TEXT NOT NULL DEFAULT 'active',
            data TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX measure_household ON measure(household_id);

        CREATE TABLE attachment (
            id TEXT PRIMARY KEY,
            visit_id TEXT,
            household_id TEXT NOT NULL,
            kind TEXT NOT NULL,                -- photo | signature
            mime TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            data BLOB NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX attachment_visit ON attachment(visit_id);

        -- every op this replica knows (own and received); own ops with
        -- device_seq > last acked seq form the outbox
        CREATE TABLE op (
            op_id TEXT PRIMARY KEY,
            device_id TEXT NOT NULL,
            device_seq INTEGER NOT NULL,
            hlc TEXT NOT NULL,
            county TEXT NOT NULL DEFAULT '',
            entity TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            field TEXT NOT NULL,
            value TEXT,
            supersedes TEXT NOT NULL DEFAULT '[]',
            schema_version INTEGER NOT NULL,
            author TEXT NOT NULL DEFAULT '',
            digest TEXT NOT NULL,
            received_at TEXT NOT NULL
        );
        CREATE UNIQUE INDEX op_device_seq ON op(device_id, device_seq);
        CREATE INDEX op_entity ON op(entity, entity_id);

        CREATE TABLE superseded (op_id TEXT PRIMARY KEY);

        -- live values of mutable fields (multi-value registers)
        CREATE TABLE live_value (
            entity TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            field TEXT NOT NULL,
            op_id TEXT NOT NULL,
            hlc TEXT NOT NULL,
            device_id TEXT NOT NULL,
            author TEXT NOT NULL DEFAULT '',
            value TEXT,
            PRIMARY KEY (entity, entity_id, field, op_id)
        );

        CREATE TABLE fact (
            entity TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            digest TEXT NOT NULL,
            PRIMARY KEY (entity, entity_id)
        );

        CREATE TABLE integrity_alarm (
            op_id TEXT NOT NULL,
            at TEXT NOT NULL,
            detail TEXT NOT NULL
        );

        CREATE TABLE search_key (
            household_id TEXT PRIMARY KEY,
            blob TEXT NOT NULL
        );

        CREATE TABLE audit (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            actor TEXT NOT NULL DEFAULT '',
            action TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT ''
        );
        """,
    ),
    (
        2,
        "monitoring lifecycle steps and 回头看 campaigns",
        """
        -- one row per lifecycle step taken on a household (facts: never changed)
        CREATE TABLE monitor_step (
            id TEXT PRIMARY KEY,
            household_id TEXT NOT NULL,
            step TEXT NOT NULL,
            at TEXT NOT NULL,
            actor TEXT NOT NULL DEFAULT '',
            role TEXT NOT NULL DEFAULT 'village',
            note TEXT NOT NULL DEFAULT '',
            data TEXT NOT NULL DEFAULT '{}',
            recorded_at TEXT NOT NULL
        );
        CREATE INDEX monitor_step_household ON monitor_step(household_id, at);

        -- 回头看 campaigns the county defined (facts from the county)
        CREATE TABLE campaign (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            deadline TEXT,
            data TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL
        );
        """,
    ),
    (
        3,
        "ops set aside: received ops that are malformed or cannot be applied",
        """
        -- A received op that fails the shared op definition (fieldapp.opschema) or cannot be
        -- applied is kept here with its reason instead of stopping the rest of its batch.
        CREATE TABLE set_aside_op (
            op_id TEXT NOT NULL,
            received_at TEXT NOT NULL,
            reason TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT '',
            op TEXT NOT NULL
        );
        """,
    ),
    (
        4,
        "look-back visits found by an index on the visit type",
        """
        -- 回头看 campaigns ask which households had a look-back visit; without this index that
        -- question reads the answers of every visit.
        CREATE INDEX visit_type ON visit(json_extract(answers, '$.visit.type'), household_id);
        """,
    ),
]

SCHEMA_VERSION = MIGRATIONS[-1][0]
