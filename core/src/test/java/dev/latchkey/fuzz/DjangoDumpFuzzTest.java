package dev.latchkey.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.error.InvalidInput;
import dev.latchkey.user.DjangoDump;
import dev.latchkey.user.ImportedUser;
import dev.latchkey.user.Usernames;
import java.io.ByteArrayInputStream;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code latchkey import} reads whatever file the operator names. Property: any bytes give either the users of the
 * dump or {@link InvalidInput} {@code invalid_dump}; nothing else is thrown. The users returned have normalised,
 * distinct usernames, a hash of at most 512 characters and a join date, and the last progress report counts them.
 *
 * <p>Input: the file's bytes.
 */
class DjangoDumpFuzzTest {
    private static final int MAX_INPUT = 64 * 1024;
    private static final DjangoDump DUMP = new DjangoDump(
            new ObjectMapper(),
            dev.latchkey.password.PasswordHashing.standard(
                    dev.latchkey.password.Argon2Settings.OWASP, dev.latchkey.crypto.Secrets.create()));

    @FuzzTest
    void anyFileIsReadWholeOrRefusedWithAReason(byte[] data) {
        if (data.length > MAX_INPUT) {
            return;
        }
        var reported = new AtomicInteger(-1);
        List<ImportedUser> users;
        try {
            users = DUMP.read(new ByteArrayInputStream(data), reported::set);
        } catch (InvalidInput e) {
            assertThat(e.code()).isEqualTo("invalid_dump");
            return;
        }
        assertThat(reported.get()).isEqualTo(users.size());
        var names = new HashSet<String>();
        for (var user : users) {
            assertThat(Usernames.normalize(user.username())).isEqualTo(user.username());
            assertThat(names.add(user.username())).as("usernames are distinct").isTrue();
            assertThat(user.passwordHash().length()).isLessThanOrEqualTo(512);
            assertThat(user.dateJoined()).isNotNull();
        }
    }
}
