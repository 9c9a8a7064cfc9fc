-- Whether the user's email is known to be theirs (a provider that vouches for it, or an operator who says so).
-- Emails from the command line and from a Django import are unverified unless said otherwise; only a verified
-- email may join a social identity to an existing account.
ALTER TABLE users ADD COLUMN email_verified BOOLEAN NOT NULL DEFAULT FALSE;

-- Who made an API token: 'operator' (the command line) or 'user' (the API, by password or browser session).
-- A password change revokes the tokens users made for themselves; tokens made before this column count as theirs.
ALTER TABLE api_tokens ADD COLUMN created_by VARCHAR(16) NOT NULL DEFAULT 'user';
