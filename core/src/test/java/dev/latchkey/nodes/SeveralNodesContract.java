package dev.latchkey.nodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.Latchkey;
import dev.latchkey.jwt.InvalidAccessToken;
import dev.latchkey.password.Argon2Settings;
import dev.latchkey.request.RequestContext;
import dev.latchkey.session.SessionSettings;
import dev.latchkey.store.Database;
import dev.latchkey.testing.ManualScheduler;
import dev.latchkey.user.NewUser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes on one database and one bus, with caches kept for an hour and the revocation poll never run (a scheduler
 * run by hand), so that only the bus can carry a change from one to the other: each change must hold on the other
 * node within 100 ms. Run on PostgreSQL's bus and on Redis's.
 */
public abstract class SeveralNodesContract {
    private static final String PASSWORD = "correct horse battery";
    private static final RequestContext CLIENT = new RequestContext("198.51.100.7", "test");
    private static final Duration WITHIN = Duration.ofMillis(100);
    private static final SessionSettings LONG_CACHE = new SessionSettings(
            Duration.ofDays(14), Duration.ofDays(30), false, Duration.ofMinutes(1), Duration.ofHours(1));

    private final List<Latchkey> nodes = new ArrayList<>();
    private final byte[] secret = new byte[32];
    protected Latchkey a;
    protected Latchkey b;
    private long alice;

    /** The database both nodes use. */
    protected abstract Database database();

    /** Gives the builder of one node the shared state under test (nothing, where the database's is the default). */
    protected abstract Latchkey.Builder shared(Latchkey.Builder builder);

    @BeforeEach
    void openNodes() throws Exception {
        a = node();
        b = node();
        alice = a.users().create(NewUser.named("alice"), Optional.of(PASSWORD)).id();
        awaitConnected(a);
        awaitConnected(b);
    }

    private Latchkey node() {
        var node = shared(Latchkey.builder(database())
                        .argon2(new Argon2Settings(1024, 2, 1, 32))
                        .sessions(LONG_CACHE)
                        .scheduler(new ManualScheduler())
                        .instanceSecret(secret))
                .build();
        nodes.add(node);
        return node;
    }

    @AfterEach
    void closeNodes() {
        nodes.forEach(Latchkey::close);
    }

    @Test
    void aSignOutOnOneNodeIsRefusedOnTheOtherWithin100Ms() throws Exception {
        var issued = a.sessions().login(null, alice, CLIENT);
        assertThat(b.sessions().find(issued.id()))
                .as("a session made on one works on the other")
                .isPresent();
        a.sessions().logout(issued.id());
        assertWithin(() -> b.sessions().find(issued.id()).isEmpty(), "signed out on the other node");
    }

    @Test
    void aPasswordChangeOnOneNodeEndsSessionsAndUserTokensEverywhere() throws Exception {
        var issued = a.sessions().login(null, alice, CLIENT);
        var token = a.apiTokens().create(alice, "cli", Optional.empty());
        assertThat(b.sessions().find(issued.id())).isPresent();
        assertThat(b.apiTokens().find(token.key())).isPresent();
        a.users().setPassword("alice", "another horse battery");
        assertWithin(
                () -> b.sessions().find(issued.id()).isEmpty()
                        && b.apiTokens().find(token.key()).isEmpty(),
                "the session and the user's token end on the other node");
    }

    @Test
    void aDeactivationOnOneNodeIsSeenByTheOthersUserCache() throws Exception {
        assertThat(b.userCache().find(alice))
                .hasValueSatisfying(u -> assertThat(u.active()).isTrue());
        a.users().deactivate("alice");
        assertWithin(() -> b.userCache().find(alice).map(u -> !u.active()).orElse(true), "inactive on the other node");
    }

    @Test
    void anApiTokenRevokedOnOneNodeIsRefusedOnTheOtherAtOnce() throws Exception {
        var token = a.apiTokens().create(alice, "cli", Optional.empty());
        assertThat(b.apiTokens().find(token.key())).isPresent();
        a.apiTokens().revoke(alice, token.token().id());
        assertWithin(() -> b.apiTokens().find(token.key()).isEmpty(), "revoked on the other node");
    }

    @Test
    void aFamilyRevokedOnOneNodeIsRefusedOnTheOtherWithin100Ms() throws Exception {
        var pair = a.tokenFamilies().obtain(alice, null);
        assertThat(b.tokenFamilies().verify(pair.access()).userId()).isEqualTo(alice);
        a.tokenFamilies().revoke(pair.refresh(), CLIENT);
        assertWithin(
                () -> {
                    try {
                        b.tokenFamilies().verify(pair.access());
                        return false;
                    } catch (InvalidAccessToken e) {
                        return true;
                    }
                },
                "the family's access token is refused on the other node");
        assertThatThrownBy(() -> b.tokenFamilies().verify(pair.access())).isInstanceOf(InvalidAccessToken.class);
    }

    @Test
    void aKeyRotatedOnOneNodeSignsAndVerifiesOnTheOther() throws Exception {
        var before = b.signingKeys().signingKey().getKeyID();
        var rotated = a.signingKeys().rotate();
        assertThat(rotated.kid()).isNotEqualTo(before);
        assertWithin(
                () -> b.signingKeys().signingKey().getKeyID().equals(rotated.kid()),
                "the other node signs with the new key");
        var pair = b.tokenFamilies().obtain(alice, null);
        assertThat(a.tokenFamilies().verify(pair.access()).userId()).isEqualTo(alice);
    }

    /** Waits for {@code condition} and fails unless it held within 100 ms of being asked. */
    private static void assertWithin(BooleanSupplier condition, String what) throws InterruptedException {
        var start = System.nanoTime();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - start > Duration.ofSeconds(5).toNanos()) {
                break;
            }
            Thread.sleep(1);
        }
        var took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(condition.getAsBoolean()).as(what).isTrue();
        assertThat(took).as(what + " within " + WITHIN.toMillis() + " ms").isLessThanOrEqualTo(WITHIN);
    }

    private static void awaitConnected(Latchkey node) throws InterruptedException {
        var deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!node.invalidations().connected() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(node.invalidations().connected()).isTrue();
    }
}
