package dev.latchkey;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.account.AccountSettings;
import dev.latchkey.account.Accounts;
import dev.latchkey.audit.AuditStore;
import dev.latchkey.auth.AuthenticationBackend;
import dev.latchkey.auth.Authenticator;
import dev.latchkey.auth.PasswordBackend;
import dev.latchkey.auth.SignIn;
import dev.latchkey.crypto.SecretBox;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.invalidation.InvalidationBus;
import dev.latchkey.invalidation.MemoryInvalidationBus;
import dev.latchkey.invalidation.NodeCaches;
import dev.latchkey.jwt.AccessTokens;
import dev.latchkey.jwt.JwtBackend;
import dev.latchkey.jwt.JwtSettings;
import dev.latchkey.jwt.RevokedFamilies;
import dev.latchkey.jwt.SigningKeys;
import dev.latchkey.jwt.TokenFamilies;
import dev.latchkey.mail.MailDelivery;
import dev.latchkey.mail.MailSeal;
import dev.latchkey.mail.MailTemplates;
import dev.latchkey.mail.MailTransport;
import dev.latchkey.mail.Outbox;
import dev.latchkey.mfa.MfaSettings;
import dev.latchkey.mfa.RecoveryCodes;
import dev.latchkey.mfa.SecondFactor;
import dev.latchkey.mfa.TotpFactor;
import dev.latchkey.mfa.TwoStep;
import dev.latchkey.password.Argon2Settings;
import dev.latchkey.password.PasswordHashing;
import dev.latchkey.password.PasswordPolicy;
import dev.latchkey.provider.AuthorizationCodes;
import dev.latchkey.provider.BackchannelLogout;
import dev.latchkey.provider.ClientAuthenticator;
import dev.latchkey.provider.Clients;
import dev.latchkey.provider.OpenIdProvider;
import dev.latchkey.provider.ProviderTokens;
import dev.latchkey.provider.Subjects;
import dev.latchkey.request.Language;
import dev.latchkey.session.SessionSettings;
import dev.latchkey.session.Sessions;
import dev.latchkey.singleuse.MemorySingleUseStore;
import dev.latchkey.singleuse.SingleUseStore;
import dev.latchkey.social.ProviderSettings;
import dev.latchkey.social.ProviderTokenVault;
import dev.latchkey.social.Providers;
import dev.latchkey.social.SocialAccounts;
import dev.latchkey.social.SocialBackend;
import dev.latchkey.social.SocialLogin;
import dev.latchkey.store.Database;
import dev.latchkey.store.DatabaseUrl;
import dev.latchkey.store.JdbcAccountStore;
import dev.latchkey.store.JdbcApiTokenStore;
import dev.latchkey.store.JdbcAuditStore;
import dev.latchkey.store.JdbcClientStore;
import dev.latchkey.store.JdbcConsentStore;
import dev.latchkey.store.JdbcGroupStore;
import dev.latchkey.store.JdbcLogoutStore;
import dev.latchkey.store.JdbcMailOutbox;
import dev.latchkey.store.JdbcMfaStore;
import dev.latchkey.store.JdbcPasskeyStore;
import dev.latchkey.store.JdbcSessionStore;
import dev.latchkey.store.JdbcSigningKeyStore;
import dev.latchkey.store.JdbcSingleUseStore;
import dev.latchkey.store.JdbcSocialAccountStore;
import dev.latchkey.store.JdbcThrottleStore;
import dev.latchkey.store.JdbcTokenFamilyStore;
import dev.latchkey.store.JdbcUserStore;
import dev.latchkey.store.PostgresInvalidationBus;
import dev.latchkey.throttle.MemoryThrottleStore;
import dev.latchkey.throttle.SignInThrottle;
import dev.latchkey.throttle.ThrottleSettings;
import dev.latchkey.throttle.ThrottleStore;
import dev.latchkey.time.Scheduler;
import dev.latchkey.token.ApiTokens;
import dev.latchkey.token.TokenBackend;
import dev.latchkey.user.Groups;
import dev.latchkey.user.UserCache;
import dev.latchkey.user.UserRevocation;
import dev.latchkey.user.UserStore;
import dev.latchkey.user.Users;
import dev.latchkey.webauthn.PasskeyBackend;
import dev.latchkey.webauthn.Passkeys;
import dev.latchkey.webauthn.WebAuthnSettings;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The library's composition root: everything wired from one {@link Database}. Build one per process.
 *
 * <pre>{@code
 * var latchkey = Latchkey.builder(Database.open(DatabaseUrl.parse(url))).build();
 * var signedIn = latchkey.signIn().withSession(request, new Credentials.Password(name, password), cookie);
 * }</pre>
 */
