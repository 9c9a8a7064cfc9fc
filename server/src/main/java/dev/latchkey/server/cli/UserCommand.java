package dev.latchkey.server.cli;

import dev.latchkey.error.Conflict;
import dev.latchkey.error.NotFound;
import dev.latchkey.token.ApiTokens;
import dev.latchkey.user.NewUser;
import dev.latchkey.user.User;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code latchkey user ...}: Django's createsuperuser and changepassword, and a little more. */
@Command(
        name = "user",
        description = "Create, list, activate and deactivate users; set passwords.",
        subcommands = {
            UserCommand.Create.class,
            UserCommand.SetPassword.class,
            UserCommand.ListUsers.class,
            UserCommand.Deactivate.class,
            UserCommand.Activate.class,
            UserCommand.Invite.class,
            UserCommand.Mfa.class
        })
public final class UserCommand {

    @Command(name = "create", description = "Create a user. The password is asked for, or read from stdin.")
    static final class Create implements Callable<Integer> {
        private final Terminal terminal;

        @Mixin
        CommonOptions common;

        @Parameters(paramLabel = "NAME", description = "Username (letters, digits and @.+-_; 150 at most).")
        String name;

        @Option(names = "--email", paramLabel = "E")
        String email;

        @Option(
                names = "--email-verified",
                description = "The email is known to be theirs: a provider's identity "
                        + "with the same verified email may then join this account (never a staff account).")
        boolean emailVerified;

        @Option(names = "--staff", description = "May use staff-only endpoints.")
        boolean staff;

        @Option(names = "--superuser", description = "All permissions (implies --staff).")
        boolean superuser;

        @Option(names = "--password-stdin", description = "Read the password from standard input.")
        boolean passwordStdin;

        @Option(
                names = "--group",
                paramLabel = "G",
                description = "Put the user in this group (repeatable); each must exist already.")
        List<String> groups = List.of();

        Create(Terminal terminal) {
            this.terminal = terminal;
        }

        @Override
        public Integer call() {
            var newUser = new NewUser(name, email, staff || superuser, superuser);
            var settings = common.settings(terminal, Map.of());
            try (var latchkey = Engine.open(settings, terminal.env())) {
                if (latchkey.users().find(newUser.username()).isPresent()) {
                    throw new Conflict("username_taken", "a user named " + newUser.username() + " exists already");
                }
                // Every group is checked before the user exists: a misspelt one refuses the whole command.
                for (var group : groups) {
                    GroupCommand.requireGroup(latchkey, group);
                }
                var password = terminal.newPassword(passwordStdin);
                var user = latchkey.users().create(newUser, Optional.of(password));
                if (emailVerified && !user.email().isEmpty()) {
                    user = latchkey.users().setEmailVerified(user.username(), true);
                }
                if (!groups.isEmpty()) {
                    latchkey.groups().set(user, groups);
                }
                terminal.out().println("created user " + user.username() + " (id " + user.id() + ")");
            }
            return 0;
        }
    }

    @Command(
            name = "set-password",
            description = "Set a user's password; ends that user's sessions, JWT token families and the API tokens "
                    + "they made themselves.")
    static final class SetPassword implements Callable<Integer> {
        private final Terminal terminal;

        @Mixin
        CommonOptions common;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--password-stdin", description = "Read the password from standard input.")
        boolean passwordStdin;

        SetPassword(Terminal terminal) {
            this.terminal = terminal;
        }

        @Override
        public Integer call() {
            var settings = common.settings(terminal, Map.of());
            try (var latchkey = Engine.open(settings, terminal.env())) {
                var user = latchkey.users()
                        .find(name)
                        .orElseThrow(() -> new NotFound("no_such_user", "no user is named " + name));
                var password = terminal.newPassword(passwordStdin);
                int sessions = latchkey.sessions().forUser(user.id()).size();
                long tokens = latchkey.apiTokens().forUser(user.id()).stream()
                        .filter(t -> t.createdBy() == ApiTokens.Origin.USER)
                        .count();
                latchkey.users().setPassword(user.username(), password);
                terminal.out()
                        .println("password set for " + user.username() + "; ended " + sessions + " session"
                                + (sessions == 1 ? "" : "s") + ", revoked " + tokens + " API token"
                                + (tokens == 1 ? "" : "s")
                                + " they made themselves and every JWT token family; tokens made with `token create` "
                                + "still work");
            }
            return 0;
        }
    }

    @Command(name = "list", description = "List users.")
    static final class ListUsers implements Callable<Integer> {
        private static final int PAGE = 500;
        private final Terminal terminal;

        @Mixin
        CommonOptions common;

        ListUsers(Terminal terminal) {
            this.terminal = terminal;
        }

