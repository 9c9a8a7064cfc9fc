-- Identities at social-login providers, each tied to one user. The same provider and subject is always the same
-- user. The profile is the provider's JSON as last received (no tokens: those are never stored here).
CREATE TABLE social_accounts (
    id ${id_column},
    provider VARCHAR(64) NOT NULL,
    subject VARCHAR(255) NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email VARCHAR(254) NOT NULL DEFAULT '',
    email_verified BOOLEAN NOT NULL DEFAULT FALSE,
    profile TEXT NOT NULL DEFAULT '{}',
    created_at BIGINT NOT NULL,
    last_login_at BIGINT NOT NULL,
    UNIQUE (provider, subject)
);

CREATE INDEX social_accounts_user_id ON social_accounts (user_id);

-- Linking a new identity by a verified email looks users up by email, case-insensitively.
CREATE INDEX users_email_lower ON users (lower(email));
