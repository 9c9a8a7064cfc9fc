package dev.latchkey.jwt;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Where signing keys live. */
public interface SigningKeyStore {
    void insert(SigningKey key);

    /** Every key, newest first. */
    List<SigningKey> findAll();

    /** Marks every key but {@code kid} that is not yet retired as retired at {@code at}. */
    void retireAllBut(String kid, Instant at);

    /** Deletes keys retired more than {@code retiredFor} before {@code now}; answers how many. */
    int deleteExpired(Instant now, Duration retiredFor);
}