        @Override
        public Integer call() {
            var settings = common.settings(terminal, Map.of());
            try (var latchkey = Engine.open(settings, terminal.env())) {
                var out = terminal.out();
                out.printf(
                        "%-8s %-30s %-30s %-24s %-6s %-5s %-9s %-24s %s%n",
                        "ID",
                        "USERNAME",
                        "EMAIL",
                        "EMAIL VERIFIED",
                        "ACTIVE",
                        "STAFF",
                        "SUPERUSER",
                        "JOINED",
                        "LAST LOGIN");
                long after = 0;
                while (true) {
                    var page = latchkey.users().list(after, PAGE);
                    page.forEach(u -> out.println(row(u)));
                    if (page.size() < PAGE) {
                        break;
                    }
                    after = page.get(page.size() - 1).id();
                }
            }
            return 0;
        }

        private static String row(User u) {
            var time = DateTimeFormatter.ISO_INSTANT;
            return String.format(
                    "%-8d %-30s %-30s %-24s %-6s %-5s %-9s %-24s %s",
                    u.id(),
                    u.username(),
                    u.email(),
                    u.email().isEmpty()
                            ? "-"
                            : u.emailVerifiedAt() != null
                                    ? time.format(u.emailVerifiedAt())
                                    : u.emailVerified() ? "yes" : "no",
                    yesNo(u.active()),
                    yesNo(u.staff()),
                    yesNo(u.superuser()),
                    time.format(u.dateJoined()),
                    u.lastLoginTime().map(time::format).orElse("never"));
        }

        private static String yesNo(boolean value) {
            return value ? "yes" : "no";
        }
    }

    @Command(
            name = "invite",
            description =
                    "Mail an invitation to make an account (accounts.signup = invite or open); the server sends it.")
    static final class Invite implements Callable<Integer> {
        private final Terminal terminal;

        @Mixin
        CommonOptions common;

        @Parameters(paramLabel = "EMAIL")
        String email;

        @Option(names = "--staff", description = "the account will be staff")
        boolean staff;

        Invite(Terminal terminal) {
            this.terminal = terminal;
        }

        @Override
        public Integer call() {
            var settings = common.settings(terminal, Map.of());
            try (var latchkey = Engine.open(settings, terminal.env())) {
                latchkey.accounts()
                        .signUps()
                        .invite(
                                email,
                                staff,
                                null,
                                new dev.latchkey.request.RequestContext("", "latchkey user invite"),
                                dev.latchkey.request.Language.EN);
                terminal.out()
                        .println("invited " + email + (staff ? " (staff)" : "")
                                + "; the server mails the link (it waits in the outbox until then)");
            }
            return 0;
        }
    }

    @Command(name = "deactivate", description = "Refuse all sign-ins of a user and end their sessions.")
    static final class Deactivate extends ActiveSwitch {
        Deactivate(Terminal terminal) {
            super(terminal, false);
        }
    }

    @Command(name = "activate", description = "Allow a deactivated user to sign in again.")
    static final class Activate extends ActiveSwitch {
        Activate(Terminal terminal) {
            super(terminal, true);
        }
    }

    /** {@code activate} and {@code deactivate}: one switch, two directions. */
    abstract static class ActiveSwitch implements Callable<Integer> {
        private final Terminal terminal;
        private final boolean active;

        @Mixin
        CommonOptions common;

        @Parameters(paramLabel = "NAME")
        String name;

        ActiveSwitch(Terminal terminal, boolean active) {
            this.terminal = terminal;
            this.active = active;
        }

        @Override
        public Integer call() {
            try (var latchkey = Engine.open(common.settings(terminal, Map.of()), terminal.env())) {
                var user = active
                        ? latchkey.users().activate(name)
                        : latchkey.users().deactivate(name);
                terminal.out()
                        .println(
                                active
                                        ? "activated " + user.username()
                                        : "deactivated " + user.username() + "; their sessions were ended");
            }
            return 0;
        }
    }

    @Command(
            name = "mfa",
            description = "A user's second factors.",
            subcommands = {UserCommand.MfaReset.class})
    static final class Mfa {}

    @Command(
            name = "reset",
            description = "Remove every second factor of a user (a lost phone and lost recovery codes); audited.")
    static final class MfaReset implements Callable<Integer> {
        private final Terminal terminal;

        @Mixin
        CommonOptions common;

        @Parameters(paramLabel = "NAME")
        String name;

        MfaReset(Terminal terminal) {
            this.terminal = terminal;
        }

        @Override
        public Integer call() {
            try (var latchkey = Engine.open(common.settings(terminal, Map.of()), terminal.env())) {
                var user = latchkey.users()
                        .find(name)
                        .orElseThrow(() -> new dev.latchkey.error.NotFound("no_such_user", "there is no user " + name));
                var removed = latchkey.totp().remove(user.id());
                latchkey.recoveryCodes().removeAll(user.id());
                latchkey.twoStep()
                        .changed("mfa_disabled", user, "all", new dev.latchkey.request.RequestContext("", "cli"));
                terminal.out()
                        .println(
                                removed
                                        ? "removed the second factors of " + user.username()
                                        : user.username() + " had no authenticator app; recovery codes removed");
            }
            return 0;
        }
    }
}
