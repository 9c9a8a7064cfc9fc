package dev.latchkey.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.error.InvalidInput;
import dev.latchkey.store.DatabaseUrl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsLoaderTest {
    @TempDir
    Path dir;

    @Test
    void defaultsAreSqliteInTheDataDirAndHttpsOnLoopback() {
        var settings = SettingsLoader.load(dir, Map.of(), Map.of());
        assertThat(settings.database().dialect()).isEqualTo(DatabaseUrl.Dialect.SQLITE);
        assertThat(settings.database().jdbcUrl()).isEqualTo("jdbc:sqlite:" + dir.resolve("latchkey.sqlite3"));
        assertThat(settings.server().bind()).isEqualTo("127.0.0.1");
        assertThat(settings.server().port()).isEqualTo(8443);
        assertThat(settings.server().plainHttp()).isFalse();
        assertThat(settings.sessions().idleTimeout()).isEqualTo(Duration.ofDays(14));
        assertThat(settings.sessions().absoluteTimeout()).isEqualTo(Duration.ofDays(30));
        assertThat(settings.argon2().memoryKib()).isEqualTo(19 * 1024);
        assertThat(settings.jwt()).isEqualTo(dev.latchkey.jwt.JwtSettings.DEFAULT);
        assertThat(settings.auditRetention()).isEqualTo(Duration.ofDays(90));
        assertThat(settings.log()).isEqualTo(new Settings.Log(false, true));
        assertThat(settings.server().managementPort())
                .as("no management listener unless asked")
                .isNull();
        assertThat(settings.server().managementBind()).isEqualTo("127.0.0.1");
        assertThat(settings.throttle()).isEqualTo(dev.latchkey.throttle.ThrottleSettings.DEFAULT);
        var tuned = SettingsLoader.load(
                        dir,
                        Map.of("LATCHKEY_THROTTLE_PER_IP", "20/2m", "LATCHKEY_THROTTLE_MAX_BLOCK", "15m"),
                        Map.of())
                .throttle();
        assertThat(tuned.perIp()).isEqualTo(new dev.latchkey.throttle.Rule(20, Duration.ofMinutes(2)));
        assertThat(tuned.maxBlock()).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void socialProvidersReadFromTheFileAndTheEnvironment() throws Exception {
        Files.writeString(dir.resolve("latchkey.toml"), """
                [social.myidp]
                type = "oidc"
                issuer = "https://idp.example/realms/x"
                client_id = "latchkey"
                client_secret = "from-the-file"
                scopes = ["openid", "email"]
                redirect_uris = ["com.example.app:/cb", "https://app.example/cb"]

                [social.google]
                client_id = "g-id"
                client_secret = "g-secret"
                """);
        var social = SettingsLoader.load(
                        dir,
                        Map.of(
                                "LATCHKEY_SOCIAL_MYIDP_CLIENT_SECRET",
                                "from-env",
                                "LATCHKEY_SOCIAL_DEV_IDP_ISSUER",
                                "http://127.0.0.1:9000/x",
                                "LATCHKEY_SOCIAL_DEV_IDP_TYPE",
                                "oidc",
                                "LATCHKEY_SOCIAL_DEV_IDP_CLIENT_ID",
                                "d",
                                "LATCHKEY_SOCIAL_DEV_IDP_CLIENT_SECRET",
                                "s"),
                        Map.of())
                .social();
        assertThat(social).extracting(p -> p.name()).containsExactly("dev-idp", "google", "myidp");
        var myidp = social.get(2);
        assertThat(myidp.clientSecret()).isEqualTo("from-env");
        assertThat(myidp.scopes()).containsExactly("openid", "email");
        assertThat(myidp.redirectUris()).containsExactly("com.example.app:/cb", "https://app.example/cb");
        assertThat(myidp.toString()).doesNotContain("from-env");
        assertThat(social.get(1).type()).isEqualTo("google");

        assertRefused(
                Map.of(
                        "LATCHKEY_SOCIAL_X_ISSUER",
                        "http://idp.example",
                        "LATCHKEY_SOCIAL_X_CLIENT_ID",
                        "a",
                        "LATCHKEY_SOCIAL_X_CLIENT_SECRET",
                        "b"),
                "social.x.issuer must be an https:// URL");
        assertRefused(Map.of("LATCHKEY_SOCIAL_X_CLIENT_ID", "a"), "social.x.client_secret is required");
        assertRefused(Map.of("LATCHKEY_SOCIAL_X_COLOUR", "a"), "unknown setting LATCHKEY_SOCIAL_X_COLOUR");
        Files.writeString(dir.resolve("latchkey.toml"), "[social.y]\nclient_idd = 1\n");
        assertThatThrownBy(() -> SettingsLoader.load(dir, Map.of(), Map.of()))
                .hasMessageContaining("unknown setting social.y.client_idd");
    }

    @Test
    void jwtSettingsReadFromTheFile() throws Exception {
        Files.writeString(dir.resolve("latchkey.toml"), """
                [jwt]
                algorithm = "eddsa"
                issuer = "https://auth.example"
                audience = "api"
                access_lifetime = "2m"
                refresh_lifetime = "12h"
                refresh_max_lifetime = "7d"
                """);
        var jwt = SettingsLoader.load(dir, Map.of(), Map.of()).jwt();
        assertThat(jwt.algorithm().getName()).isEqualTo("EdDSA");
        assertThat(jwt.issuer()).isEqualTo("https://auth.example");
        assertThat(jwt.audience()).isEqualTo("api");
        assertThat(jwt.accessLifetime()).isEqualTo(Duration.ofMinutes(2));
        assertThat(jwt.refreshLifetime()).isEqualTo(Duration.ofHours(12));
        assertThat(jwt.familyLifetime()).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void fileThenEnvironmentThenFlagsEachOverride() throws Exception {
        Files.writeString(dir.resolve("latchkey.toml"), """
                [server]
                port = 9000
                bind = "0.0.0.0"
                [session]
                idle_timeout = "2h"
                """);
        var settings = SettingsLoader.load(dir, Map.of("LATCHKEY_SERVER_PORT", "9100"), Map.of());
        assertThat(settings.server().port()).isEqualTo(9100);
        assertThat(settings.server().bind()).isEqualTo("0.0.0.0");
        assertThat(settings.sessions().idleTimeout()).isEqualTo(Duration.ofHours(2));

        var flagged = SettingsLoader.load(dir, Map.of("LATCHKEY_SERVER_PORT", "9100"), Map.of("server.port", "9200"));
        assertThat(flagged.server().port()).isEqualTo(9200);
    }

    @Test
    void theDatabaseUrlComesFromTheEnvironment() {
        var settings =
                SettingsLoader.load(dir, Map.of("LATCHKEY_DB_URL", "postgresql://lk@127.0.0.1:5432/auth"), Map.of());
        assertThat(settings.database().dialect()).isEqualTo(DatabaseUrl.Dialect.POSTGRESQL);
        assertThat(settings.database().user()).isEqualTo("lk");
    }

    @Test
    void aBadValueNamesTheSettingItsSourceAndWhatIsAccepted() {
        assertRefused(
                Map.of("LATCHKEY_SERVER_PORT", "eighty"),
                "server.port must be a whole number from 0 to 65535 (was \"eighty\" from LATCHKEY_SERVER_PORT)");
        assertRefused(Map.of("LATCHKEY_SERVER_HTTP", "maybe"), "server.http must be true or false");
        assertRefused(
                Map.of("LATCHKEY_SESSION_IDLE_TIMEOUT", "forever"),
                "session.idle_timeout must be a duration such as 90s, 30m, 12h or 14d");
        assertRefused(
                Map.of("LATCHKEY_PASSWORD_ARGON2_MEMORY_KIB", "1024"),
                "password.argon2_memory_kib must be a whole number from 19456");
        assertRefused(Map.of("LATCHKEY_DB_URL", "mysql://x/y"), "db.url has an unknown scheme");
        assertRefused(
                Map.of("LATCHKEY_SESSION_IDLE_TIMEOUT", "40d"),
                "session.absolute_timeout must not be shorter than session.idle_timeout");
        assertRefused(
                Map.of("LATCHKEY_JWT_ALGORITHM", "none"),
                "jwt.algorithm must be one of [RS256, ES256, EdDSA,"
                        + " HS256] (was \"none\" from LATCHKEY_JWT_ALGORITHM)");
        assertRefused(Map.of("LATCHKEY_JWT_ALGORITHM", "HS512"), "jwt.algorithm must be one of");
        assertRefused(Map.of("LATCHKEY_JWT_ACCESS_LIFETIME", "0s"), "jwt.access_lifetime must be from 1s to 1d");
        assertRefused(Map.of("LATCHKEY_JWT_ACCESS_LIFETIME", "30d"), "jwt.access_lifetime must be from 1s to 1d");
        assertRefused(
                Map.of("LATCHKEY_JWT_REFRESH_LIFETIME", "40d"),
                "jwt.refresh_max_lifetime must not be shorter than jwt.refresh_lifetime");
        assertRefused(Map.of("LATCHKEY_JWT_ISSUER", " "), "jwt.issuer must be a non-empty value");
        assertRefused(Map.of("LATCHKEY_LOG_FORMAT", "xml"), "log.format must be text or json");
        assertRefused(Map.of("LATCHKEY_THROTTLE_PER_IP", "ten"), "throttle.per_ip must be failures per window");
        assertRefused(Map.of("LATCHKEY_THROTTLE_PER_IP", "0/1m"), "throttle.per_ip must be failures per window");
        assertRefused(Map.of("LATCHKEY_THROTTLE_PER_ACCOUNT_IP", "5"), "throttle.per_account_ip must be failures");
        assertRefused(Map.of("LATCHKEY_AUDIT_RETENTION", "1h"), "audit.retention must be at least 1d");
        assertRefused(Map.of("LATCHKEY_SERVER_MANAGEMENT_PORT", "99999"), "server.management_port must be a whole");
    }

    @Test
    void theHardeningSettingsReadTheirValuesAndRefuseBadOnesNamingTheSetting() {
        var tuned = SettingsLoader.load(
                dir,
                Map.of(
                        "LATCHKEY_SERVER_PUBLIC_URL",
                        "HTTPS://Auth.Example.com:443/",
                        "LATCHKEY_SERVER_MAX_CONNECTIONS_PER_CLIENT",
                        "16",
                        "LATCHKEY_SERVER_HEADER_TIMEOUT",
                        "5s",
                        "LATCHKEY_TOKENS_DEFAULT_LIFETIME",
                        "7d",
                        "LATCHKEY_TOKENS_MAX_LIFETIME",
                        "30d"),
                Map.of());
        assertThat(tuned.server().publicUrl()).hasToString("https://auth.example.com:443");
        assertThat(tuned.server().maxConnectionsPerClient()).isEqualTo(16);
        assertThat(tuned.server().headerTimeout()).isEqualTo(java.time.Duration.ofSeconds(5));
        assertThat(tuned.tokenLifetimes().defaultLifetime()).isEqualTo(java.time.Duration.ofDays(7));
        for (var url : new String[] {
            "auth.example.com",
            "ftp://auth.example.com",
            "https://auth.example.com/sub",
            "https://user@auth.example.com",
            "https://auth.example.com/?q=1",
            "https://",
            "http://a b"
        }) {
            assertRefused(
                    Map.of("LATCHKEY_SERVER_PUBLIC_URL", url), "server.public_url must be an absolute http(s) URL");
        }
        assertRefused(
                Map.of("LATCHKEY_SERVER_MAX_CONNECTIONS_PER_CLIENT", "0"),
                "server.max_connections_per_client must be a whole number from 1");
        assertRefused(Map.of("LATCHKEY_SERVER_HEADER_TIMEOUT", "0s"), "server.header_timeout must be from");
        assertRefused(Map.of("LATCHKEY_SERVER_BODY_TIMEOUT", "1h"), "server.body_timeout must be from");
        assertRefused(Map.of("LATCHKEY_TOKENS_DEFAULT_LIFETIME", "400d"), "tokens.default_lifetime must be from");
        assertRefused(Map.of("LATCHKEY_TOKENS_MAX_LIFETIME", "20000d"), "tokens.max_lifetime must be from");
        assertRefused(
                Map.of("LATCHKEY_SERVER_TLS_CERT", "cert\u0000.pem", "LATCHKEY_SERVER_TLS_KEY", "key.pem"),
                "server.tls_cert must be a file name");
    }

    @Test
    void theAccountAndMailSettingsReadTheirValuesAndRefuseBadOnesNamingTheSetting() {
        var defaults = SettingsLoader.load(dir, Map.of(), Map.of());
        assertThat(defaults.mail()).isNull();
        assertThat(defaults.accounts().signup()).isEqualTo(dev.latchkey.account.SignUpMode.CLOSED);
        assertThat(defaults.accounts().verification()).isEqualTo(dev.latchkey.account.EmailVerification.OPTIONAL);
        assertThat(defaults.passwordPolicy().minStrength()).isEqualTo(2);
        var open = SettingsLoader.load(
                dir,
                Map.of(
                        "LATCHKEY_SERVER_PUBLIC_URL", "https://auth.example.com",
                        "LATCHKEY_MAIL_SMTP_URL", "smtp://mailer:s%3Acret@smtp.example.com",
                        "LATCHKEY_ACCOUNTS_SIGNUP", "Open",
                        "LATCHKEY_ACCOUNTS_RESET_LIFETIME", "15m",
                        "LATCHKEY_PASSWORD_MIN_STRENGTH", "3"),
                Map.of());
        assertThat(open.accounts().signup()).isEqualTo(dev.latchkey.account.SignUpMode.OPEN);
        assertThat(open.accounts().verification())
                .as("required by default once anyone may sign up")
                .isEqualTo(dev.latchkey.account.EmailVerification.REQUIRED);
        assertThat(open.accounts().resetLifetime()).isEqualTo(java.time.Duration.ofMinutes(15));
        assertThat(open.accounts().publicUrl()).hasToString("https://auth.example.com");
        assertThat(open.mail().url().password()).isEqualTo("s:cret");
        assertThat(open.mail().url().requiresStartTls()).isTrue();
        assertThat(open.mail().from()).isEqualTo("latchkey@auth.example.com");
        assertThat(open.passwordPolicy().minStrength()).isEqualTo(3);

        assertRefused(
                Map.of("LATCHKEY_ACCOUNTS_SIGNUP", "sometimes"), "accounts.signup must be one of closed, open, invite");
        assertRefused(
                Map.of("LATCHKEY_ACCOUNTS_EMAIL_VERIFICATION", "maybe"),
                "accounts.email_verification must be one of required, optional, off");
        assertRefused(Map.of("LATCHKEY_ACCOUNTS_RESET_LIFETIME", "2d"), "accounts.reset_lifetime must be from");
        assertRefused(Map.of("LATCHKEY_PASSWORD_MIN_STRENGTH", "5"), "password.min_strength must be a whole number");
        for (var url : new String[] {"http://smtp.example.com", "smtp://", "smtp://h:0", "smtp://h/x", "junk"}) {
            assertRefused(Map.of("LATCHKEY_MAIL_SMTP_URL", url), "mail.smtp_url must be smtp://");
        }
        var secret = "hunter2secret";
        assertThatThrownBy(() -> SettingsLoader.load(
                        dir, Map.of("LATCHKEY_MAIL_SMTP_URL", "smtp://u:" + secret + "@h/path"), Map.of()))
                .as("the error never repeats the password")
                .hasMessageNotContaining(secret);
        assertRefused(
                Map.of("LATCHKEY_MAIL_SMTP_URL", "smtp://smtp.example.com"), "mail.from must be the sender address");
        assertRefused(
                Map.of(
                        "LATCHKEY_MAIL_SMTP_URL",
                        "smtp://smtp.example.com",
                        "LATCHKEY_MAIL_FROM",
                        "a@b.c\r\nBcc: x@y.z"),
                "mail.from must be an email address");
    }

    @Test
    void unknownKeysAndBrokenFilesAreRefused() throws Exception {
        Files.writeString(dir.resolve("latchkey.toml"), "[server]\nprot = 1\n");
        assertThatThrownBy(() -> SettingsLoader.load(dir, Map.of(), Map.of()))
                .isInstanceOf(InvalidInput.class)
                .hasMessageContaining("unknown setting server.prot in latchkey.toml");
        Files.writeString(dir.resolve("latchkey.toml"), "[server\nport = ");
        assertThatThrownBy(() -> SettingsLoader.load(dir, Map.of(), Map.of()))
                .isInstanceOf(InvalidInput.class)
                .hasMessageContaining("is not valid TOML");
        Files.writeString(dir.resolve("latchkey.toml"), "top = 1\n");
        assertThatThrownBy(() -> SettingsLoader.load(dir, Map.of(), Map.of()))
                .hasMessageContaining("unknown setting top");
    }

    @Test
    void theDataDirectoryIsCreatedOwnerOnly() throws Exception {
        var data = DataDirectory.prepare(dir.resolve("nested/latchkey-data"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data)))
                .isEqualTo("rwx------");
        Files.writeString(dir.resolve("a-file"), "x");
        assertThatThrownBy(() -> DataDirectory.prepare(dir.resolve("a-file")))
                .isInstanceOf(InvalidInput.class)
                .hasMessageContaining("is not a directory");
    }

    @Test
    void durationsReadAsOperatorsWriteThem() {
        assertThat(Durations.parse("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("14d")).isEqualTo(Duration.ofDays(14));
        assertThat(Durations.parse("PT1H")).isEqualTo(Duration.ofHours(1));
        assertThatThrownBy(() -> Durations.parse("-5m")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Durations.parse("PT-5M")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void corsOriginsAndTheCookieSameSiteReadTheirValuesAndRefuseBadOnes() throws Exception {
        var defaults = SettingsLoader.load(dir, Map.of(), Map.of()).server();
        assertThat(defaults.corsOrigins()).isEmpty();
        assertThat(defaults.cookieSameSite()).isEqualTo("Lax");

        var env = SettingsLoader.load(
                        dir,
                        Map.of(
                                "LATCHKEY_HTTP_CORS_ORIGINS",
                                " https://App.Example.com:443 , http://localhost:5173,https://app.example.com",
                                "LATCHKEY_SESSION_COOKIE_SAMESITE",
                                "none"),
                        Map.of())
                .server();
        assertThat(env.corsOrigins()).containsExactly("https://app.example.com", "http://localhost:5173");
        assertThat(env.cookieSameSite()).isEqualTo("None");

        Files.writeString(dir.resolve("latchkey.toml"), """
                [http]
                cors_origins = ["https://a.example", "https://b.example:8443"]
                [session]
                cookie_samesite = "Strict"
                """);
        var file = SettingsLoader.load(dir, Map.of(), Map.of()).server();
        assertThat(file.corsOrigins()).containsExactly("https://a.example", "https://b.example:8443");
        assertThat(file.cookieSameSite()).isEqualTo("Strict");
        Files.delete(dir.resolve("latchkey.toml"));

        for (var bad : new String[] {
            "*",
            "null",
            "https://*.example.com",
            "https://app.example.com/",
            "https://app.example.com/app",
            "ftp://app.example.com",
            "app.example.com",
            "https://user@app.example.com",
            "https://a.example?x=1"
        }) {
            assertRefused(Map.of("LATCHKEY_HTTP_CORS_ORIGINS", bad), "http.cors_origins");
        }
        assertRefused(Map.of("LATCHKEY_SESSION_COOKIE_SAMESITE", "sometimes"), "Lax, Strict or None");
        // None needs Secure cookies, which plain HTTP cannot have unless a TLS proxy and an https public URL say so.
        assertRefused(
                Map.of("LATCHKEY_SESSION_COOKIE_SAMESITE", "None", "LATCHKEY_SERVER_HTTP", "true"),
                "None needs Secure cookies");
        var behindTls = SettingsLoader.load(
                        dir,
                        Map.of(
                                "LATCHKEY_SESSION_COOKIE_SAMESITE", "None",
                                "LATCHKEY_SERVER_HTTP", "true",
                                "LATCHKEY_SERVER_PUBLIC_URL", "https://auth.example.com"),
                        Map.of())
                .server();
        assertThat(behindTls.cookieSameSite()).isEqualTo("None");
    }

    @Test
    void theSharedStateSettingsReadRedisAndTheDrainTimeAndRefuseBadOnesNamingTheSettingNeverThePassword() {
        var defaults = SettingsLoader.load(dir, Map.of(), Map.of());
        assertThat(defaults.shared()).isEqualTo(new Settings.Shared(null, "latchkey:"));
        assertThat(defaults.server().drainTime()).isEqualTo(Duration.ZERO);
        var tuned = SettingsLoader.load(
                dir,
                Map.of(
                        "LATCHKEY_REDIS_URL", "rediss://lk:s3cret@redis.internal:6380/2",
                        "LATCHKEY_REDIS_KEY_PREFIX", "auth:prod:",
                        "LATCHKEY_SERVER_DRAIN_TIME", "5s"),
                Map.of());
        assertThat(tuned.shared())
                .isEqualTo(new Settings.Shared("rediss://lk:s3cret@redis.internal:6380/2", "auth:prod:"));
        assertThat(tuned.server().drainTime()).isEqualTo(Duration.ofSeconds(5));
        for (var bad : java.util.List.of(
                "http://h:s3cret@redis:6379",
                "redis://:s3cret@:6379",
                "redis://h:s3cret@redis:0",
                "redis://h:s3cret@redis:6379/x",
                "redis://h:s3cret@redis:6379/0?timeout=1",
                "redis:// s3cret",
                "s3cret")) {
            assertThatThrownBy(() -> SettingsLoader.load(dir, Map.of("LATCHKEY_REDIS_URL", bad), Map.of()))
                    .as(bad)
                    .isInstanceOf(InvalidInput.class)
                    .hasMessageContaining("redis.url must be redis://")
                    .hasMessageContaining("LATCHKEY_REDIS_URL")
                    .hasMessageNotContaining("s3cret");
        }
        assertRefused(Map.of("LATCHKEY_REDIS_KEY_PREFIX", "with space"), "redis.key_prefix must be");
        assertRefused(Map.of("LATCHKEY_SERVER_DRAIN_TIME", "10m"), "server.drain_time must be from");
    }

    private void assertRefused(Map<String, String> env, String message) {
        assertThatThrownBy(() -> SettingsLoader.load(dir, env, Map.of()))
                .isInstanceOf(InvalidInput.class)
                .hasMessageContaining(message);
    }
}
