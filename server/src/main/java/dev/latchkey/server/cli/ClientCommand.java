package dev.latchkey.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.error.InvalidInput;
import dev.latchkey.provider.Client;
import dev.latchkey.provider.Clients;
import dev.latchkey.provider.IssuedClient;
import dev.latchkey.provider.NewClient;
import dev.latchkey.request.RequestContext;
import dev.latchkey.server.web.api.ClientApi;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code latchkey client ...}: the apps that sign their users in through latchkey (OpenID Connect relying parties).
 * A client's secret is printed once, when it is made or rotated; only its hash is kept.
 */
@Command(
        name = "client",
        description = "Register, list, show and delete OpenID Connect clients; rotate their secrets.",
        subcommands = {
            ClientCommand.Create.class,
            ClientCommand.ListClients.class,
            ClientCommand.Show.class,
            ClientCommand.RotateSecret.class,
            ClientCommand.Delete.class
        })
public final class ClientCommand {

    @Command(name = "create", description = "Register a client and print its id and, once, its secret.")
    static final class Create implements Callable<Integer> {
        private final Terminal terminal;

        @Mixin
        CommonOptions common;

        @Parameters(paramLabel = "NAME", description = "What users see on the consent page (1-150 characters).")
        String name;

        @Option(
                names = "--redirect-uri",
                paramLabel = "URI",
                description = "Where authorization answers may go, matched exactly (repeatable).")
        List<String> redirectUris = new ArrayList<>();

        @Option(
                names = "--post-logout-redirect-uri",
                paramLabel = "URI",
                description = "Where RP-initiated logout may send the browser (repeatable).")
        List<String> postLogoutRedirectUris = new ArrayList<>();

        @Option(names = "--public", description = "A public client (SPA, native app): no secret, PKCE alone.")
        boolean publicClient;

        @Option(names = "--first-party", description = "latchkey's own app: its users see no consent page.")
        boolean firstParty;

        @Option(
                names = "--backchannel-logout-uri",
                paramLabel = "URI",
                description = "Where logout tokens are posted when a session it holds ends.")
        String backchannelLogoutUri;

        @Option(
                names = "--grant",
                paramLabel = "GRANT",
                description = "A grant type: authorization_code (the default, with refresh_token) or"
                        + " client_credentials (repeatable).")
        List<String> grants = new ArrayList<>();

        @Option(
                names = "--auth-method",
                paramLabel = "METHOD",
                description = "client_secret_basic (default), client_secret_post, private_key_jwt or none (public).")
        String authMethod;

        @Option(
                names = "--jwks",
                paramLabel = "FILE",
                description = "A JWK set file of the public keys of a private_key_jwt client.")
        Path jwks;

        @Option(
                names = "--jwks-uri",
                paramLabel = "URI",
                description = "Where the keys of a private_key_jwt client are fetched.")
        String jwksUri;

        @Option(names = "--json", description = "Print {\"client_id\", \"client_secret\"} as JSON.")
        boolean json;

        Create(Terminal terminal) {
            this.terminal = terminal;
        }

        @Override
        public Integer call() {
            var keys = jwks == null ? null : readJwks(jwks);
            var method = authMethod != null
                    ? authMethod(authMethod)
                    : keys != null || jwksUri != null ? Client.AuthMethod.PRIVATE_KEY_JWT : null;
            var request = new NewClient(
                    name,
                    redirectUris,
                    postLogoutRedirectUris,
                    publicClient,
                    firstParty,
                    backchannelLogoutUri,
                    Set.copyOf(grants),
                    method,
                    keys,
                    jwksUri);
            try (var latchkey = Engine.open(common.settings(terminal, Map.of()), terminal.env())) {
                var issued = latchkey.clients().create(request, context("create"));
                printIssued(
                        terminal,
                        latchkey.json(),
                        issued,
                        json,
                        "registered client " + issued.client().name());
            }
            return 0;
        }
    }

    @Command(name = "list", description = "List the registered clients.")
    static final class ListClients implements Callable<Integer> {
        private final Terminal terminal;

        @Mixin
        CommonOptions common;

        @Option(names = "--json", description = "Print a JSON array of the clients.")
        boolean json;

        ListClients(Terminal terminal) {
            this.terminal = terminal;
        }

        @Override
        public Integer call() {
            try (var latchkey = Engine.open(common.settings(terminal, Map.of()), terminal.env())) {
                var clients = latchkey.clients().list();
                if (json) {
                    terminal.out()
                            .println(write(
                                    latchkey.json(),
                                    clients.stream().map(ClientApi::view).toList()));
                    return 0;
                }
                terminal.out().printf("%-30s %-20s %-11s %s%n", "ID", "AUTH", "FIRST-PARTY", "NAME");
                for (var client : clients) {
                    terminal.out()
                            .printf(
                                    "%-30s %-20s %-11s %s%n",
                                    client.id(),
                                    client.authMethod().wireName(),
                                    client.firstParty() ? "yes" : "no",
                                    client.name());
                }
            }
            return 0;
        }
    }

    @Command(name = "show", description = "Show one client (never its secret).")
    static final class Show implements Callable<Integer> {
        private final Terminal terminal;

