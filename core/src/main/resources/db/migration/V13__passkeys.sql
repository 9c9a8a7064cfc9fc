-- WebAuthn passkeys. Binary values (credential ids, COSE keys, user handles) are base64url text: one type that
-- means the same on SQLite and PostgreSQL.

-- The user handle the authenticator keeps for each user: 32 random bytes, never the user id (WebAuthn L3 §14.6.1).
CREATE TABLE webauthn_user_handles (
    user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    handle VARCHAR(64) NOT NULL UNIQUE
);

CREATE TABLE passkeys (
    id ${id_column},
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    credential_id VARCHAR(1400) NOT NULL UNIQUE,
    public_key_cose TEXT NOT NULL,
    sign_count BIGINT NOT NULL,
    transports VARCHAR(200) NOT NULL DEFAULT '',
    uv_initialized BOOLEAN NOT NULL,
    backup_eligible BOOLEAN NOT NULL,
    backed_up BOOLEAN NOT NULL,
    aaguid VARCHAR(36) NOT NULL,
    name VARCHAR(100) NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT
);

CREATE INDEX passkeys_user_id ON passkeys (user_id);

-- Challenges issued and not yet used. Only the SHA-256 of purpose, user and challenge is kept: a row is taken by one
-- DELETE, so of any number of uses on any number of nodes exactly one wins.
CREATE TABLE webauthn_challenges (
    challenge_hash CHAR(64) PRIMARY KEY,
    expires_at BIGINT NOT NULL
);

CREATE INDEX webauthn_challenges_expires_at ON webauthn_challenges (expires_at);
