package dev.latchkey.invalidation;

import dev.latchkey.jwt.RevokedFamilies;
import dev.latchkey.jwt.SigningKeys;
import dev.latchkey.session.Sessions;
import dev.latchkey.token.ApiTokens;
import dev.latchkey.user.UserCache;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's caches, tied to the bus both ways: what ends here is published ({@link #attach}), and what other nodes
 * publish is dropped here ({@link #heard}). After a lost connection every cache is dropped and the revoked families
 * re-read ({@link #reconnected}), since messages may have been missed meanwhile.
 */
public final class NodeCaches implements InvalidationBus.Listener {
    private static final Logger log = LoggerFactory.getLogger(NodeCaches.class);

    private final InvalidationBus bus;
    private final Sessions sessions;
    private final UserCache users;
    private final ApiTokens apiTokens;
    private final RevokedFamilies revokedFamilies;
    private final SigningKeys signingKeys;
    private final MeterRegistry meters;
    private final Counter reconnects;

    /** {@code revokedFamilies} and {@code signingKeys} are null without an instance secret (no JWTs). */
    public NodeCaches(
            InvalidationBus bus,
            Sessions sessions,
            UserCache users,
            ApiTokens apiTokens,
            RevokedFamilies revokedFamilies,
            SigningKeys signingKeys,
            MeterRegistry meters) {
        this.bus = bus;
        this.sessions = sessions;
        this.users = users;
        this.apiTokens = apiTokens;
        this.revokedFamilies = revokedFamilies;
        this.signingKeys = signingKeys;
        this.meters = meters;
        this.reconnects = meters.counter("latchkey.invalidation.reconnects");
    }

    /** Publishes every change made here that other nodes cache, then starts hearing theirs. */
    public void attach() {
        sessions.onEnd(hashes -> publish(new Invalidation.SessionsEnded(hashes)));
        apiTokens.onRevoke(id -> publish(new Invalidation.ApiTokenRevoked(id)));
        if (revokedFamilies != null) {
            revokedFamilies.onAdd((id, at) -> publish(new Invalidation.FamilyRevoked(id, at)));
        }
        if (signingKeys != null) {
            signingKeys.onRotate(() -> publish(new Invalidation.KeysRotated()));
        }
        bus.start(this);
    }

    /** A user's password changed or they were deactivated (their sessions and families are published apart). */
    public void userChanged(long userId) {
        publish(new Invalidation.UserChanged(userId));
    }

    private void publish(Invalidation invalidation) {
        meters.counter("latchkey.invalidation.published", "kind", kind(invalidation))
                .increment();
        bus.publish(invalidation);
    }

    @Override
    public void heard(Invalidation invalidation) {
        meters.counter("latchkey.invalidation.received", "kind", kind(invalidation))
                .increment();
        if (invalidation instanceof Invalidation.SessionsEnded s) {
            sessions.forgetCached(s.idHashes());
        } else if (invalidation instanceof Invalidation.UserChanged u) {
            users.forget(u.userId());
            apiTokens.forgetCachedOf(u.userId());
        } else if (invalidation instanceof Invalidation.ApiTokenRevoked t) {
            apiTokens.forgetCached(t.tokenId());
        } else if (invalidation instanceof Invalidation.FamilyRevoked f) {
            if (revokedFamilies != null) {
                revokedFamilies.heard(f.familyId(), f.at());
            }
        } else if (invalidation instanceof Invalidation.KeysRotated && signingKeys != null) {
            signingKeys.refresh();
        }
    }

    @Override
    public void reconnected() {
        reconnects.increment();
        log.warn("the invalidation bus is connected again; dropping every cache, as messages may have been missed");
        sessions.forgetAllCached();
        users.forgetAll();
        apiTokens.forgetAllCached();
        try {
            if (revokedFamilies != null) {
                revokedFamilies.sync();
            }
            if (signingKeys != null) {
                signingKeys.refresh();
            }
        } catch (RuntimeException e) {
            log.warn("could not re-read revocations and keys after reconnecting; the poll will", e);
        }
    }

    private static String kind(Invalidation invalidation) {
        if (invalidation instanceof Invalidation.SessionsEnded) {
            return "session_ended";
        }
        if (invalidation instanceof Invalidation.UserChanged) {
            return "user_changed";
        }
        if (invalidation instanceof Invalidation.ApiTokenRevoked) {
            return "api_token_revoked";
        }
        if (invalidation instanceof Invalidation.FamilyRevoked) {
            return "family_revoked";
        }
        return "keys_rotated";
    }
}
