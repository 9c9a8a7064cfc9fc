package dev.latchkey.mfa;

import dev.latchkey.auth.AuthenticationDenied;
import dev.latchkey.crypto.SecretBox;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.error.Conflict;
import dev.latchkey.error.InvalidInput;
import dev.latchkey.request.RequestContext;
import dev.latchkey.user.User;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;

/**
 * An authenticator app (RFC 6238). The 160-bit secret (RFC 4226 section 4 recommends it) is sealed at rest under the
 * instance secret, bound to its user so a sealed secret moved to another row does not open. A code is accepted one
 * step either side of now (RFC 6238 section 5.2: clocks drift and people type slowly), and the step it proved is
 * kept: neither it nor any earlier code works again, however many requests present it at once.
 */
public final class TotpFactor implements SecondFactor {
    public static final String METHOD = "totp";
    private static final int SECRET_BYTES = 20;
    private static final String PLAIN = "plain:";

    private final TotpStore store;
    private final SecretBox box;
    private final Secrets secrets;
    private final Clock clock;
    private final String issuer;

    /**
     * A factor over {@code store}.
     *
     * @param box    null to store secrets plain (a library without an instance secret), marked so
     * @param issuer the name apps show beside the account ("latchkey", the site's host)
     */
    public TotpFactor(TotpStore store, SecretBox box, Secrets secrets, Clock clock, String issuer) {
        this.store = store;
        this.box = box;
        this.secrets = secrets;
        this.clock = clock;
        this.issuer = issuer;
    }

    /** A new secret for the user to add to their app: base32 and the otpauth URI (Google's Key Uri Format). */
    public record Enrolment(String secret, String otpauthUri) {
        @Override
        public String toString() {
            return "Enrolment[secret=<redacted>]";
        }
    }

    @Override
    public String method() {
        return METHOD;
    }

    @Override
    public List<EnrolledFactor> enrolled(long userId) {
        return store.findByUser(userId)
                .filter(t -> t.confirmed() != null)
                .map(t -> List.of(new EnrolledFactor(METHOD, METHOD, "Authenticator app", t.confirmed(), t.lastUsed())))
                .orElse(List.of());
    }

    /**
     * A new pending secret for the user, replacing a pending one; {@link Conflict} ({@code totp_enabled}) when one is
     * enabled already — remove it first, so that a stolen session cannot silently move the factor to another phone.
     */
    public Enrolment begin(User user) {
        var secret = secrets.bytes(SECRET_BYTES);
        var text = Base32.encode(secret);
        if (!store.insertPending(user.id(), seal(text, user.id()), clock.instant())) {
            throw new Conflict("totp_enabled", "an authenticator app is enabled already: remove it first");
        }
        var label = enc(issuer) + ":" + enc(user.username());
        var uri = "otpauth://totp/" + label + "?secret=" + text + "&issuer=" + enc(issuer)
                + "&algorithm=SHA1&digits=6&period=30";
        return new Enrolment(text, uri);
    }

    /**
     * Enables the pending secret when {@code code} is right for it; the code's step counts as used. Throws
     * {@link InvalidInput} ({@code invalid_code}) for a malformed or wrong code, {@link Conflict}
     * ({@code nothing_pending}) when no secret is pending.
     */
    public void confirm(User user, String code) {
        var digits = Codes.totp(code).orElseThrow(TotpFactor::malformed);
        var stored = store.findByUser(user.id())
                .filter(t -> t.confirmed() == null)
                .orElseThrow(() -> new Conflict("nothing_pending", "start with POST /api/mfa/totp"));
        var step = matchingStep(open(stored.sealedSecret(), user.id()), digits, Long.MIN_VALUE);
        if (step == Long.MIN_VALUE) {
            throw new InvalidInput("invalid_code", "that code is not right; check the time on your phone");
        }
        if (!store.confirm(user.id(), step, clock.instant())) {
            throw new Conflict("nothing_pending", "start with POST /api/mfa/totp");
        }
    }

    /** Removes the user's secret, pending or enabled; false when there was none. */
    public boolean remove(long userId) {
        return store.delete(userId);
    }

    @Override
    public List<String> verify(User user, String proof, RequestContext request) {
        var digits = Codes.totp(proof).orElseThrow(TotpFactor::malformed);
        var stored = store.findByUser(user.id())
                .filter(t -> t.confirmed() != null)
                .orElseThrow(() -> new AuthenticationDenied(AuthenticationDenied.Reason.INVALID_CREDENTIALS));
        var step = matchingStep(open(stored.sealedSecret(), user.id()), digits, stored.lastStep());
        if (step == Long.MIN_VALUE || !store.useStep(user.id(), step, clock.instant())) {
            throw new AuthenticationDenied(AuthenticationDenied.Reason.INVALID_CREDENTIALS);
        }
        return List.of("otp");
    }

    /**
     * The step within one of now whose code is {@code digits} and later than {@code after}, or Long.MIN_VALUE. Every
     * candidate is computed and compared in constant time, so the answer's timing tells nothing about which matched.
     */
    private long matchingStep(byte[] key, String digits, long after) {
        var now = Totp.step(clock.instant());
        long found = Long.MIN_VALUE;
        var typed = digits.getBytes(StandardCharsets.US_ASCII);
        for (long step = now - 1; step <= now + 1; step++) {
            var expected = Totp.text(key, step, Totp.DIGITS).getBytes(StandardCharsets.US_ASCII);
            if (Secrets.constantTimeEquals(expected, typed) && step > after && found == Long.MIN_VALUE) {
                found = step;
            }
        }
        return found;
    }

    private String seal(String secret, long userId) {
        return box == null ? PLAIN + secret : box.seal(secret, associated(userId));
    }

    private byte[] open(String sealed, long userId) {
        var text = sealed.startsWith(PLAIN) ? sealed.substring(PLAIN.length()) : openSealed(sealed, userId);
        return Base32.decode(text);
    }

    private String openSealed(String sealed, long userId) {
        if (box == null) {
            throw new IllegalStateException("a sealed TOTP secret needs the instance secret to open");
        }
        return box.open(sealed, associated(userId));
    }

    private static String associated(long userId) {
        return "totp\n" + userId;
    }

    private static String enc(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The one wording of a malformed code. */
    private static InvalidInput malformed() {
        return new InvalidInput("invalid_code", "a code is 6 digits (0-9), spaces allowed");
    }
}
