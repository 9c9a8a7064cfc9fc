-- Keys that sign JWTs. The public half is published as a JWK; the private half is stored only encrypted
-- (AES-256-GCM under the instance secret, the key id as associated data).
CREATE TABLE signing_keys (
    kid VARCHAR(64) PRIMARY KEY,
    algorithm VARCHAR(16) NOT NULL,
    public_jwk TEXT NOT NULL,
    private_jwk_encrypted TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    retired_at BIGINT
);