        @Mixin
        CommonOptions common;

        @Parameters(paramLabel = "ID")
        String id;

        @Option(names = "--json", description = "Print the client as JSON.")
        boolean json;

        Show(Terminal terminal) {
            this.terminal = terminal;
        }

        @Override
        public Integer call() {
            try (var latchkey = Engine.open(common.settings(terminal, Map.of()), terminal.env())) {
                var client = latchkey.clients().require(id);
                if (json) {
                    terminal.out().println(write(latchkey.json(), ClientApi.view(client)));
                    return 0;
                }
                var out = terminal.out();
                out.println("client_id:                 " + client.id());
                out.println("name:                      " + client.name());
                out.println("auth method:               " + client.authMethod().wireName()
                        + (client.isPublic() ? " (public client)" : ""));
                out.println("first party:               " + (client.firstParty() ? "yes" : "no"));
                out.println("grant types:               "
                        + String.join(" ", client.grantTypes().stream().sorted().toList()));
                out.println("redirect URIs:             " + orNone(client.redirectUris()));
                out.println("post-logout redirect URIs: " + orNone(client.postLogoutRedirectUris()));
                out.println("back-channel logout URI:   " + orNone(client.backchannelLogoutUri()));
                if (client.authMethod() == Client.AuthMethod.PRIVATE_KEY_JWT) {
                    out.println("keys:                      "
                            + (client.jwksUri() != null ? client.jwksUri() : "registered JWK set"));
                }
                out.println("created:                   " + client.created());
            }
            return 0;
        }
    }

    @Command(name = "rotate-secret", description = "Give a client a new secret; the old one stops working at once.")
    static final class RotateSecret implements Callable<Integer> {
        private final Terminal terminal;

        @Mixin
        CommonOptions common;

        @Parameters(paramLabel = "ID")
        String id;

        @Option(names = "--json", description = "Print {\"client_id\", \"client_secret\"} as JSON.")
        boolean json;

        RotateSecret(Terminal terminal) {
            this.terminal = terminal;
        }

        @Override
        public Integer call() {
            try (var latchkey = Engine.open(common.settings(terminal, Map.of()), terminal.env())) {
                var issued = latchkey.clients().rotateSecret(id, context("rotate-secret"));
                printIssued(
                        terminal,
                        latchkey.json(),
                        issued,
                        json,
                        "new secret for client " + issued.client().name());
            }
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete a client with its consents and every token issued to it.")
    static final class Delete implements Callable<Integer> {
        private final Terminal terminal;

        @Mixin
        CommonOptions common;

        @Parameters(paramLabel = "ID")
        String id;

        Delete(Terminal terminal) {
            this.terminal = terminal;
        }

        @Override
        public Integer call() {
            try (var latchkey = Engine.open(common.settings(terminal, Map.of()), terminal.env())) {
                latchkey.clients().delete(id, context("delete"));
                terminal.out().println("deleted client " + id);
            }
            return 0;
        }
    }

    /** The audit trail's note of where a change came from: this command, as a request's user agent would. */
    private static RequestContext context(String subcommand) {
        return new RequestContext("", "latchkey client " + subcommand);
    }

    /** The id and, for a confidential client, the secret: as JSON of exactly that shape, or for a person. */
    private static void printIssued(
            Terminal terminal, ObjectMapper mapper, IssuedClient issued, boolean json, String headline) {
        if (json) {
            var shape = new LinkedHashMap<String, Object>();
            shape.put("client_id", issued.client().id());
            if (issued.secret() != null) {
                shape.put("client_secret", issued.secret());
            }
            terminal.out().println(write(mapper, shape));
            return;
        }
        var out = terminal.out();
        out.println(headline);
        out.println("client_id:     " + issued.client().id());
        if (issued.secret() == null) {
            out.println("no secret: a public client proves itself with PKCE alone");
            return;
        }
        out.println("client_secret: " + issued.secret());
        out.println("The secret is shown only this once; latchkey keeps only its hash. Store it now.");
    }

    private static Client.AuthMethod authMethod(String wireName) {
        try {
            return Client.AuthMethod.of(wireName);
        } catch (IllegalArgumentException e) {
            throw new InvalidInput(
                    "invalid_client_metadata",
                    "--auth-method is one of client_secret_basic, client_secret_post, private_key_jwt, none");
        }
    }

    /** The file's text, refused before it is read when it cannot be a JWK set latchkey keeps. */
    private static String readJwks(Path file) {
        try {
            if (Files.size(file) > Clients.MAX_JWKS) {
                throw new InvalidInput(
                        "invalid_client_metadata", "--jwks is larger than " + Clients.MAX_JWKS + " bytes");
            }
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new InvalidInput("no_such_file", "no file " + file);
        } catch (IOException e) {
            throw new InvalidInput("invalid_client_metadata", "--jwks could not be read as UTF-8 text: " + file);
        }
    }

    private static String orNone(List<String> uris) {
        return uris.isEmpty() ? "-" : String.join(" ", uris);
    }

    private static String orNone(String uri) {
        return uri == null ? "-" : uri;
    }

    private static String write(ObjectMapper mapper, Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write JSON", e);
        }
    }
}
