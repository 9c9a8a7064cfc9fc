-- latchkey as an OpenID Provider.

-- Registered clients (relying parties). Only the SHA-256 of a client secret is kept (256 random bits: a fast hash
-- is enough, as for API tokens); a public client has none. Lists are newline-separated.
CREATE TABLE oidc_clients (
    id VARCHAR(64) PRIMARY KEY,
    name VARCHAR(150) NOT NULL,
    secret_hash CHAR(64),
    auth_method VARCHAR(32) NOT NULL,
    redirect_uris TEXT NOT NULL,
    post_logout_redirect_uris TEXT NOT NULL,
    grant_types VARCHAR(200) NOT NULL,
    first_party BOOLEAN NOT NULL,
    backchannel_logout_uri VARCHAR(2000),
    jwks TEXT,
    jwks_uri VARCHAR(2000),
    created_at BIGINT NOT NULL,
    secret_rotated_at BIGINT
);

-- What a user allowed a client to know, remembered so that the consent page is shown once per set of scopes.
CREATE TABLE oidc_consents (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_id VARCHAR(64) NOT NULL REFERENCES oidc_clients (id) ON DELETE CASCADE,
    scope VARCHAR(1000) NOT NULL,
    granted_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, client_id)
);

-- Which clients a browser session signed in to, so that ending the session can tell each one (back-channel logout).
CREATE TABLE oidc_session_clients (
    session_hash CHAR(64) NOT NULL,
    client_id VARCHAR(64) NOT NULL REFERENCES oidc_clients (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (session_hash, client_id)
);

-- Back-channel logout notices waiting to be sent, retried with a growing wait; the logout token is signed when sent.
CREATE TABLE oidc_logout_outbox (
    id ${id_column},
    client_id VARCHAR(64) NOT NULL REFERENCES oidc_clients (id) ON DELETE CASCADE,
    subject VARCHAR(64) NOT NULL,
    sid VARCHAR(64) NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE INDEX oidc_logout_outbox_due ON oidc_logout_outbox (next_attempt_at);

-- A token family issued to a client through the provider: which client, for which scopes, and when its user
-- authenticated (auth_time in the ID tokens of later refreshes). Null for latchkey's own families.
ALTER TABLE token_families ADD COLUMN client_id VARCHAR(64);
ALTER TABLE token_families ADD COLUMN scope VARCHAR(1000);
ALTER TABLE token_families ADD COLUMN auth_time BIGINT;
CREATE INDEX token_families_client_id ON token_families (client_id);
