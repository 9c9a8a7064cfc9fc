package dev.latchkey.server.tls;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * A certificate chain and its private key in PEM files, read into an in-memory key store for Jetty. Certificates and
 * PKCS#8 keys ({@code BEGIN PRIVATE KEY}, what latchkey writes and certbot too) are read with the JDK alone;
 * the older SEC1 and PKCS#1 key forms go through Bouncy Castle, which is then loaded only for them.
 */
public record PemFiles(Path certificate, Path privateKey) {
    private static final Pattern PKCS8 =
            Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    /**
     * The key store, the (random, in-memory only) password that protects its entry, and the server's own
     * certificate. A class, not a record: it is handed to Jetty, not compared, and a record would compare the
     * password array by identity.
     */
    public static final class Loaded {
        private final KeyStore keyStore;
        private final char[] password;
        private final X509Certificate leaf;

        private Loaded(KeyStore keyStore, char[] password, X509Certificate leaf) {
            this.keyStore = keyStore;
            this.password = password;
            this.leaf = leaf;
        }

        public KeyStore keyStore() {
            return keyStore;
        }

        public char[] password() {
            return password;
        }

        public X509Certificate leaf() {
            return leaf;
        }
    }

    public Loaded load() {
        try {
            var chain = readChain();
            var key = readKey();
            var password = java.util.UUID.randomUUID().toString().toCharArray();
            var store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("latchkey", key, password, chain.toArray(new Certificate[0]));
            return new Loaded(store, password, (X509Certificate) chain.get(0));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new IllegalStateException(
                    "cannot read TLS files " + certificate + " and " + privateKey + ": " + e.getMessage(), e);
        }
    }

    private ArrayList<Certificate> readChain() throws IOException, GeneralSecurityException {
        var chain = new ArrayList<Certificate>();
        try (var in = Files.newInputStream(certificate)) {
            chain.addAll(CertificateFactory.getInstance("X.509").generateCertificates(in));
        }
        if (chain.isEmpty()) {
            throw new IOException("no certificate in " + certificate);
        }
        return chain;
    }

    private PrivateKey readKey() throws IOException, GeneralSecurityException {
        var pem = Files.readString(privateKey, StandardCharsets.US_ASCII);
        var pkcs8 = PKCS8.matcher(pem);
        if (pkcs8.find()) {
            var der = Base64.getMimeDecoder().decode(pkcs8.group(1));
            for (var algorithm : new String[] {"EC", "RSA", "Ed25519", "RSASSA-PSS"}) {
                try {
                    return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
                } catch (GeneralSecurityException wrongAlgorithm) {
                    // try the next
                }
            }
            throw new IOException("the private key is of no supported algorithm (EC, RSA, Ed25519)");
        }
        return readLegacyKey(pem);
    }

    private PrivateKey readLegacyKey(String pem) throws IOException {
        try (Reader in = new StringReader(pem);
                var parser = new PEMParser(in)) {
            var object = parser.readObject();
            var converter = new JcaPEMKeyConverter();
            if (object instanceof PEMKeyPair pair) {
                return converter.getPrivateKey(pair.getPrivateKeyInfo());
            }
            if (object instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            throw new IOException("no unencrypted private key in " + privateKey);
        }
    }
}
