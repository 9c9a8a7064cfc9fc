package dev.latchkey.user;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.latchkey.audit.AuditEvent;
import dev.latchkey.audit.AuditStore;
import dev.latchkey.error.NotFound;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * Named groups and who belongs to them. A user's group names are cached as briefly as users and sessions
 * ({@code session.cache_ttl}): a change made here is seen by the next request and the next access token at once, one
 * made by another process (the command line, another node) within that time.
 */
public final class Groups {
    private final GroupStore store;
    private final UserStore users;
    private final AuditStore audit;
    private final Clock clock;
    private final Cache<Long, List<String>> cache;

    public Groups(GroupStore store, UserStore users, AuditStore audit, Clock clock, Duration cacheTtl) {
        this.store = store;
        this.users = users;
        this.audit = audit;
        this.clock = clock;
        this.cache = Caffeine.newBuilder()
                .maximumSize(100_000)
                .expireAfterWrite(cacheTtl)
                .build();
    }

    /** The names of the user's groups, sorted; empty for a user in none (or no such user). */
    public List<String> of(long userId) {
        return cache.get(userId, store::namesFor);
    }

    public List<Group> list() {
        return store.findAll();
    }

    public Optional<Group> find(String name) {
        return store.findByName(GroupNames.normalize(name));
    }

    /** A new group; {@code invalid_group} for a bad name, {@code group_exists} (409) when it is taken. */
    public Group create(String name) {
        var group = store.insert(GroupNames.normalize(name), clock.instant());
        record("group_created", null);
        return group;
    }

    /** Deletes the group; its members leave it at once. */
    public void delete(String name) {
        delete(require(name));
    }

    /** Deletes the group; its members leave it at once. */
    public void delete(Group group) {
        var members = store.members(group.id());
        store.delete(group.id());
        members.forEach(cache::invalidate);
        record("group_deleted", null);
    }

    /** The members of the group, as users, by id. */
    public List<User> members(String name) {
        var out = new ArrayList<User>();
        for (var id : store.members(require(name).id())) {
            users.findById(id).ifPresent(out::add);
        }
        return out;
    }

    /** Adds the user to the groups (which must exist); answers the user's groups after. */
    public List<String> add(User user, Collection<String> names) {
        var wanted = new LinkedHashSet<>(of(user.id()));
        for (var name : names) {
            wanted.add(require(name).name());
        }
        return set(user, wanted);
    }

    /** Takes the user out of the groups (which must exist); answers the user's groups after. */
    public List<String> remove(User user, Collection<String> names) {
        var wanted = new LinkedHashSet<>(of(user.id()));
        for (var name : names) {
            wanted.remove(require(name).name());
        }
        return set(user, wanted);
    }

    /**
     * Makes the user's groups exactly {@code names} (each must exist: {@code no_such_group}, 404, and nothing
     * changes); answers them, sorted.
     */
    public List<String> set(User user, Collection<String> names) {
        var ids = new ArrayList<Long>();
        for (var name : new LinkedHashSet<>(names)) {
            ids.add(require(name).id());
        }
        var changed = store.replaceMemberships(user.id(), ids);
        cache.invalidate(user.id());
        var now = store.namesFor(user.id());
        if (changed) {
            record("groups_changed", user);
        }
        return now;
    }

    /** Forgets every cached membership: after an import wrote them behind this cache's back. */
    public void forgetAll() {
        cache.invalidateAll();
    }

    private Group require(String name) {
        var normalized = GroupNames.normalize(name);
        return store.findByName(normalized)
                .orElseThrow(() -> new NotFound("no_such_group", "no group is named " + normalized));
    }

    /** Audit lines name the user, never the groups: a reason is a fixed word, and group names are free text. */
    private void record(String kind, User user) {
        audit.append(new AuditEvent(
                clock.instant(),
                kind,
                user == null ? null : user.id(),
                user == null ? "" : user.username(),
                "success",
                "",
                "",
                ""));
    }
}
