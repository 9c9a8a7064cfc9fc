package dev.latchkey.audit;

/** A stored audit event and its id, which orders events and pages through them. */
public record AuditEntry(long id, AuditEvent event) {}
