package dev.latchkey.throttle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.Latchkey;
import dev.latchkey.auth.AuthenticationDenied;
import dev.latchkey.auth.Credentials;
import dev.latchkey.auth.SignIn;
import dev.latchkey.error.Throttled;
import dev.latchkey.password.Argon2Settings;
import dev.latchkey.request.RequestContext;
import dev.latchkey.testing.MutableClock;
import dev.latchkey.testing.TestDatabase;
import dev.latchkey.user.NewUser;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ThrottleStore} must do, run on each (memory, PostgreSQL, Redis) through the real sign-in path with
 * a settable clock: per address, per (account, address), a distributed attack, attempts in flight holding budget —
 * and, on two nodes that share the store, one budget for both.
 */
public abstract class ThrottleContract {
    protected static final String PASSWORD = "correct horse battery";
    protected final MutableClock clock = MutableClock.at("2026-06-01T12:00:00Z");
    protected TestDatabase db;
    protected Latchkey latchkey;
    /** A second node on the same database and the same shared counters. */
    protected Latchkey other;

    /**
     * A store for one node; called twice per test, and both must count together (the same memory store, two
     * connections to one PostgreSQL database or one Redis).
     */
    protected abstract ThrottleStore node();

    @BeforeEach
    void setUp() {
        db = TestDatabase.sqlite();
        latchkey = open(node());
        other = open(node());
        latchkey.users().create(NewUser.named("alice"), Optional.of(PASSWORD));
    }

