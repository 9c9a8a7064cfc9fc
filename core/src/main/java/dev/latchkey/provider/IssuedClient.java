package dev.latchkey.provider;

/** A client as registered, with its secret in the clear: shown once, then only its hash is kept. Null when public. */
public record IssuedClient(Client client, String secret) {
    @Override
    public String toString() {
        return "IssuedClient[" + client.id() + "]"; // never the secret
    }
}
