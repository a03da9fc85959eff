/**
 * Clinics, the puskesmas that supervise them, people's accounts and their sessions (SQLite 11,
 * PostgreSQL 10). A clinic row is optional: clinic ids were free strings before and still are for
 * readings and kiosks; the row adds a name, a village, SATUSEHAT ids and a puskesmas. A session
 * keeps only its token's SHA-256, like an access token, and both of its ends: the idle end moves
 * forward as the session is used, the absolute end never does.
 */
export const CLINICS_AND_ACCOUNTS = `
  CREATE TABLE puskesmas (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE clinics (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    village TEXT,
    organization_id TEXT,
    location_id TEXT,
    location_display TEXT,
    puskesmas_id TEXT REFERENCES puskesmas (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK ((location_id IS NULL) = (location_display IS NULL))
  );
  CREATE INDEX clinics_by_puskesmas ON clinics (puskesmas_id, id);
  CREATE TABLE accounts (
    username TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('operator', 'puskesmas-staff', 'clinic-staff')),
    clinics TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    username TEXT NOT NULL REFERENCES accounts (username),
    created_at TEXT NOT NULL,
    idle_expires_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
  );
  CREATE INDEX sessions_by_expiry ON sessions (expires_at);
  CREATE INDEX sessions_by_username ON sessions (username);
`;
