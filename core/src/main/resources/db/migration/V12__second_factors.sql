-- Second factors. A TOTP secret is sealed under the instance secret (AES-256-GCM, bound to its user); it is pending
-- until a right code confirms it (confirmed_at). last_step is the last time step that proved a sign-in: a step is
-- used by one conditional UPDATE (last_step < ?), so a code works once, however many requests bring it at once.
CREATE TABLE mfa_totp (
    user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    sealed_secret VARCHAR(512) NOT NULL,
    created_at BIGINT NOT NULL,
    confirmed_at BIGINT,
    last_step BIGINT NOT NULL,
    last_used_at BIGINT
);

-- Recovery codes: the SHA-256 of each (60 random bits, so a fast hash is enough); used_at marks one spent.
CREATE TABLE mfa_recovery_codes (
    id ${id_column},
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash CHAR(64) NOT NULL,
    created_at BIGINT NOT NULL,
    used_at BIGINT
);

CREATE INDEX mfa_recovery_codes_user ON mfa_recovery_codes (user_id, code_hash);

-- Sign-ins waiting for their second step, by the SHA-256 of their mfa_token, with what the first call was for.
-- Attempts are counted by one conditional UPDATE and the token taken by one DELETE, so nodes count as one.
CREATE TABLE mfa_pending (
    token_hash CHAR(64) PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_ip VARCHAR(64) NOT NULL,
    intent VARCHAR(16) NOT NULL,
    details VARCHAR(4000) NOT NULL,
    attempts INTEGER NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE INDEX mfa_pending_expires_at ON mfa_pending (expires_at);

-- How the sign-in that made a token family was proven (RFC 8176 amr, space-separated), for the access tokens'
-- amr claim after every refresh.
ALTER TABLE token_families ADD COLUMN amr VARCHAR(100);
