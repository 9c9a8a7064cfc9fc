-- When the user's email was shown to be theirs (a confirmed mail, a provider, an operator), and whether the account
-- was made by its owner on /signup: only those accounts must verify before they may sign in, so that turning
-- sign-up on never locks out the users an operator or an import made.
ALTER TABLE users ADD COLUMN email_verified_at BIGINT;
ALTER TABLE users ADD COLUMN signed_up BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE users SET email_verified_at = date_joined WHERE email_verified;

-- Single-use tokens mailed to a user: password reset, email verification, email change, invitation. Only the
-- SHA-256 of a token is stored. binding is the SHA-256 of what the token was issued against (the password hash and
-- the email for a reset): when either changes, the token stops working.
CREATE TABLE account_tokens (
    id ${id_column},
    token_hash CHAR(64) NOT NULL UNIQUE,
    purpose VARCHAR(16) NOT NULL,
    user_id BIGINT REFERENCES users (id) ON DELETE CASCADE,
    email VARCHAR(254) NOT NULL DEFAULT '',
    binding CHAR(64) NOT NULL DEFAULT '',
    staff BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    spent_at BIGINT
);

CREATE INDEX account_tokens_user ON account_tokens (user_id, purpose);
CREATE INDEX account_tokens_expires_at ON account_tokens (expires_at);

-- Mail waiting to be sent, written in the transaction of what it carries. body is sealed under the instance secret
-- (it holds single-use links) and emptied once the mail is sent.
CREATE TABLE mail_outbox (
    id ${id_column},
    recipient VARCHAR(254) NOT NULL,
    kind VARCHAR(32) NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    claimed_until BIGINT,
    sent_at BIGINT,
    failed_at BIGINT,
    last_error VARCHAR(512) NOT NULL DEFAULT ''
);

CREATE INDEX mail_outbox_due ON mail_outbox (sent_at, failed_at, next_attempt_at);

-- Requests by email address (a password reset, a new verification mail), answered at once and worked on in the
-- background: the answer, and its time, are the same whether or not an account has that address.
CREATE TABLE account_requests (
    id ${id_column},
    kind VARCHAR(32) NOT NULL,
    email VARCHAR(254) NOT NULL,
    language VARCHAR(8) NOT NULL,
    created_at BIGINT NOT NULL
);
