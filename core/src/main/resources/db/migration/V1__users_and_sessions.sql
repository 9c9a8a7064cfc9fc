-- Times are epoch milliseconds (BIGINT): the one type that means the same on SQLite and PostgreSQL.

CREATE TABLE users (
    id ${id_column},
    username VARCHAR(150) NOT NULL UNIQUE,
    email VARCHAR(254) NOT NULL DEFAULT '',
    password_hash VARCHAR(512) NOT NULL,
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
    is_staff BOOLEAN NOT NULL DEFAULT FALSE,
    is_superuser BOOLEAN NOT NULL DEFAULT FALSE,
    date_joined BIGINT NOT NULL,
    last_login BIGINT,
    CHECK (length(username) BETWEEN 1 AND 150),
    CHECK (length(password_hash) <= 512)
);

-- Only the SHA-256 of a session id is stored; the id itself exists only in the browser's cookie.
CREATE TABLE sessions (
    id_hash CHAR(64) PRIMARY KEY,
    user_id BIGINT REFERENCES users (id) ON DELETE CASCADE,
    data TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    user_agent VARCHAR(512) NOT NULL DEFAULT '',
    client_ip VARCHAR(64) NOT NULL DEFAULT ''
);

CREATE INDEX sessions_user_id ON sessions (user_id);
CREATE INDEX sessions_expires_at ON sessions (expires_at);
