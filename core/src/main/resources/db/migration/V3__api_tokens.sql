-- DRF-style API tokens. Only the SHA-256 of a key is stored; the key is shown once, when made.
CREATE TABLE api_tokens (
    id ${id_column},
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name VARCHAR(100) NOT NULL,
    key_hash CHAR(64) NOT NULL UNIQUE,
    key_prefix VARCHAR(16) NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT,
    last_used_at BIGINT
);

CREATE INDEX api_tokens_user_id ON api_tokens (user_id);
