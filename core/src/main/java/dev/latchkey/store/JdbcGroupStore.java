package dev.latchkey.store;

import dev.latchkey.error.Conflict;
import dev.latchkey.error.StoreFailure;
import dev.latchkey.user.Group;
import dev.latchkey.user.GroupStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;

/** {@link GroupStore} on SQLite or PostgreSQL; the same SQL serves both. */
public final class JdbcGroupStore implements GroupStore {
    private static final String WITH_COUNT = "SELECT g.id, g.name, g.created_at,"
            + " (SELECT COUNT(*) FROM user_group_members m WHERE m.group_id = g.id) AS members FROM user_groups g";
    private static final String FIND_ALL = WITH_COUNT;
    private static final String FIND_BY_NAME = WITH_COUNT + " WHERE g.name = ?";
    private static final String INSERT = "INSERT INTO user_groups (name, created_at) VALUES (?, ?)";
    private static final String DELETE = "DELETE FROM user_groups WHERE id = ?";
    private static final String DELETE_MEMBERS_OF_GROUP = "DELETE FROM user_group_members WHERE group_id = ?";
    private static final String NAMES_FOR =
            "SELECT g.name FROM user_groups g JOIN user_group_members m" + " ON m.group_id = g.id WHERE m.user_id = ?";
    private static final String MEMBERS = "SELECT user_id FROM user_group_members WHERE group_id = ? ORDER BY user_id";
    private static final String GROUPS_OF = "SELECT group_id FROM user_group_members WHERE user_id = ?";
    private static final String DELETE_MEMBERSHIPS = "DELETE FROM user_group_members WHERE user_id = ?";
    private static final String INSERT_MEMBERSHIP = "INSERT INTO user_group_members (user_id, group_id) VALUES (?, ?)";

    private final Sql sql;

    public JdbcGroupStore(Database database) {
        this.sql = database.sql();
    }

    @Override
    public List<Group> findAll() {
        // Sorted here, not by ORDER BY: PostgreSQL's collation and SQLite's bytes would sort names differently.
        return sql.list(FIND_ALL, s -> {}, JdbcGroupStore::group).stream()
                .sorted(Comparator.comparing(Group::name))
                .toList();
    }

    @Override
    public Optional<Group> findByName(String name) {
        return sql.one(FIND_BY_NAME, s -> s.setString(1, name), JdbcGroupStore::group);
    }

    @Override
    public Group insert(String name, Instant created) {
        if (findByName(name).isPresent()) {
            throw taken(name);
        }
        try {
            sql.update(INSERT, s -> {
                s.setString(1, name);
                s.setLong(2, created.toEpochMilli());
            });
        } catch (StoreFailure e) {
            // Two creations raced past the check above; the unique index decided.
            if (findByName(name).isPresent()) {
                throw taken(name);
            }
            throw e;
        }
        return findByName(name).orElseThrow();
    }

    @Override
    public boolean delete(long id) {
        return sql.inTransaction(c -> {
            // Explicitly, not only by ON DELETE CASCADE: SQLite enforces it only with foreign keys on.
            Sql.update(c, DELETE_MEMBERS_OF_GROUP, s -> s.setLong(1, id));
            return Sql.update(c, DELETE, s -> s.setLong(1, id)) > 0;
        });
    }

    @Override
    public List<String> namesFor(long userId) {
        return sql.list(NAMES_FOR, s -> s.setLong(1, userId), r -> r.getString(1)).stream()
                .sorted()
                .toList();
    }

    @Override
    public List<Long> members(long groupId) {
        return sql.list(MEMBERS, s -> s.setLong(1, groupId), r -> r.getLong(1));
    }

    @Override
    public boolean replaceMemberships(long userId, List<Long> groupIds) {
        return sql.inTransaction(c -> {
            var before = new HashSet<>(Sql.list(c, GROUPS_OF, s -> s.setLong(1, userId), r -> r.getLong(1)));
            var after = new HashSet<>(groupIds);
            if (before.equals(after)) {
                return false;
            }
            Sql.update(c, DELETE_MEMBERSHIPS, s -> s.setLong(1, userId));
            for (var groupId : after) {
                Sql.update(c, INSERT_MEMBERSHIP, s -> {
                    s.setLong(1, userId);
                    s.setLong(2, groupId);
                });
            }
            return true;
        });
    }

    private static Group group(ResultSet r) throws SQLException {
        return new Group(
                r.getLong("id"),
                r.getString("name"),
                Instant.ofEpochMilli(r.getLong("created_at")),
                r.getInt("members"));
    }

    private static Conflict taken(String name) {
        return new Conflict("group_exists", "a group named " + name + " exists already");
    }
}