public final class Latchkey implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Latchkey.class);
    private final Database database;
    private final UserStore userStore;
    private final PasswordHashing hashing;
    private final Sessions sessions;
    private final Users users;
    private final Groups groups;
    private final Authenticator authenticator;
    private final SignIn signIn;
    private final AuditStore audit;
    private final ApiTokens apiTokens;
    private final UserCache userCache;
    private final SigningKeys signingKeys;
    private final RevokedFamilies revokedFamilies;
    private final TokenFamilies tokenFamilies;
    private final SignInThrottle throttle;
    private final SocialLogin socialLogin;
    private final Outbox outbox;
    private final MailDelivery mailDelivery;
    private final Accounts accounts;
    private final MeterRegistry meters;
    private final ObjectMapper json;
    private final Clock clock;
    private final byte[] instanceSecret;
    private final Secrets secrets;
    private final ThrottleStore throttleStore;
    private final SingleUseStore singleUse;
    private final InvalidationBus invalidations;
    private final List<AutoCloseable> alsoClose;
    private final List<Scheduler.Cancellable> background = new ArrayList<>();
    private final NodeCaches nodeCaches;
    private final Passkeys passkeys;
    private final TotpFactor totp;
    private final RecoveryCodes recoveryCodes;
    private final TwoStep twoStep;
    private final Clients clients;
    private final OpenIdProvider openIdProvider;
    private final BackchannelLogout backchannelLogout;

    private Latchkey(Builder b) {
        this.database = b.database;
        this.clock = b.clock;
        this.meters = b.meters;
        this.json = b.json;
        this.userStore = new JdbcUserStore(database);
        this.instanceSecret = b.instanceSecret;
        this.secrets = b.secrets;
        this.hashing = PasswordHashing.standard(b.argon2, b.secrets);
        this.sessions = new Sessions(new JdbcSessionStore(database, b.json), b.sessionSettings, b.secrets, clock);
        this.userCache = new UserCache(userStore, b.sessionSettings.cacheTtl());
        this.audit = new JdbcAuditStore(database);
        this.groups = new Groups(new JdbcGroupStore(database), userStore, audit, clock, b.sessionSettings.cacheTtl());
        this.signingKeys = b.instanceSecret == null
                ? null
                : new SigningKeys(
                        new JdbcSigningKeyStore(database),
                        new SecretBox(b.instanceSecret, "signing keys", b.secrets),
                        b.secrets,
                        clock,
                        b.jwt.algorithm(),
                        b.jwt.accessLifetime());
        var familyStore = new JdbcTokenFamilyStore(database);
        this.revokedFamilies = signingKeys == null ? null : new RevokedFamilies(familyStore, clock);
        this.tokenFamilies = signingKeys == null
                ? null
                : new TokenFamilies(
                        new AccessTokens(
                                signingKeys,
                                b.secrets,
                                clock,
                                b.jwt.issuer(),
                                b.jwt.audience(),
                                b.jwt.accessLifetime(),
                                b.jwt.algorithm(),
                                groups::of),
                        familyStore,
                        revokedFamilies,
                        userCache,
                        audit,
                        b.secrets,
                        clock,
                        b.jwt,
                        meters);
        var postgres = database.dialect() == DatabaseUrl.Dialect.POSTGRESQL;
        this.throttleStore = b.throttleStore != null
                ? b.throttleStore
                : postgres ? new JdbcThrottleStore(database) : new MemoryThrottleStore(b.throttle.maxKeys());
        this.singleUse = b.singleUse != null
                ? b.singleUse
                : postgres ? new JdbcSingleUseStore(database) : new MemorySingleUseStore(SINGLE_USE_IN_MEMORY);
        this.invalidations = b.invalidations != null
                ? b.invalidations
                : postgres
                        ? new PostgresInvalidationBus(database, b.secrets.urlSafeToken(9))
                        : new MemoryInvalidationBus();
        this.alsoClose = List.copyOf(b.alsoClose);
        var revocations = new ArrayList<UserRevocation>(List.of(sessions));
        if (tokenFamilies != null) {
            sessions.onEnd(tokenFamilies::sessionsEnded);
            revocations.add(tokenFamilies);
        }
        this.apiTokens = new ApiTokens(
                new JdbcApiTokenStore(database),
                b.secrets,
                clock,
                b.sessionSettings.touchInterval(),
                b.sessionSettings.cacheTtl(),
                b.tokenLifetimes);
        revocations.add(apiTokens);
        this.nodeCaches =
                new NodeCaches(invalidations, sessions, userCache, apiTokens, revokedFamilies, signingKeys, meters);
        // Last in the list: by the time other nodes hear of the change, it is in the database.
        revocations.add(nodeCaches::userChanged);
        this.users = new Users(userStore, userCache, hashing, b.passwordPolicy, revocations, audit, clock);
        var providers = Providers.of(b.socialProviders, b.json, clock);
        var socialStore = new JdbcSocialAccountStore(database);
        var providerTokens = new ProviderTokenVault(
                providers,
                socialStore,
                b.instanceSecret == null ? null : new SecretBox(b.instanceSecret, "provider tokens", b.secrets),
                b.json,
                clock);
        var socialAccounts = new SocialAccounts(
                providers, socialStore, userStore, users, audit, b.json, b.secrets, clock, providerTokens);
        this.socialLogin = new SocialLogin(providers, socialAccounts, providerTokens);
        var chain = new ArrayList<AuthenticationBackend>();
        chain.add(new PasswordBackend(userStore, hashing));
        chain.add(new TokenBackend(apiTokens, userCache));
        if (tokenFamilies != null) {
            chain.add(new JwtBackend(tokenFamilies, userCache));
        }
        for (var name : socialLogin.providerNames()) {
            chain.add(SocialBackend.of(socialLogin.provider(name).orElseThrow(), socialAccounts));
        }
        this.passkeys = b.webauthn == null
                ? null
                : new Passkeys(new JdbcPasskeyStore(database), userStore, audit, b.secrets, b.webauthn, clock, meters);
        if (passkeys != null) {
            chain.add(new PasskeyBackend(passkeys));
        }
        chain.addAll(b.extraBackends);
        this.authenticator = new Authenticator(chain, meters, clock);
        this.throttle = new SignInThrottle(throttleStore, b.throttle, clock, meters);
        this.signIn = new SignIn(authenticator, sessions, userStore, audit, throttle, clock, meters);
        this.outbox = new JdbcMailOutbox(database);
        var seal = b.mailTransport == null
                ? null
                : new MailSeal(
                        b.instanceSecret == null ? null : new SecretBox(b.instanceSecret, "mail outbox", b.secrets),
                        b.json);
        this.mailDelivery = b.mailTransport == null
                ? null
                : new MailDelivery(outbox, b.mailTransport, seal, clock, meters, b.mailFirstRetry, Duration.ofDays(1));
        this.accounts = Accounts.create(
                new JdbcAccountStore(database, clock),
                userStore,
                users,
                hashing,
                b.passwordPolicy,
                audit,
                signIn,
                throttleStore,
                new MailTemplates(),
                seal,
                b.accounts,
                b.secrets,
                clock,
                meters);
        var mfaStore = new JdbcMfaStore(database);
        this.totp = new TotpFactor(
                mfaStore,
                b.instanceSecret == null ? null : new SecretBox(b.instanceSecret, "totp secrets", b.secrets),
                b.secrets,
                clock,
                b.mfaIssuer);
        this.recoveryCodes = new RecoveryCodes(mfaStore, b.secrets, clock);
        var factors = new ArrayList<SecondFactor>(List.of(totp));
        if (passkeys != null) {
            factors.add(passkeys);
        }
        factors.addAll(b.extraFactors);
        factors.add(recoveryCodes);
        this.twoStep = new TwoStep(
                factors,
                mfaStore,
                userStore,
                signIn,
                throttle,
                audit,
                b.secrets,
                b.json,
                clock,
                meters,
                (user, kind) -> accounts.notice(user, kind, Language.EN)
                        .ifPresent(mail -> outbox.enqueue(List.of(mail), clock.instant())));
        twoStep.settings(b.mfa);
        this.clients = new Clients(new JdbcClientStore(database), b.secrets, audit, clock, id -> {
            if (tokenFamilies != null) {
                tokenFamilies.revokeForClient(id, null, Clients.AUDIT_DELETED);
            }
        });
        signIn.secondStep(twoStep);
        if (b.providerIssuer != null && signingKeys != null) {
            var logoutStore = new JdbcLogoutStore(database);
            var oidcTokens = new ProviderTokens(
                    signingKeys,
                    b.jwt.algorithm(),
                    b.providerIssuer,
                    new Subjects(SecretBox.derive(b.instanceSecret, "oidc subjects")),
                    b.secrets,
                    clock);
            this.openIdProvider = new OpenIdProvider(
                    b.providerIssuer,
                    clients,
                    tokenFamilies,
                    oidcTokens,
                    new AuthorizationCodes(
                            new SecretBox(b.instanceSecret, "authorization codes", b.secrets),
                            singleUse,
                            b.json,
                            clock),
                    new JdbcConsentStore(database),
                    logoutStore,
                    userCache,
                    groups,
                    audit,
                    clock,
                    meters,
                    new ClientAuthenticator(clients, singleUse, clock));
            sessions.onEnd(openIdProvider::sessionsEnded);
            this.backchannelLogout = new BackchannelLogout(
                    logoutStore, clients, oidcTokens, BackchannelLogout.defaultHttp(), clock, meters);
        } else {
            this.openIdProvider = null;
            this.backchannelLogout = null;
        }
        Gauge.builder("latchkey.sessions.active", sessions, Sessions::countSignedIn)
                .description("signed-in sessions that have not expired")
                .register(meters);
        nodeCaches.attach();
        if (throttleStore instanceof JdbcThrottleStore rows) {
            background.add(b.scheduler.every("throttle-purge", PURGE_INTERVAL, () -> rows.purgeIdle(clock.instant())));
        }
        if (singleUse instanceof JdbcSingleUseStore rows) {
            background.add(
                    b.scheduler.every("single-use-purge", PURGE_INTERVAL, () -> rows.purgeExpired(clock.instant())));
        }
        if (passkeys != null) {
            background.add(
                    b.scheduler.every("webauthn-challenge-purge", PURGE_INTERVAL, passkeys::purgeExpiredChallenges));
        }
        background.add(b.scheduler.every("mfa-pending-purge", PURGE_INTERVAL, twoStep::purgeExpired));
        if (revokedFamilies != null) {
            // Last, once everything is wired: the first read of the revocations happens here.
            revokedFamilies.start(b.scheduler);
        }
        if (b.background) {
            if (mailDelivery != null) {
                mailDelivery.start(b.scheduler, BACKGROUND_INTERVAL);
            }
            accounts.start(b.scheduler, BACKGROUND_INTERVAL);
            if (backchannelLogout != null) {
                backchannelLogout.start(b.scheduler, BACKGROUND_INTERVAL);
            }
        }
    }

    /** Values held in memory for single use on one node (SQLite, or a library that says nothing). */
    private static final int SINGLE_USE_IN_MEMORY = 100_000;
    /** How often shared rows that can no longer matter (idle throttle keys, expired single-use values) go. */
    private static final Duration PURGE_INTERVAL = Duration.ofHours(1);
    /** How often mail is sent and requests made by address are answered: the most a mail waits on an idle server. */
    private static final Duration BACKGROUND_INTERVAL = Duration.ofMillis(500);

    public static Builder builder(Database database) {
        return new Builder(database);
    }

    public Database database() {
        return database;
    }

    public UserStore userStore() {
        return userStore;
    }

    public PasswordHashing hashing() {
        return hashing;
    }

    public Sessions sessions() {
        return sessions;
    }

    public Users users() {
        return users;
    }

    /** Named groups of users: in {@code /api/me}, access tokens' {@code groups} claim and forward-auth. */
    public Groups groups() {
        return groups;
    }

    public Authenticator authenticator() {
        return authenticator;
    }

    public SignIn signIn() {
        return signIn;
    }

    /** The one source of randomness of this instance. */
    public Secrets secrets() {
        return secrets;
    }

    /**
     * Sealing under the instance secret for one purpose (a key derived for it alone); empty without an instance
     * secret. The same secret on every node opens what any node sealed.
     */
    public Optional<SecretBox> secretBox(String purpose) {
        return instanceSecret == null ? Optional.empty() : Optional.of(new SecretBox(instanceSecret, purpose, secrets));
    }

    /** The JWT signing keys; needs an instance secret ({@link Builder#instanceSecret}) to seal private keys. */
    public SigningKeys signingKeys() {
        if (signingKeys == null) {
            throw new IllegalStateException(
                    "JWT signing keys need an instance secret: Latchkey.builder(..)" + ".instanceSecret(bytes)");
        }
        return signingKeys;
    }

    /** JWT token pairs and their families; needs an instance secret, as {@link #signingKeys()} does. */
    public TokenFamilies tokenFamilies() {
        signingKeys();
        return tokenFamilies;
    }

    /** Social login: the configured providers, the accounts tied to users and the provider tokens kept for them. */
    public SocialLogin socialLogin() {
        return socialLogin;
    }

    /**
     * WebAuthn passkeys, as a second factor and for passwordless sign-in; empty unless the builder was given
     * {@link Builder#webauthn} (a server without {@code server.public_url} has no RP id, so no passkeys).
     */
    public Optional<Passkeys> passkeys() {
        return Optional.ofNullable(passkeys);
    }

    /** Sign-up, password reset and change, email verification and change. */
    public Accounts accounts() {
        return accounts;
    }

    /** Mail waiting to be sent. */
    public Outbox outbox() {
        return outbox;
    }

    /** The background sender of the outbox; empty without a mail transport. */
    public Optional<MailDelivery> mailDelivery() {
        return Optional.ofNullable(mailDelivery);
    }

    /** The authenticator-app factor: enrolment, confirmation, removal. */
    public TotpFactor totp() {
        return totp;
    }

    public RecoveryCodes recoveryCodes() {
        return recoveryCodes;
    }

    /** Two-step sign-in over every registered second factor, and the {@code mfa.*} settings. */
    public TwoStep twoStep() {
        return twoStep;
    }

    /** The apps registered to sign their users in through latchkey as an OpenID Provider. */
    public Clients clients() {
        return clients;
    }

    /**
     * latchkey as an OpenID Provider for other apps; empty unless the builder was given its issuer
     * ({@link Builder#openIdProvider}) and an instance secret.
     */
    public Optional<OpenIdProvider> openIdProvider() {
        return Optional.ofNullable(openIdProvider);
    }

    /** The sender of back-channel logout notices; empty without the provider. */
    public Optional<BackchannelLogout> backchannelLogout() {
        return Optional.ofNullable(backchannelLogout);
    }

    public SignInThrottle throttle() {
        return throttle;
    }

    /** Sign-in counters: in PostgreSQL when the database is, in Redis or elsewhere when the builder says. */
    public ThrottleStore throttleStore() {
        return throttleStore;
    }

    /**
     * Values good once across every node: OAuth states, app codes, anything else that must not work twice. In
     * PostgreSQL when the database is, in memory on SQLite, in Redis when the builder says.
     */
    public SingleUseStore singleUse() {
        return singleUse;
    }

    /** How this node hears of changes made on others, and tells them of its own. */
    public InvalidationBus invalidations() {
        return invalidations;
    }

    public UserCache userCache() {
        return userCache;
    }

    public ApiTokens apiTokens() {
        return apiTokens;
    }

    public AuditStore audit() {
        return audit;
    }

    /** The one JSON mapper, shared by everything built on this instance. */
    public ObjectMapper json() {
        return json;
    }

    public MeterRegistry meters() {
        return meters;
    }

    public Clock clock() {
        return clock;
    }

    @Override
    public void close() {
        accounts.stop();
        if (backchannelLogout != null) {
            backchannelLogout.stop();
        }
        if (mailDelivery != null) {
            mailDelivery.stop();
        }
        if (revokedFamilies != null) {
            revokedFamilies.stop();
        }
        background.forEach(Scheduler.Cancellable::cancel);
        invalidations.close();
        for (var closeable : alsoClose) {
            try {
                closeable.close();
            } catch (Exception e) {
                log.warn("could not close {}", closeable, e);
            }
        }
        database.close();
    }

    /** Settings with safe defaults; every one may be left alone. */
    public static final class Builder {
        private final Database database;
        private Clock clock = Clock.systemUTC();
        private Secrets secrets = Secrets.create();
        private Scheduler scheduler = Scheduler.daemonThreads();
        private MeterRegistry meters = new SimpleMeterRegistry();
        private ObjectMapper json = new ObjectMapper();
        private Argon2Settings argon2 = Argon2Settings.OWASP;
        private PasswordPolicy passwordPolicy = PasswordPolicy.DEFAULT;
        private SessionSettings sessionSettings = SessionSettings.DEFAULT;
        private final List<AuthenticationBackend> extraBackends = new ArrayList<>();
        private byte[] instanceSecret;
        private JwtSettings jwt = JwtSettings.DEFAULT;
        private ApiTokens.Lifetimes tokenLifetimes = ApiTokens.Lifetimes.DEFAULT;
        private ThrottleSettings throttle = ThrottleSettings.DEFAULT;
        private List<ProviderSettings> socialProviders = List.of();
        private ThrottleStore throttleStore;
        private SingleUseStore singleUse;
        private InvalidationBus invalidations;
        private final List<AutoCloseable> alsoClose = new ArrayList<>();
        private AccountSettings accounts = AccountSettings.DEFAULT;
        private MailTransport mailTransport;
        private Duration mailFirstRetry = Duration.ofSeconds(30);
        private boolean background = true;
        private WebAuthnSettings webauthn;
        private MfaSettings mfa = MfaSettings.DEFAULT;
        private String mfaIssuer = "latchkey";
        private final List<SecondFactor> extraFactors = new ArrayList<>();
        private String providerIssuer;

        private Builder(Database database) {
            this.database = Objects.requireNonNull(database, "database");
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        public Builder secrets(Secrets secrets) {
            this.secrets = Objects.requireNonNull(secrets);
            return this;
        }

        /**
         * Where background work runs: the re-reading of revoked token families, every second while this instance is
         * open. Daemon threads unless set; a test passes one it runs by hand.
         */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler);
            return this;
        }

        public Builder meters(MeterRegistry meters) {
            this.meters = Objects.requireNonNull(meters);
            return this;
        }

        public Builder json(ObjectMapper json) {
            this.json = Objects.requireNonNull(json);
            return this;
        }

        public Builder argon2(Argon2Settings argon2) {
            this.argon2 = Objects.requireNonNull(argon2);
            return this;
        }

        public Builder passwordPolicy(PasswordPolicy policy) {
            this.passwordPolicy = Objects.requireNonNull(policy);
            return this;
        }

        public Builder sessions(SessionSettings settings) {
            this.sessionSettings = Objects.requireNonNull(settings);
            return this;
        }

        /**
         * At least 256 bits that seal secrets at rest (JWT signing keys, kept provider tokens); keep it, or they cannot
         * be read again.
         */
        public Builder instanceSecret(byte[] secret) {
            if (secret.length < 32) {
                throw new IllegalArgumentException("the instance secret must have at least 256 bits");
            }
            this.instanceSecret = secret.clone();
            return this;
        }

        public Builder socialProviders(List<ProviderSettings> providers) {
            this.socialProviders = List.copyOf(providers);
            return this;
        }

        /** Sign-up, verification and the lifetimes of mailed links; closed sign-up unless set. */
        public Builder accounts(AccountSettings settings) {
            this.accounts = Objects.requireNonNull(settings);
            return this;
        }

        /**
         * Where mail goes ({@link dev.latchkey.mail.SmtpTransport}); without one, password reset, verification and
         * invitations are off. {@code firstRetry} is the wait after a first failed attempt (doubled after each).
         */
        public Builder mail(MailTransport transport, Duration firstRetry) {
            this.mailTransport = Objects.requireNonNull(transport);
            this.mailFirstRetry = Objects.requireNonNull(firstRetry);
            return this;
        }

        /**
         * Whether this instance sends the outbox's mail and answers requests made by address in the background (yes
         * unless set): a short-lived command that only writes mail leaves the sending to the server.
         */
        public Builder background(boolean background) {
            this.background = background;
            return this;
        }

        /**
         * Turns passkeys on for this RP id and these origins ({@link WebAuthnSettings#forPublicUrl}); off unless set.
         * The passkey backend joins the chain after the social providers.
         */
        public Builder webauthn(WebAuthnSettings settings) {
            this.webauthn = Objects.requireNonNull(settings);
            return this;
        }

        public Builder throttle(ThrottleSettings settings) {
            this.throttle = Objects.requireNonNull(settings);
            return this;
        }

        /** How long API tokens live by default and at most (90 and 365 days unless set). */
        public Builder tokenLifetimes(ApiTokens.Lifetimes lifetimes) {
            this.tokenLifetimes = Objects.requireNonNull(lifetimes);
            return this;
        }

        public Builder jwt(JwtSettings settings) {
            this.jwt = Objects.requireNonNull(settings);
            return this;
        }

        /**
         * A backend asked after the built-in ones (password, API token, JWT with an instance secret, then each social
         * provider), in the order added.
         */
        public Builder backend(AuthenticationBackend backend) {
            this.extraBackends.add(Objects.requireNonNull(backend));
            return this;
        }

        /**
         * Where sign-in counters live: in PostgreSQL unless set when the database is PostgreSQL, else in memory. Set
         * it to share counters another way (Redis).
         */
        public Builder throttleStore(ThrottleStore store) {
            this.throttleStore = Objects.requireNonNull(store);
            return this;
        }

        /** Where single-use values live: in PostgreSQL unless set when the database is PostgreSQL, else in memory. */
        public Builder singleUse(SingleUseStore store) {
            this.singleUse = Objects.requireNonNull(store);
            return this;
        }

        /**
         * How this node and the others tell each other what to drop from their caches: PostgreSQL's LISTEN/NOTIFY
         * unless set when the database is PostgreSQL, else nobody to tell ({@link MemoryInvalidationBus}). Closed
         * with the instance.
         */
        public Builder invalidations(InvalidationBus bus) {
            this.invalidations = Objects.requireNonNull(bus);
            return this;
        }

        /** Something the stores set here depend on (a Redis connection), closed after them with the instance. */
        public Builder alsoClose(AutoCloseable resource) {
            this.alsoClose.add(Objects.requireNonNull(resource));
            return this;
        }

        /** Who must have a second factor, and whether social sign-ins need one; nobody and yes unless set. */
        public Builder mfa(MfaSettings settings) {
            this.mfa = Objects.requireNonNull(settings);
            return this;
        }

        /** The name authenticator apps show beside the account (the otpauth issuer); "latchkey" unless set. */
        public Builder mfaIssuer(String issuer) {
            this.mfaIssuer = Objects.requireNonNull(issuer);
            return this;
        }

        /**
         * A kind of second factor besides the authenticator app and recovery codes (passkeys), asked in the order
         * added, after TOTP and before recovery codes.
         */
        public Builder secondFactor(SecondFactor factor) {
            this.extraFactors.add(Objects.requireNonNull(factor));
            return this;
        }

        /**
         * Turns latchkey into an OpenID Provider with this issuer (the public URL, {@code https://…} without a
         * trailing slash); off unless set. Needs an instance secret: codes are sealed and tokens signed under it.
         */
        public Builder openIdProvider(String issuer) {
            var uri = java.net.URI.create(Objects.requireNonNull(issuer));
            if (!uri.isAbsolute()
                    || uri.getRawQuery() != null
                    || uri.getRawFragment() != null
                    || issuer.endsWith("/")) {
                throw new IllegalArgumentException("the issuer is an absolute URL without query, fragment or final /");
            }
            this.providerIssuer = issuer;
            return this;
        }

        public Latchkey build() {
            return new Latchkey(this);
        }
    }
}
