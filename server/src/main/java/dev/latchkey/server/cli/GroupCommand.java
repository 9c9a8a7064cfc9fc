package dev.latchkey.server.cli;

import dev.latchkey.Latchkey;
import dev.latchkey.error.NotFound;
import dev.latchkey.user.User;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code latchkey group ...}: named groups of users, as Django's admin keeps them. A change reaches a running server
 * within {@code session.cache_ttl} (a second by default): the next request and the next access token see it.
 */
@Command(
        name = "group",
        description = "Create, list and delete groups; add users to them and take them out.",
        subcommands = {
            GroupCommand.Create.class,
            GroupCommand.Delete.class,
            GroupCommand.ListGroups.class,
            GroupCommand.Members.class,
            GroupCommand.Add.class,
            GroupCommand.Remove.class
        })
public final class GroupCommand {

    @Command(name = "create", description = "Create a group (1-150 characters; no control characters).")
    static final class Create implements Callable<Integer> {
        private final Terminal terminal;

        @Mixin
        CommonOptions common;

        @Parameters(paramLabel = "NAME")
        String name;

        Create(Terminal terminal) {
            this.terminal = terminal;
        }

        @Override
        public Integer call() {
            try (var latchkey = Engine.open(common.settings(terminal, Map.of()), terminal.env())) {
                var group = latchkey.groups().create(name);
                terminal.out().println("created group " + group.name() + " (id " + group.id() + ")");
            }
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete a group; its members leave it.")
    static final class Delete implements Callable<Integer> {
        private final Terminal terminal;

        @Mixin
        CommonOptions common;

        @Parameters(paramLabel = "NAME")
        String name;

        Delete(Terminal terminal) {
            this.terminal = terminal;
        }

        @Override
        public Integer call() {
            try (var latchkey = Engine.open(common.settings(terminal, Map.of()), terminal.env())) {
                latchkey.groups().delete(name);
                terminal.out().println("deleted group " + name);
            }
            return 0;
        }
    }

    @Command(name = "list", description = "List groups with their member counts.")
    static final class ListGroups implements Callable<Integer> {
        private final Terminal terminal;

        @Mixin
        CommonOptions common;

        ListGroups(Terminal terminal) {
            this.terminal = terminal;
        }

        @Override
        public Integer call() {
            try (var latchkey = Engine.open(common.settings(terminal, Map.of()), terminal.env())) {
                terminal.out().printf("%-8s %-8s %s%n", "ID", "MEMBERS", "NAME");
                for (var group : latchkey.groups().list()) {
                    terminal.out().printf("%-8d %-8d %s%n", group.id(), group.members(), group.name());
                }
            }
            return 0;
        }
    }

    @Command(name = "members", description = "List the members of a group.")
    static final class Members implements Callable<Integer> {
        private final Terminal terminal;

        @Mixin
        CommonOptions common;

        @Parameters(paramLabel = "NAME")
        String name;

        Members(Terminal terminal) {
            this.terminal = terminal;
        }

        @Override
        public Integer call() {
            try (var latchkey = Engine.open(common.settings(terminal, Map.of()), terminal.env())) {
                for (var user : latchkey.groups().members(name)) {
                    terminal.out().println(user.username());
                }
            }
            return 0;
        }
    }

    @Command(name = "add", description = "Add users to a group.")
    static final class Add implements Callable<Integer> {
        private final Terminal terminal;

        @Mixin
        CommonOptions common;

        @Parameters(index = "0", paramLabel = "GROUP")
        String group;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "USER")
        List<String> users;

        Add(Terminal terminal) {
            this.terminal = terminal;
        }

        @Override
        public Integer call() {
            try (var latchkey = Engine.open(common.settings(terminal, Map.of()), terminal.env())) {
                var found = users(latchkey, users);
                requireGroup(latchkey, group);
                for (var user : found) {
                    latchkey.groups().add(user, List.of(group));
                }
                terminal.out().println("added " + found.size() + " to " + group);
            }
            return 0;
        }
    }

    @Command(name = "remove", description = "Take users out of a group.")
    static final class Remove implements Callable<Integer> {
        private final Terminal terminal;

        @Mixin
        CommonOptions common;

        @Parameters(index = "0", paramLabel = "GROUP")
        String group;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "USER")
        List<String> users;

        Remove(Terminal terminal) {
            this.terminal = terminal;
        }

        @Override
        public Integer call() {
            try (var latchkey = Engine.open(common.settings(terminal, Map.of()), terminal.env())) {
                var found = users(latchkey, users);
                requireGroup(latchkey, group);
                for (var user : found) {
                    latchkey.groups().remove(user, List.of(group));
                }
                terminal.out().println("removed " + found.size() + " from " + group);
            }
            return 0;
        }
    }

    /** Every named user, or the first unknown one refused before anything changes. */
    static List<User> users(Latchkey latchkey, List<String> names) {
        return names.stream()
                .map(n -> latchkey.users()
                        .find(n)
                        .orElseThrow(() -> new NotFound("no_such_user", "no user is named " + n)))
                .toList();
    }

    /** Refuses a group that does not exist, saying how to make it. */
    static void requireGroup(Latchkey latchkey, String name) {
        if (latchkey.groups().find(name).isEmpty()) {
            throw new NotFound(
                    "no_such_group", "no group is named " + name + "; create it with: latchkey group create NAME");
        }
    }
}
