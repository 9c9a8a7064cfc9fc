package dev.latchkey.server.tls;

import dev.latchkey.server.config.OwnerOnly;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The certificate {@code serve} makes on first start when none is configured: ECDSA P-256, for {@code localhost},
 * {@code 127.0.0.1} and {@code ::1}, valid for a year, written as PEM into the data directory (the key readable by
 * its owner only) and reused on later starts.
 */
public final class SelfSignedCertificate {
    public static final String CERT_FILE = "localhost.crt.pem";
    public static final String KEY_FILE = "localhost.key.pem";
    private static final Duration VALIDITY = Duration.ofDays(365);

    private SelfSignedCertificate() {}

    /** The PEM pair in {@code dir}, made now if either file is missing. */
    public static PemFiles ensure(Path dir, Clock clock) {
        var cert = dir.resolve(CERT_FILE);
        var key = dir.resolve(KEY_FILE);
        if (!Files.exists(cert) || !Files.exists(key)) {
            write(cert, key, clock);
        }
        return new PemFiles(cert, key);
    }

    private static void write(Path certFile, Path keyFile, Clock clock) {
        try {
            var generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            var keys = generator.generateKeyPair();
            var name = new X500Name("CN=localhost, O=latchkey self-signed");
            var now = clock.instant();
            var serial = new BigInteger(64, new SecureRandom());
            var builder = new JcaX509v3CertificateBuilder(
                    name,
                    serial,
                    Date.from(now.minus(Duration.ofMinutes(5))),
                    Date.from(now.plus(VALIDITY)),
                    name,
                    keys.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.iPAddress, "::1")
            }));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(
                    Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            var signer = new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate());
            var certificate = new JcaX509CertificateConverter().getCertificate(builder.build(signer));

            Files.createDirectories(certFile.getParent());
            Files.deleteIfExists(keyFile);
            OwnerOnly.createFile(keyFile, pem(new JcaPKCS8Generator(keys.getPrivate(), null)));
            Files.writeString(certFile, pem(certificate), StandardCharsets.US_ASCII);
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("could not create a self-signed certificate: " + e.getMessage(), e);
        }
    }

    private static String pem(Object object) throws IOException {
        var out = new StringWriter();
        try (var writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        return out.toString();
    }
}
