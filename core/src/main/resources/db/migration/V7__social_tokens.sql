-- A provider's own tokens, kept only for providers configured with keep_tokens, sealed (AES-256-GCM under the
-- instance secret, the provider and subject as associated data) so that a database dump does not hold them.
ALTER TABLE social_accounts ADD COLUMN tokens_sealed TEXT;
