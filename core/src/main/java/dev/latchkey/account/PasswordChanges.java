package dev.latchkey.account;

import dev.latchkey.auth.SignIn;
import dev.latchkey.mail.Outbox;
import dev.latchkey.request.Language;
import dev.latchkey.request.RequestContext;
import dev.latchkey.user.User;
import java.util.List;
import java.util.Map;

/**
 * A signed-in user changes their password (Django's {@code PasswordChangeView}): the current one is checked like a
 * sign-in (throttled, audited); then every session, token family and API token the user made ends — the web layer
 * gives the browser that asked a new session — and a mail says so.
 */
public final class PasswordChanges {
    private final AccountParts parts;
    private final SignIn signIn;

    PasswordChanges(AccountParts parts, SignIn signIn) {
        this.parts = parts;
        this.signIn = signIn;
    }

    public void change(User user, String current, String next, RequestContext request, Language language) {
        signIn.confirmPassword(request, user, current);
        parts.policy().check(next, user.username(), user.email());
        var hash = parts.hashing().hash(next);
        var mails = user.email().isEmpty() || !parts.mailOn()
                ? List.<Outbox.Outgoing>of()
                : List.of(changedMail(parts, user, language));
        parts.store().changePassword(user.id(), hash, mails);
        parts.users().endEverything(user.id());
        parts.record("password_changed", user, "", "success", "by_user", request);
    }

    static Outbox.Outgoing changedMail(AccountParts parts, User user, Language language) {
        return parts.mail()
                .write(
                        "password_changed",
                        user.email(),
                        language,
                        Map.of(
                                "username", user.username(),
                                "at", AccountMail.time(parts.clock().instant()),
                                "link", parts.mail().link("/password/reset")));
    }
}
