package dev.latchkey.server.web.api;

import dev.latchkey.jwt.TokenPair;
import dev.latchkey.server.web.caller.PublicSessionId;
import dev.latchkey.server.web.http.JsonResponses;
import dev.latchkey.session.Session;
import dev.latchkey.token.ApiToken;
import dev.latchkey.user.User;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** How users and sessions look in JSON: the one place their wire shape is decided. */
public final class Views {
    private Views() {}

    public static Map<String, Object> user(User user) {
        return JsonResponses.object(
                "id",
                user.id(),
                "username",
                user.username(),
                "email",
                user.email(),
                "email_verified",
                user.emailVerified(),
                "is_active",
                user.active(),
                "is_staff",
                user.staff(),
                "is_superuser",
                user.superuser(),
                "date_joined",
                user.dateJoined().toString(),
                "last_login",
                user.lastLoginTime().map(Object::toString).orElse(null));
    }

    /** The user with the names of their groups, as {@code /api/me} and forward-auth answer it. */
    public static Map<String, Object> user(User user, List<String> groups) {
        var view = user(user);
        view.put("groups", List.copyOf(groups));
        return view;
    }

    /** A session as its owner may see it, named by its {@link PublicSessionId}. */
    public static Map<String, Object> session(Session session, Session current) {
        return JsonResponses.object(
                "id",
                PublicSessionId.of(session),
                "user_agent",
                session.userAgent(),
                "ip",
                session.clientIp(),
                "created",
                session.created().toString(),
                "last_seen",
                session.lastSeen().toString(),
                "expires",
                session.expires().toString(),
                "current",
                current != null && current.idHash().equals(session.idHash()));
    }

    public static List<Map<String, Object>> sessions(List<Session> sessions, Session current) {
        return sessions.stream().map(s -> session(s, current)).toList();
    }

    /** An API token as its owner may see it: never the key, only its prefix. */
    public static Map<String, Object> token(ApiToken token) {
        return JsonResponses.object(
                "id",
                token.id(),
                "name",
                token.name(),
                "prefix",
                token.prefix(),
                "created",
                token.created().toString(),
                "expires_at",
                token.expires() == null ? null : token.expires().toString(),
                "last_used",
                token.lastUsed() == null ? null : token.lastUsed().toString(),
                "created_by",
                token.createdBy().column());
    }

    /** simplejwt's pair, with RFC 6749's {@code token_type} and {@code expires_in}. */
    public static Map<String, Object> tokenPair(TokenPair pair, Instant now) {
        return JsonResponses.object(
                "access",
                pair.access(),
                "refresh",
                pair.refresh(),
                "token_type",
                "Bearer",
                "expires_in",
                pair.accessLifetime().toSeconds(),
                "refresh_expires_in",
                Math.max(0, Duration.between(now, pair.refreshExpires()).toSeconds()));
    }
}
