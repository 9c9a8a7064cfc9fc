-- State that every node behind one database shares (PostgreSQL; SQLite has one node and keeps it in memory).
--
-- Sign-in throttle counters: one row per key (an address, a username and address, a username) holding its block and
-- how many blocks it has had (each lasts twice as long as the one before), and one row per attempt: a failure in
-- the window, or an attempt still being checked (in flight), which holds budget until it is told how it went. The
-- key's row is locked (SELECT ... FOR UPDATE) while its attempts are counted, so nodes count as one.
CREATE TABLE throttle_keys (
    throttle_key VARCHAR(512) PRIMARY KEY,
    blocked_until BIGINT,
    blocks INTEGER NOT NULL DEFAULT 0,
    touched_at BIGINT NOT NULL
);

CREATE INDEX throttle_keys_touched_at ON throttle_keys (touched_at);

CREATE TABLE throttle_attempts (
    id ${id_column},
    throttle_key VARCHAR(512) NOT NULL,
    failed BOOLEAN NOT NULL,
    happened_at BIGINT NOT NULL
);

CREATE INDEX throttle_attempts_key ON throttle_attempts (throttle_key, failed, happened_at);

-- Values good once (OAuth states, app codes): the SHA-256 of purpose and value, kept until the value has expired.
-- A conditional insert claims a value, so of any number of uses on any number of nodes exactly one is the first.
CREATE TABLE single_use_values (
    value_hash CHAR(64) PRIMARY KEY,
    expires_at BIGINT NOT NULL
);

CREATE INDEX single_use_values_expires_at ON single_use_values (expires_at);
