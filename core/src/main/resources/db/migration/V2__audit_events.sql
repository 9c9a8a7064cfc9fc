-- The append-only audit trail of security events. No secrets: the username is the one presented (it may name
-- nobody), user_id is set when it names someone. Rows outlive their user (no foreign key), as audit records must.
CREATE TABLE audit_events (
    id ${id_column},
    at BIGINT NOT NULL,
    kind VARCHAR(64) NOT NULL,
    user_id BIGINT,
    username VARCHAR(150) NOT NULL DEFAULT '',
    outcome VARCHAR(32) NOT NULL DEFAULT '',
    reason VARCHAR(64) NOT NULL DEFAULT '',
    client_ip VARCHAR(64) NOT NULL DEFAULT '',
    user_agent VARCHAR(512) NOT NULL DEFAULT ''
);

CREATE INDEX audit_events_user_kind_at ON audit_events (user_id, kind, at);
CREATE INDEX audit_events_at ON audit_events (at);
