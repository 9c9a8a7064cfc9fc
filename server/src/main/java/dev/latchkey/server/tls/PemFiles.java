package dev.latchkey.server.tls;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/** A certificate chain and its private key in PEM files, read into an in-memory key store for Jetty. */
public record PemFiles(Path certificate, Path privateKey) {

    /** The key store and the (random, in-memory only) password that protects its entry. */
    public record Loaded(KeyStore keyStore, char[] password, X509Certificate leaf) {
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
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read TLS files " + certificate + " and " + privateKey + ": "
                    + e.getMessage(), e);
        }
    }

    private ArrayList<Certificate> readChain() throws IOException, GeneralSecurityException {
        var chain = new ArrayList<Certificate>();
        try (Reader in = Files.newBufferedReader(certificate, StandardCharsets.US_ASCII);
             var parser = new PEMParser(in)) {
            Object object;
            while ((object = parser.readObject()) != null) {
                if (object instanceof X509CertificateHolder holder) {
                    chain.add(new JcaX509CertificateConverter().getCertificate(holder));
                }
            }
        }
        if (chain.isEmpty()) {
            throw new IOException("no certificate in " + certificate);
        }
        return chain;
    }

    private PrivateKey readKey() throws IOException {
        try (Reader in = Files.newBufferedReader(privateKey, StandardCharsets.US_ASCII);
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
