/// The store's schema, as numbered migrations applied in order and recorded in
/// `schema_migrations`. Only the types both SQLite and PostgreSQL read alike are used
/// (TEXT, BIGINT, DOUBLE PRECISION; dates as ISO 8601 text), so one statement serves
/// both. Every table but `schema_migrations` carries `district_id`.
///
/// A migration, once released, is never edited: a change is a new number.
enum Migrations {
    struct Migration: Sendable {
        let version: Int
        let name: String
        let statements: [String]
    }

    static let all: [Migration] = [
        Migration(version: 1, name: "districts, terms, rosters, diagnostics, users, tokens, audit log", statements: [
            """
            CREATE TABLE districts (
                district_id TEXT PRIMARY KEY, name TEXT NOT NULL, synthetic BIGINT NOT NULL)
            """,
            """
            CREATE TABLE terms (
                district_id TEXT NOT NULL REFERENCES districts (district_id), term_id TEXT NOT NULL,
                title TEXT NOT NULL, school_year BIGINT NOT NULL, imported_at TEXT NOT NULL,
                students BIGINT NOT NULL, schools BIGINT NOT NULL, sections BIGINT NOT NULL,
                enrollments BIGINT NOT NULL, roster_version TEXT NOT NULL,
                PRIMARY KEY (district_id, term_id))
            """,
            """
            CREATE TABLE orgs (
                district_id TEXT NOT NULL, term_id TEXT NOT NULL, idx BIGINT NOT NULL,
                sourced_id TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL, parent BIGINT,
                PRIMARY KEY (district_id, term_id, idx),
                FOREIGN KEY (district_id, term_id) REFERENCES terms (district_id, term_id))
            """,
            """
            CREATE TABLE academic_sessions (
                district_id TEXT NOT NULL, term_id TEXT NOT NULL, idx BIGINT NOT NULL,
                sourced_id TEXT NOT NULL, title TEXT NOT NULL, type TEXT NOT NULL,
                start_date TEXT NOT NULL, end_date TEXT NOT NULL, school_year BIGINT NOT NULL, parent BIGINT,
                PRIMARY KEY (district_id, term_id, idx),
                FOREIGN KEY (district_id, term_id) REFERENCES terms (district_id, term_id))
            """,
            """
            CREATE TABLE courses (
                district_id TEXT NOT NULL, term_id TEXT NOT NULL, idx BIGINT NOT NULL,
                sourced_id TEXT NOT NULL, title TEXT NOT NULL, code TEXT NOT NULL, grades TEXT NOT NULL,
                org BIGINT NOT NULL, level TEXT NOT NULL,
                PRIMARY KEY (district_id, term_id, idx),
                FOREIGN KEY (district_id, term_id) REFERENCES terms (district_id, term_id))
            """,
            """
            CREATE TABLE sections (
                district_id TEXT NOT NULL, term_id TEXT NOT NULL, idx BIGINT NOT NULL,
                sourced_id TEXT NOT NULL, title TEXT NOT NULL, course BIGINT NOT NULL, school BIGINT NOT NULL,
                terms TEXT NOT NULL, periods TEXT NOT NULL, grades TEXT NOT NULL,
                PRIMARY KEY (district_id, term_id, idx),
                FOREIGN KEY (district_id, term_id) REFERENCES terms (district_id, term_id))
            """,
            """
            CREATE TABLE students (
                district_id TEXT NOT NULL, term_id TEXT NOT NULL, idx BIGINT NOT NULL,
                sourced_id TEXT NOT NULL, grade TEXT, race TEXT, sex TEXT,
                economically_disadvantaged BIGINT, english_learner BIGINT, disability TEXT, gifted BIGINT,
                home_language TEXT,
                PRIMARY KEY (district_id, term_id, idx),
                FOREIGN KEY (district_id, term_id) REFERENCES terms (district_id, term_id))
            """,
            """
            CREATE TABLE enrollments (
                district_id TEXT NOT NULL, term_id TEXT NOT NULL, idx BIGINT NOT NULL,
                section BIGINT NOT NULL, student BIGINT NOT NULL,
                PRIMARY KEY (district_id, term_id, idx),
                FOREIGN KEY (district_id, term_id) REFERENCES terms (district_id, term_id))
            """,
            """
            CREATE TABLE reference_counts (
                district_id TEXT NOT NULL, term_id TEXT NOT NULL, dimension TEXT NOT NULL, grp TEXT NOT NULL,
                count BIGINT NOT NULL,
                PRIMARY KEY (district_id, term_id, dimension, grp),
                FOREIGN KEY (district_id, term_id) REFERENCES terms (district_id, term_id))
            """,
            """
            CREATE TABLE diagnostics (
                district_id TEXT NOT NULL, term_id TEXT NOT NULL, computed_at TEXT NOT NULL,
                options TEXT NOT NULL, json TEXT NOT NULL,
                PRIMARY KEY (district_id, term_id),
                FOREIGN KEY (district_id, term_id) REFERENCES terms (district_id, term_id))
            """,
            """
            CREATE TABLE users (
                district_id TEXT NOT NULL REFERENCES districts (district_id), email TEXT NOT NULL UNIQUE,
                role TEXT NOT NULL, schools TEXT NOT NULL, password_hash TEXT NOT NULL, created_at TEXT NOT NULL,
                PRIMARY KEY (district_id, email))
            """,
            """
            CREATE TABLE api_tokens (
                district_id TEXT NOT NULL, token_hash TEXT PRIMARY KEY, email TEXT NOT NULL, created_at TEXT NOT NULL,
                FOREIGN KEY (district_id, email) REFERENCES users (district_id, email))
            """,
            """
            CREATE TABLE audit_log (
                district_id TEXT, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, detail TEXT NOT NULL)
            """,
            "CREATE INDEX audit_log_at ON audit_log (district_id, at)",
        ]),
        Migration(version: 2, name: "sign-in sessions", statements: [
            """
            CREATE TABLE web_sessions (
                district_id TEXT NOT NULL, session_hash TEXT PRIMARY KEY, email TEXT NOT NULL, csrf TEXT NOT NULL,
                created_at TEXT NOT NULL, expires_at TEXT NOT NULL,
                FOREIGN KEY (district_id, email) REFERENCES users (district_id, email))
            """,
        ]),
        Migration(version: 3, name: "action plans", statements: [
            // The item as JSON (PlanItem's Codable form) beside the columns a query needs.
            """
            CREATE TABLE plan_items (
                district_id TEXT NOT NULL REFERENCES districts (district_id), item_id BIGINT NOT NULL,
                root_cause TEXT NOT NULL, status TEXT NOT NULL, updated_at TEXT NOT NULL, json TEXT NOT NULL,
                PRIMARY KEY (district_id, item_id))
            """,
        ]),
        Migration(version: 4, name: "application rounds", statements: [
            """
            CREATE TABLE application_rounds (
                district_id TEXT NOT NULL REFERENCES districts (district_id), round_id BIGINT NOT NULL,
                term_id TEXT NOT NULL, name TEXT NOT NULL, status TEXT NOT NULL, updated_at TEXT NOT NULL, json TEXT NOT NULL,
                PRIMARY KEY (district_id, round_id))
            """,
            """
            CREATE TABLE applications (
                district_id TEXT NOT NULL, round_id BIGINT NOT NULL, applicant TEXT NOT NULL,
                reference TEXT NOT NULL, secret_hash TEXT NOT NULL, source TEXT NOT NULL, submitted_at TEXT NOT NULL, json TEXT NOT NULL,
                PRIMARY KEY (district_id, round_id, applicant),
                UNIQUE (district_id, round_id, reference),
                FOREIGN KEY (district_id, round_id) REFERENCES application_rounds (district_id, round_id))
            """,
            """
            CREATE TABLE match_runs (
                district_id TEXT NOT NULL, round_id BIGINT NOT NULL, run_id BIGINT NOT NULL,
                seed TEXT NOT NULL, input_sha256 TEXT NOT NULL, mechanism TEXT NOT NULL, run_at TEXT NOT NULL, run_by TEXT NOT NULL,
                published BIGINT NOT NULL, json TEXT NOT NULL,
                PRIMARY KEY (district_id, round_id, run_id),
                FOREIGN KEY (district_id, round_id) REFERENCES application_rounds (district_id, round_id))
            """,
        ]),
        Migration(version: 5, name: "open-honors ledger", statements: [
            """
            CREATE TABLE open_honors (
                district_id TEXT NOT NULL, term_id TEXT NOT NULL, idx BIGINT NOT NULL,
                student BIGINT NOT NULL, section BIGINT NOT NULL, opted_in TEXT NOT NULL, opted_out TEXT,
                PRIMARY KEY (district_id, term_id, idx),
                FOREIGN KEY (district_id, term_id) REFERENCES terms (district_id, term_id))
            """,
        ]),
        Migration(version: 6, name: "assessment results", statements: [
            """
            CREATE TABLE assessments (
                district_id TEXT NOT NULL, term_id TEXT NOT NULL, idx BIGINT NOT NULL,
                student BIGINT NOT NULL, subject TEXT NOT NULL, score DOUBLE PRECISION NOT NULL, proficient BIGINT,
                PRIMARY KEY (district_id, term_id, idx),
                FOREIGN KEY (district_id, term_id) REFERENCES terms (district_id, term_id))
            """,
        ]),
        Migration(version: 7, name: "enrichment rounds and interest surveys", statements: [
            """
            CREATE TABLE enrichment_rounds (
                district_id TEXT NOT NULL REFERENCES districts (district_id), round_id BIGINT NOT NULL,
                term_id TEXT NOT NULL, school_id TEXT NOT NULL, name TEXT NOT NULL, status TEXT NOT NULL,
                goal DOUBLE PRECISION NOT NULL, json TEXT NOT NULL, result TEXT, updated_at TEXT NOT NULL,
                PRIMARY KEY (district_id, round_id))
            """,
            """
            CREATE TABLE interest_surveys (
                district_id TEXT NOT NULL, round_id BIGINT NOT NULL, student TEXT NOT NULL,
                choices TEXT NOT NULL, language TEXT NOT NULL, submitted_at TEXT NOT NULL,
                PRIMARY KEY (district_id, round_id, student),
                FOREIGN KEY (district_id, round_id) REFERENCES enrichment_rounds (district_id, round_id))
            """,
        ]),
        Migration(version: 8, name: "boundary instances and scenarios", statements: [
            """
            CREATE TABLE boundary_instances (
                district_id TEXT NOT NULL REFERENCES districts (district_id), instance_id BIGINT NOT NULL,
                name TEXT NOT NULL, json TEXT NOT NULL, added_at TEXT NOT NULL, added_by TEXT NOT NULL,
                PRIMARY KEY (district_id, instance_id))
            """,
            """
            CREATE TABLE boundary_scenarios (
                district_id TEXT NOT NULL, instance_id BIGINT NOT NULL, scenario_id BIGINT NOT NULL,
                name TEXT NOT NULL, kind TEXT NOT NULL, settings TEXT NOT NULL, result TEXT NOT NULL,
                run_at TEXT NOT NULL, run_by TEXT NOT NULL,
                PRIMARY KEY (district_id, instance_id, scenario_id),
                FOREIGN KEY (district_id, instance_id) REFERENCES boundary_instances (district_id, instance_id))
            """,
        ]),
        Migration(version: 9, name: "versioned plan items, ids never reused", statements: [
            "ALTER TABLE plan_items ADD COLUMN version BIGINT NOT NULL DEFAULT 1",
            """
            CREATE TABLE plan_counters (
                district_id TEXT NOT NULL PRIMARY KEY REFERENCES districts (district_id), last_item_id BIGINT NOT NULL)
            """,
        ]),
        Migration(version: 10, name: "audit log filtered by action or actor", statements: [
            "CREATE INDEX audit_log_action ON audit_log (district_id, action, at)",
            "CREATE INDEX audit_log_actor ON audit_log (district_id, actor, at)",
        ]),
        Migration(version: 11, name: "invitations to apply, throttles shared by every server", statements: [
            """
            CREATE TABLE application_invitations (
                district_id TEXT NOT NULL, round_id BIGINT NOT NULL, student TEXT NOT NULL, code_hash TEXT NOT NULL,
                groups_json TEXT NOT NULL, issued_at TEXT NOT NULL,
                PRIMARY KEY (district_id, round_id, student),
                UNIQUE (district_id, round_id, code_hash),
                FOREIGN KEY (district_id, round_id) REFERENCES application_rounds (district_id, round_id))
            """,
            """
            CREATE TABLE throttles (
                district_id TEXT NOT NULL, scope TEXT NOT NULL, subject TEXT NOT NULL, window_start TEXT NOT NULL, hits BIGINT NOT NULL,
                PRIMARY KEY (district_id, scope, subject))
            """,
        ]),
        Migration(version: 12, name: "schedule reviews kept, not re-solved per visit", statements: [
            """
            CREATE TABLE schedule_reviews (
                district_id TEXT NOT NULL, term_id TEXT NOT NULL, school_id TEXT NOT NULL, basis TEXT NOT NULL,
                json TEXT NOT NULL, run_at TEXT NOT NULL, run_by TEXT NOT NULL,
                PRIMARY KEY (district_id, term_id, school_id),
                FOREIGN KEY (district_id, term_id) REFERENCES terms (district_id, term_id) ON DELETE CASCADE)
            """,
        ]),
        Migration(version: 13, name: "a term's revision, moved by every change after its import", statements: [
            "ALTER TABLE terms ADD COLUMN revision BIGINT NOT NULL DEFAULT 0",
        ]),
        Migration(version: 14, name: "a run's results kept per applicant, not recomputed per family", statements: [
            """
            CREATE TABLE match_results (
                district_id TEXT NOT NULL, round_id BIGINT NOT NULL, run_id BIGINT NOT NULL, applicant TEXT NOT NULL, json TEXT NOT NULL,
                PRIMARY KEY (district_id, round_id, run_id, applicant),
                FOREIGN KEY (district_id, round_id, run_id) REFERENCES match_runs (district_id, round_id, run_id))
            """,
        ]),
        Migration(version: 15, name: "courses' titles in Spanish, for the family pages", statements: [
            "ALTER TABLE courses ADD COLUMN title_es TEXT",
        ]),
        Migration(version: 16, name: "districts known from public data: their state and source", statements: [
            "ALTER TABLE districts ADD COLUMN state TEXT",
            "ALTER TABLE districts ADD COLUMN public_data TEXT",
            "CREATE INDEX districts_public ON districts (public_data, state, name)",
        ]),
        Migration(version: 17, name: "public-data states counted once per import, and the import's time", statements: [
            "CREATE TABLE public_states (state TEXT PRIMARY KEY, districts BIGINT NOT NULL, imported_at TEXT NOT NULL)",
        ]),
        Migration(version: 18, name: "background jobs shared by every server", statements: [
            """
            CREATE TABLE jobs (
                job_id TEXT PRIMARY KEY, district_id TEXT NOT NULL, owner TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL,
                parameters TEXT NOT NULL, state TEXT NOT NULL, done BIGINT NOT NULL, total BIGINT NOT NULL, result TEXT, error TEXT,
                attempts BIGINT NOT NULL, worker TEXT, submitted_at TEXT NOT NULL, heartbeat_at TEXT, finished_at TEXT)
            """,
            "CREATE INDEX jobs_queue ON jobs (state, submitted_at, job_id)",
            "CREATE INDEX jobs_owner ON jobs (district_id, owner, submitted_at)",
        ]),
        Migration(version: 19, name: "jobs one at a time per owner, where asked", statements: [
            "ALTER TABLE jobs ADD COLUMN exclusive BIGINT NOT NULL DEFAULT 0",
            "CREATE UNIQUE INDEX jobs_exclusive ON jobs (district_id, owner) WHERE exclusive = 1 AND state IN ('queued', 'running')",
        ]),
    ]

    static var newest: Int { all.last?.version ?? 0 }
}
