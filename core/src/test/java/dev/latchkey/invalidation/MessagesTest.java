package dev.latchkey.invalidation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessagesTest {
    @Test
    void whatIsEncodedDecodesToTheSameWithItsOrigin() {
        var changes = List.of(
                new Invalidation.SessionsEnded(List.of("0".repeat(64), "f".repeat(64))),
                new Invalidation.UserChanged(1),
                new Invalidation.ApiTokenRevoked(Long.MAX_VALUE),
                new Invalidation.FamilyRevoked("abc_DEF-1", Instant.ofEpochMilli(5)),
                new Invalidation.KeysRotated());
        for (var change : changes) {
            var messages = Messages.encode("node1", change);
            assertThat(messages).hasSize(1);
            assertThat(Messages.decode(messages.get(0))).contains(new Messages.Received("node1", change));
        }
    }

    @Test
    void anythingElseOnTheChannelDecodesToNothing() {
        for (var hostile : List.of(
                "",
                "lk1",
                "lk1 node",
                "lk2 node k",
                "lk1 no de k",
                "lk1 node k extra",
                "lk1 node s " + "g".repeat(64),
                "lk1 node s " + "0".repeat(63),
                "lk1 node s ",
                "lk1 node u 12x",
                "lk1 node u",
                "lk1 node t 99999999999999999999",
                "lk1 node f fam",
                "lk1 node f fa/m 1",
                "lk1 node x 1",
                "lk1 node\u0000 k",
                "x".repeat(9_000))) {
            assertThat(Messages.decode(hostile)).as(hostile).isEmpty();
        }
        assertThat(Messages.decode(null)).isEmpty();
    }
}
