package dev.latchkey.mfa;

import java.time.Instant;
import java.util.Optional;

/** Each user's TOTP secret, sealed, with the last time step that proved a sign-in (a code works once). */
public interface TotpStore {

    /**
     * One user's secret as stored.
     *
     * @param confirmed null while pending (shown to the user, not yet proven with a code)
     * @param lastStep  the last time step used, so that no code of it or before it works again
     */
    record StoredTotp(
            long userId, String sealedSecret, Instant created, Instant confirmed, long lastStep, Instant lastUsed) {}

    Optional<StoredTotp> findByUser(long userId);

    /** Saves a pending secret, replacing a pending one; false (nothing changed) when one is enabled already. */
    boolean insertPending(long userId, String sealedSecret, Instant now);

    /** Enables the pending secret, step {@code step} counted as used; false when none is pending. */
    boolean confirm(long userId, long step, Instant now);

    /** Uses {@code step} of the enabled secret, atomically: false when it or a later step was used already. */
    boolean useStep(long userId, long step, Instant now);

    /** Removes the secret, pending or enabled; false when there was none. */
    boolean delete(long userId);
}
