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
 * {@code latchkey import} reads whatever file the operator names. Property: any bytes give either the contents of
 * the dump or {@link InvalidInput} {@code invalid_dump}; nothing else is thrown. The users returned have normalised,
 * distinct usernames, a hash of at most 512 characters and a join date, and the last progress report counts at least
 * them (it counts records, groups and tokens too); every group name is normalised and distinct, every membership
 * names a group of the dump and a user of it, and every token belongs to a user of the dump.
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
        dev.latchkey.user.DjangoImport dump;
        try {
            dump = DUMP.readAll(new ByteArrayInputStream(data), reported::set);
        } catch (InvalidInput e) {
            assertThat(e.code()).isEqualTo("invalid_dump");
            return;
        }
        List<ImportedUser> users = dump.users();
        assertThat(reported.get()).isGreaterThanOrEqualTo(users.size());
        var names = new HashSet<String>();
        for (var user : users) {
            assertThat(Usernames.normalize(user.username())).isEqualTo(user.username());
            assertThat(names.add(user.username())).as("usernames are distinct").isTrue();
            assertThat(user.passwordHash().length()).isLessThanOrEqualTo(512);
            assertThat(user.dateJoined()).isNotNull();
        }
        var groups = new HashSet<String>();
        for (var group : dump.groups()) {
            assertThat(dev.latchkey.user.GroupNames.normalize(group)).isEqualTo(group);
            assertThat(groups.add(group)).as("group names are distinct").isTrue();
        }
        dump.memberships().values().forEach(member -> assertThat(groups).containsAll(member));
        assertThat(names).containsAll(dump.memberships().keySet());
        for (var token : dump.tokens()) {
            assertThat(names).contains(token.username());
            assertThat(token.keyHash()).hasSize(64);
        }
    }
}
