-- JWT token families: one per sign-in that asked for a token pair (the `sid` claim of its access tokens).
-- A family ends when revoked (sign-out of the issuing session, password change, deactivation, refresh-token reuse,
-- an explicit revoke) or at its absolute expiry, 30 days after the sign-in by default, however often it refreshes.
CREATE TABLE token_families (
    id VARCHAR(32) PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    session_hash CHAR(64),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT,
    revoked_reason VARCHAR(32)
);

CREATE INDEX token_families_user_id ON token_families (user_id);
CREATE INDEX token_families_session_hash ON token_families (session_hash);
CREATE INDEX token_families_revoked_at ON token_families (revoked_at);

-- Refresh tokens: only the SHA-256 of each is stored. A token is spent when it is exchanged for the next one; a
-- spent token presented again revokes its family (RFC 9700 section 4.14).
CREATE TABLE refresh_tokens (
    token_hash CHAR(64) PRIMARY KEY,
    family_id VARCHAR(32) NOT NULL REFERENCES token_families (id) ON DELETE CASCADE,
    issued_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    spent_at BIGINT
);

CREATE INDEX refresh_tokens_family_id ON refresh_tokens (family_id);
