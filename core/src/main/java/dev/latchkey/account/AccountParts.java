package dev.latchkey.account;

import dev.latchkey.audit.AuditEvent;
import dev.latchkey.audit.AuditStore;
import dev.latchkey.password.PasswordHashing;
import dev.latchkey.password.PasswordPolicy;
import dev.latchkey.request.RequestContext;
import dev.latchkey.user.User;
import dev.latchkey.user.UserStore;
import dev.latchkey.user.Users;
import java.time.Clock;

/** What every account flow works with, wired once by {@link Accounts}. {@code mail} is null when mail is off. */
record AccountParts(
        AccountStore store,
        UserStore userStore,
        Users users,
        PasswordHashing hashing,
        PasswordPolicy policy,
        AuditStore audit,
        AccountMail mail,
        AccountTokens tokens,
        AccountSettings settings,
        Clock clock) {

    boolean mailOn() {
        return mail != null;
    }

    /**
     * Answers a stored request with one token and mail for each of {@code items}: the first {@code issue} deletes the
     * request in its own transaction (and answers false, ending this, when another node took the request first);
     * with nothing to issue, the request is deleted here.
     */
    <T> void answerEach(
            AccountStore.PendingRequest pending,
            java.util.List<T> items,
            java.util.function.BiPredicate<T, java.util.Optional<Long>> issue) {
        var done = java.util.Optional.of(pending.id());
        for (var item : items) {
            if (!issue.test(item, done)) {
                return;
            }
            done = java.util.Optional.empty();
        }
        if (done.isPresent()) {
            store.deleteRequest(pending.id());
        }
    }

    void record(String kind, User user, String username, String outcome, String reason, RequestContext request) {
        audit.append(new AuditEvent(
                clock.instant(),
                kind,
                user == null ? null : user.id(),
                user == null ? username : user.username(),
                outcome,
                reason,
                request.clientIp(),
                request.userAgent()));
    }
}
