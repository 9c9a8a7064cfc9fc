package example.resource;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.security.oauth2.resource.servlet.JwkSetUriJwtDecoderBuilderCustomizer;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.web.client.RestTemplateBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A Spring Boot resource server that trusts latchkey's access tokens. Its whole configuration is
 * {@code application.properties}: the JWKS URL and latchkey's audience. Spring Boot's auto-configuration does the
 * rest (a {@code NimbusJwtDecoder}, every request authenticated, a 401 with {@code WWW-Authenticate: Bearer}).
 */
@SpringBootApplication
@RestController
public class ResourceServerApplication {
    public static void main(String[] args) {
        SpringApplication.run(ResourceServerApplication.class, args);
    }

    /** Who is calling, from the token alone: latchkey's user id ({@code sub}) and groups ({@code groups}). */
    @GetMapping("/api/whoami")
    public Map<String, Object> whoami(@AuthenticationPrincipal Jwt jwt) {
        var groups = jwt.getClaimAsStringList("groups");
        return Map.of("user_id", jwt.getSubject(), "groups", groups == null ? List.of() : groups);
    }

    /**
     * The one line of code the configuration needs. latchkey's access tokens carry {@code typ: at+jwt} (RFC 9068);
     * Spring Security 6 leaves the {@code typ} check to Nimbus, whose default accepts only {@code JWT} or none, so
     * every latchkey token would be refused ("JOSE header typ (type) at+jwt not allowed"). This accepts exactly
     * {@code at+jwt}, which also keeps ID tokens and other JWTs from being taken for access tokens. (Spring Security 7,
     * Spring Boot 4, moves the check to {@code JwtTypeValidator}: there, a {@code JwtTypeValidator("at+jwt")} bean.)
     *
     * <p>It also fetches the JWKS through the SSL bundle {@code latchkey} when one is configured
     * ({@code spring.ssl.bundle.pem.latchkey.truststore.certificate}: latchkey's certificate or CA as PEM), for a
     * latchkey whose certificate the JDK does not trust; without it, the JDK's trust store is used.
     */
    @Bean
    JwkSetUriJwtDecoderBuilderCustomizer latchkeyAccessTokens(
            RestTemplateBuilder restTemplates, ObjectProvider<SslBundles> sslBundles) {
        return builder -> {
            builder.jwtProcessorCustomizer(processor -> processor.setJWSTypeVerifier(
                    new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt"))));
            var bundles = sslBundles.getIfAvailable();
            if (bundles != null) {
                try {
                    builder.restOperations(restTemplates.sslBundle(bundles.getBundle("latchkey")).build());
                } catch (NoSuchSslBundleException e) {
                    // No bundle named latchkey: the JDK's trust store.
                }
            }
        };
    }
}