    private Latchkey open(ThrottleStore store) {
        return Latchkey.builder(db.database())
                .clock(clock)
                .argon2(new Argon2Settings(1024, 2, 1, 32))
                .throttleStore(store)
                .build();
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    @Test
    void aHundredGuessesSentAtOnceToTwoNodesGetNoMoreHashesThanTheRuleAllowsOnOne() throws Exception {
        var outcomes = parallel(100, i -> signIn(i % 2 == 0 ? latchkey : other, "alice", "wrong" + i, "198.51.100.90"));
        assertThat(outcomes.get("AuthenticationDenied")).as("hashed guesses").isEqualTo(5);
        assertThat(outcomes.get("Throttled")).isEqualTo(95);
    }

    @Test
    void thirtyWrongPasswordsSpreadOverNodesFromOneAddressAreThrottledAsOnOne() {
        int hashed = 0;
        for (int i = 0; i < 30; i++) {
            try {
                signIn(i % 2 == 0 ? latchkey : other, "user" + i, "wrong", "198.51.100.91");
            } catch (AuthenticationDenied e) {
                hashed++;
            } catch (Throttled e) {
                // refused before any hash
            }
        }
        assertThat(hashed)
                .as("the address rule is 10 a minute, whichever node asks")
                .isEqualTo(10);
        assertThatThrownBy(() -> signIn(other, "alice", PASSWORD, "198.51.100.91"))
                .isInstanceOf(Throttled.class);
    }

    @Test
    void aHundredReservationsRacingOnTwoNodesGetExactlyTheBudget() throws Exception {
        var stores = java.util.List.of(node(), node());
        var rule = new Rule(7, Duration.ofMinutes(5));
        var now = clock.instant();
        var outcomes = parallel(100, i -> {
            if (stores.get(i % 2)
                    .reserve("race", now, rule, Duration.ofHours(1))
                    .isPresent()) {
                throw new Throttled(Duration.ofSeconds(1));
            }
        });
        assertThat(outcomes.get("success")).isEqualTo(7);
        assertThat(outcomes.get("Throttled")).isEqualTo(93);
        for (int i = 0; i < 7; i++) {
            stores.get(i % 2).release("race", now);
        }
        assertThat(stores.get(0).reserve("race", now, rule, Duration.ofHours(1)))
                .as("released attempts give their budget back")
                .isEmpty();
    }

    @Test
    void aFailureThatBlocksOnOneNodeBlocksOnTheOtherAndAResetClearsBoth() {
        var a = node();
        var b = node();
        var rule = new Rule(2, Duration.ofMinutes(5));
        var now = clock.instant();
        assertThat(a.reserve("k", now, rule, Duration.ofHours(1))).isEmpty();
        assertThat(a.failed("k", now, now, rule, Duration.ofHours(1))).isEmpty();
        assertThat(b.reserve("k", now, rule, Duration.ofHours(1))).isEmpty();
        assertThat(b.failed("k", now, now, rule, Duration.ofHours(1))).contains(now.plus(Duration.ofMinutes(5)));
        assertThat(a.blockedUntil("k", now)).contains(now.plus(Duration.ofMinutes(5)));
        assertThat(a.blockedUntil("k", now.plus(Duration.ofMinutes(5)))).isEmpty();
        b.reset("k");
        assertThat(a.blockedUntil("k", now)).isEmpty();
        assertThat(a.blockedUntil("unknown", now)).isEmpty();
    }

    @Test
    void fiveFailuresForOneAccountFromOneAddressBlockThatPairOnly() {
        for (int i = 0; i < 5; i++) {
            assertDenied("alice", "wrong", "198.51.100.7");
        }
        assertThatThrownBy(() -> signIn("alice", PASSWORD, "198.51.100.7"))
                .isInstanceOf(Throttled.class)
                .satisfies(e -> assertThat(((Throttled) e).retryAfterSeconds()).isEqualTo(300));
        // The attacker's address cannot lock the real user out: from their own address they sign in.
        assertThat(signIn("alice", PASSWORD, "203.0.113.20")).isNotNull();
        clock.advance(Duration.ofMinutes(5));
        assertThat(signIn("alice", PASSWORD, "198.51.100.7"))
                .as("the block ends")
                .isNotNull();
        var alice = latchkey.users().find("alice").orElseThrow().id();
        var events = latchkey.audit().findRecentByUser(alice, SignIn.AUDIT_KIND, 20);
        assertThat(events).anySatisfy(e -> assertThat(e.reason()).isEqualTo("throttled"));
    }

    @Test
    void blocksThatRepeatGrowLonger() {
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 5; i++) {
                assertDenied("alice", "wrong", "198.51.100.7");
            }
            var expected = 300L << round;
            assertThatThrownBy(() -> signIn("alice", "wrong", "198.51.100.7"))
                    .satisfies(
                            e -> assertThat(((Throttled) e).retryAfterSeconds()).isEqualTo(expected));
            clock.advance(Duration.ofSeconds(expected));
        }
    }

    @Test
    void tenFailuresFromOneAddressOverManyUsernamesBlockTheAddress() {
        for (int i = 0; i < 10; i++) {
            assertDenied("user" + i, "wrong", "198.51.100.7");
        }
        assertThatThrownBy(() -> signIn("alice", PASSWORD, "198.51.100.7")).isInstanceOf(Throttled.class);
        assertThat(signIn("alice", PASSWORD, "198.51.100.8")).isNotNull();
        clock.advance(Duration.ofMinutes(1));
        assertThat(signIn("alice", PASSWORD, "198.51.100.7")).isNotNull();
    }

    @Test
    void aDistributedAttackTightensTheAccountButNeverLocksItsOwnerOut() {
        for (int i = 0; i < 30; i++) {
            assertDenied("alice", "wrong", "192.0.2." + i);
        }
        // Tightened: one failure per address per window.
        assertDenied("alice", "wrong", "198.51.100.50");
        assertThatThrownBy(() -> signIn("alice", PASSWORD, "198.51.100.50")).isInstanceOf(Throttled.class);
        // The owner, from an address that has not failed, still gets in at the first try.
        assertThat(signIn("alice", PASSWORD, "203.0.113.20")).isNotNull();
    }

    @Test
    void aSuccessClearsTheAccountsCountForThatAddress() {
        for (int i = 0; i < 4; i++) {
            assertDenied("alice", "wrong", "198.51.100.7");
        }
        assertThat(signIn("alice", PASSWORD, "198.51.100.7")).isNotNull();
        for (int i = 0; i < 4; i++) {
            assertDenied("alice", "wrong", "198.51.100.7");
        }
        assertThat(signIn("alice", PASSWORD, "198.51.100.7"))
                .as("four more failures are not five")
                .isNotNull();
    }

    @Test
    void unknownUsernamesAreCountedLikeKnownOnes() {
        for (int i = 0; i < 5; i++) {
            assertDenied("nobody", "wrong", "198.51.100.7");
        }
        assertThatThrownBy(() -> signIn("nobody", "wrong", "198.51.100.7")).isInstanceOf(Throttled.class);
    }

    @Test
    void anIpv6ClientCountsAsItsSlash64() {
        for (int i = 0; i < 10; i++) {
            assertDenied("user" + i, "wrong", "2001:db8:1:2::" + Integer.toHexString(i + 1));
        }
        assertThatThrownBy(() -> signIn("alice", PASSWORD, "2001:db8:1:2:ffff::9"))
                .isInstanceOf(Throttled.class);
        assertThat(signIn("alice", PASSWORD, "2001:db8:1:3::1")).isNotNull();
        assertThat(SignInThrottle.network("2001:DB8:1:2:0:0:0:1")).isEqualTo("2001:db8:1:2::/64");
        assertThat(SignInThrottle.network("198.51.100.7")).isEqualTo("198.51.100.7");
        assertThat(SignInThrottle.network("not:an[address")).isEqualTo("not:an[address");
    }

    @Test
    void aHundredGuessesSentAtOnceGetNoMoreHashesThanTheRuleAllows() throws Exception {
        var outcomes = parallel(100, i -> signIn("alice", "wrong" + i, "198.51.100.7"));
        assertThat(outcomes.get("AuthenticationDenied")).as("hashed guesses").isEqualTo(5);
        assertThat(outcomes.get("Throttled")).isEqualTo(95);
    }

    @Test
    void aHundredGuessesAtOnceOverAHundredNamesGetNoMoreHashesThanTheAddressRule() throws Exception {
        var outcomes = parallel(100, i -> signIn("user" + i, "wrong", "198.51.100.8"));
        assertThat(outcomes.get("AuthenticationDenied")).as("hashed guesses").isEqualTo(10);
        assertThat(outcomes.get("Throttled")).isEqualTo(90);
    }

    @Test
    void aSuccessGivesItsAttemptBackToTheAddress() {
        for (int i = 0; i < 9; i++) {
            signIn("alice", PASSWORD, "198.51.100.9");
        }
        for (int i = 0; i < 9; i++) {
            assertDenied("user" + i, "wrong", "198.51.100.9");
        }
        assertThat(signIn("alice", PASSWORD, "198.51.100.9"))
                .as("nine successes cost the address nothing")
                .isNotNull();
    }

    @Test
    void aBlockedAddressThatVariesUsernamesWritesOneAuditLineAMinute() {
        for (int i = 0; i < 10; i++) {
            assertDenied("user" + i, "wrong", "198.51.100.10");
        }
        for (int i = 0; i < 200; i++) {
            var name = "other" + i;
            assertThatThrownBy(() -> signIn(name, "wrong", "198.51.100.10")).isInstanceOf(Throttled.class);
        }
        var throttledLines = latchkey
                .audit()
                .search(new dev.latchkey.audit.AuditQuery(null, SignIn.AUDIT_KIND, null, null, null, 500))
                .stream()
                .filter(e -> e.event().reason().equals("throttled"))
                .count();
        assertThat(throttledLines).isEqualTo(1);
    }

    @Test
    void noMixOfBlockedTargetsOtherNamesAndOwnSuccessesGetsAnAddressMoreThanTenHashedFailuresAMinute() {
        latchkey.users().create(NewUser.named("mallory"), Optional.of(PASSWORD));
        int hashedFailures = 0;
        for (int round = 0; round < 20; round++) {
            var attempts = new java.util.ArrayList<Runnable>();
            for (int i = 0; i < 5; i++) {
                attempts.add(() -> signIn("alice", "wrong", "198.51.100.77")); // until the pair blocks
            }
            for (int i = 0; i < 9; i++) {
                var name = "spray" + round + "-" + i;
                attempts.add(() -> signIn(name, "wrong", "198.51.100.77")); // the address's budget
            }
            attempts.add(() -> signIn("alice", "wrong", "198.51.100.77")); // refused at the pair
            attempts.add(() -> signIn("mallory", PASSWORD, "198.51.100.77")); // the attacker's own account
            for (var attempt : attempts) {
                try {
                    attempt.run();
                } catch (AuthenticationDenied denied) {
                    hashedFailures++;
                } catch (Throttled throttled) {
                    // refused before any hash
                }
            }
        }
        assertThat(hashedFailures).as("the address rule is 10 a minute").isLessThanOrEqualTo(10);
    }

    @Test
    void attemptsTheHasherWasTooBusyForBuyNoExtraGuesses() {
        var busy = Latchkey.builder(db.database())
                .clock(clock)
                .throttleStore(node())
                .argon2(new Argon2Settings(1024, 2, 1, 32))
                .backend(new dev.latchkey.auth.AuthenticationBackend() {
                    @Override
                    public String name() {
                        return "saturated";
                    }

                    @Override
                    public Optional<dev.latchkey.user.User> authenticate(
                            RequestContext request, dev.latchkey.auth.Credentials credentials) {
                        if (credentials instanceof Credentials.Password p
                                && p.password().equals("busy")) {
                            throw new dev.latchkey.error.Busy("the hasher is saturated");
                        }
                        return Optional.empty();
                    }
                })
                .build();
        var from = new RequestContext("198.51.100.78", "test");
        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> busy.signIn().verify(from, new Credentials.Password("alice", "wrong")))
                    .isInstanceOf(AuthenticationDenied.class);
        }
        for (int i = 0; i < 50; i++) {
            assertThatThrownBy(() -> busy.signIn().verify(from, new Credentials.Password("alice", "busy")))
                    .as("saturated: nothing checked, nothing counted")
                    .isInstanceOf(dev.latchkey.error.Busy.class);
        }
        assertThatThrownBy(() -> busy.signIn().verify(from, new Credentials.Password("alice", "wrong")))
                .as("the fifth guess is checked")
                .isInstanceOf(AuthenticationDenied.class);
        assertThatThrownBy(() -> busy.signIn().verify(from, new Credentials.Password("alice", "wrong")))
                .as("and blocks the pair: saturation bought no extra guess")
                .isInstanceOf(Throttled.class);
    }

    @Test
    void aBurstOfCorrectSignInsFromOneAddressNeverBlocksIt() throws Exception {
        var outcomes = parallel(40, i -> signIn("alice", PASSWORD, "198.51.100.80"));
        // One account from one address has at most 5 attempts in flight (the pair's rule); how many more succeed as
        // those finish depends on how fast the store answers (memory, PostgreSQL, Redis) and how busy the machine is.
        assertThat(outcomes.get("success"))
                .as("at least the budget of one account from one address at once")
                .isGreaterThanOrEqualTo(5);
        assertThat(outcomes.getOrDefault("AuthenticationDenied", 0)).isZero();
        // Those refused were asked to wait for the attempts in flight; nothing was blocked.
        for (int i = 0; i < 20; i++) {
            assertThat(signIn("alice", PASSWORD, "198.51.100.80")).isNotNull();
        }
    }

    @Test
    void failedProviderCodesFromOneAddressAreThrottledLikeGuesses() {
        var from = new RequestContext("198.51.100.79", "test");
        for (int i = 0; i < 10; i++) {
            var code = new Credentials.SocialCode("idp", "code" + i, "https://app/cb", "v", null);
            assertThatThrownBy(() -> latchkey.signIn().verify(from, code)).isInstanceOf(AuthenticationDenied.class);
        }
        var next = new Credentials.SocialCode("idp", "code-next", "https://app/cb", "v", null);
        assertThatThrownBy(() -> latchkey.signIn().verify(from, next))
                .as("no provider call for this one")
                .isInstanceOf(Throttled.class);
    }

    /** Runs {@code n} calls at once and counts their outcomes by the simple name of what they threw. */
    protected static java.util.Map<String, Integer> parallel(int n, java.util.function.IntConsumer call)
            throws Exception {
        var pool = java.util.concurrent.Executors.newFixedThreadPool(n);
        var start = new java.util.concurrent.CountDownLatch(1);
        var outcomes = new java.util.concurrent.ConcurrentHashMap<String, Integer>();
        try {
            var futures = new java.util.ArrayList<java.util.concurrent.Future<?>>();
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    start.await();
                    String outcome;
                    try {
                        call.accept(index);
                        outcome = "success";
                    } catch (RuntimeException e) {
                        outcome = e.getClass().getSimpleName();
                    }
                    outcomes.merge(outcome, 1, Integer::sum);
                    return null;
                }));
            }
            start.countDown();
            for (var f : futures) {
                f.get(20, java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        return outcomes;
    }

    private Object signIn(String username, String password, String ip) {
        return signIn(latchkey, username, password, ip);
    }

    private static Object signIn(Latchkey node, String username, String password, String ip) {
        return node.signIn().verify(new RequestContext(ip, "test"), new Credentials.Password(username, password));
    }

    private void assertDenied(String username, String password, String ip) {
        assertThatThrownBy(() -> signIn(username, password, ip)).isInstanceOf(AuthenticationDenied.class);
    }
}
