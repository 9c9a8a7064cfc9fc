package dev.latchkey.mfa;

import dev.latchkey.auth.AuthenticationDenied;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.error.InvalidInput;
import dev.latchkey.request.RequestContext;
import dev.latchkey.user.User;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Ten single-use codes for when the authenticator is lost, shown once and kept as SHA-256 hashes. Each is 12
 * characters of a 32-letter alphabet, 60 random bits: far beyond guessing within any throttle, so a fast unsalted
 * hash is enough (as for API tokens) and no slow hash is needed. The alphabet leaves out 0, 1, l and o, which people
 * misread on paper.
 */
public final class RecoveryCodes implements SecondFactor {
    public static final String METHOD = "recovery";
    public static final int COUNT = 10;
    static final String ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789";
    static final int LENGTH = 12;

    private final RecoveryCodeStore store;
    private final Secrets secrets;
    private final Clock clock;

    public RecoveryCodes(RecoveryCodeStore store, Secrets secrets, Clock clock) {
        this.store = store;
        this.secrets = secrets;
        this.clock = clock;
    }

    @Override
    public String method() {
        return METHOD;
    }

    @Override
    public List<EnrolledFactor> enrolled(long userId) {
        return store.summary(userId)
                .map(s -> List.of(new EnrolledFactor(
                        METHOD, METHOD, "Recovery codes (" + s.left() + " left)", s.created(), s.lastUsed())))
                .orElse(List.of());
    }

    /** Ten new codes, as shown ("abcd-efgh-ijkm"); the user's earlier codes stop working. */
    public List<String> regenerate(long userId) {
        var shown = new ArrayList<String>(COUNT);
        var hashes = new ArrayList<String>(COUNT);
        for (int i = 0; i < COUNT; i++) {
            var bytes = secrets.bytes(LENGTH);
            var code = new StringBuilder(LENGTH);
            for (byte b : bytes) {
                code.append(ALPHABET.charAt(b & 31)); // 256 is a multiple of 32: no bias
            }
            hashes.add(Secrets.sha256Hex(code.toString()));
            shown.add(code.substring(0, 4) + "-" + code.substring(4, 8) + "-" + code.substring(8));
        }
        store.replace(userId, hashes, clock.instant());
        return List.copyOf(shown);
    }

    public void removeAll(long userId) {
        store.deleteAll(userId);
    }

    @Override
    public List<String> verify(User user, String proof, RequestContext request) {
        var code = Codes.recovery(proof)
                .orElseThrow(() -> new InvalidInput("invalid_code", "a recovery code is 12 letters and digits"));
        if (!store.use(user.id(), Secrets.sha256Hex(code), clock.instant())) {
            throw new AuthenticationDenied(AuthenticationDenied.Reason.INVALID_CREDENTIALS);
        }
        return List.of("otp");
    }
}
