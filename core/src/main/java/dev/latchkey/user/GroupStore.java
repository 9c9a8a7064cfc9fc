package dev.latchkey.user;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where groups and their members live. Names are unique; every method is one short transaction. */
public interface GroupStore {

    /** Every group, sorted by name (by UTF-16 code units, the same on every database), with its member count. */
    List<Group> findAll();

    Optional<Group> findByName(String name);

    /** Inserts and answers the group; {@link dev.latchkey.error.Conflict} when the name is taken. */
    Group insert(String name, Instant created);

    /** True when a group had that id; its memberships go with it. */
    boolean delete(long id);

    /** The names of the user's groups, sorted as {@link #findAll} sorts them. */
    List<String> namesFor(long userId);

    /** The ids of the group's members, ascending. */
    List<Long> members(long groupId);

    /**
     * Makes the user's groups exactly {@code groupIds}, in one transaction; answers whether anything changed.
     */
    boolean replaceMemberships(long userId, List<Long> groupIds);
}
