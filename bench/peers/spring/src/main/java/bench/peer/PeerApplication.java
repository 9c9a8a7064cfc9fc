package bench.peer;

import com.nimbusds.jose.jwk.source.ImmutableSecret;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.http.ResponseEntity;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Spring Boot 3 + Spring Security as their reference documentation sets them up: session login (a JSON sign-in
 * that stores the SecurityContext in the HTTP session), a JWT resource server (HS256 through Nimbus), the default
 * DelegatingPasswordEncoder (bcrypt), embedded Tomcat. Spring Security has no API tokens and no refresh tokens.
 */
@SpringBootApplication
@RestController
public class PeerApplication {
    private static final SecretKey KEY = new SecretKeySpec(
            "bench-only-hs256-secret-not-for-production-0123456789".getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    private final SecurityContextRepository contexts = new HttpSessionSecurityContextRepository();

    public static void main(String[] args) {
        SpringApplication.run(PeerApplication.class, args);
    }

    @Bean
    SecurityFilterChain security(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(a -> a.requestMatchers("/ping", "/api/session", "/api/jwt").permitAll()
                        .anyRequest().authenticated())
                .csrf(c -> c.ignoringRequestMatchers("/api/session", "/api/jwt"))
                .oauth2ResourceServer(o -> o.jwt(j -> j.decoder(jwtDecoder())));
        return http.build();
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    UserDetailsService users(PasswordEncoder encoder) {
        return new InMemoryUserDetailsManager(User.withUsername("alice")
                .password(encoder.encode(System.getenv().getOrDefault("PEER_PASSWORD", "correct horse battery staple")))
                .roles("USER").build());
    }

    @Bean
    AuthenticationManager authenticationManager(UserDetailsService users, PasswordEncoder encoder) {
        var provider = new DaoAuthenticationProvider(users);
        provider.setPasswordEncoder(encoder);
        return new ProviderManager(provider);
    }

    @Bean
    JwtDecoder jwtDecoder() {
        return NimbusJwtDecoder.withSecretKey(KEY).macAlgorithm(MacAlgorithm.HS256).build();
    }

    @Bean
    JwtEncoder jwtEncoder() {
        return new NimbusJwtEncoder(new ImmutableSecret<>(KEY));
    }

    private final org.springframework.beans.factory.ObjectProvider<AuthenticationManager> manager;
    private final org.springframework.beans.factory.ObjectProvider<JwtEncoder> encoder;

    PeerApplication(org.springframework.beans.factory.ObjectProvider<AuthenticationManager> manager,
                    org.springframework.beans.factory.ObjectProvider<JwtEncoder> encoder) {
        this.manager = manager;
        this.encoder = encoder;
    }

    @GetMapping("/ping")
    String ping() {
        return "pong";
    }

    @PostMapping("/api/session")
    ResponseEntity<?> signIn(@RequestBody Map<String, String> body, HttpServletRequest request,
                             HttpServletResponse response) {
        Authentication auth;
        try {
            auth = manager.getObject().authenticate(UsernamePasswordAuthenticationToken.unauthenticated(
                    body.get("username"), body.get("password")));
        } catch (AuthenticationException e) {
            return ResponseEntity.status(401).body(Map.of("error", "invalid_credentials"));
        }
        var context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(auth);
        SecurityContextHolder.setContext(context);
        contexts.saveContext(context, request, response);
        return ResponseEntity.ok(Map.of("user", Map.of("username", auth.getName())));
    }

    @PostMapping("/api/jwt")
    ResponseEntity<?> jwt(@RequestBody Map<String, String> body) {
        Authentication auth;
        try {
            auth = manager.getObject().authenticate(UsernamePasswordAuthenticationToken.unauthenticated(
                    body.get("username"), body.get("password")));
        } catch (AuthenticationException e) {
            return ResponseEntity.status(401).body(Map.of("error", "invalid_credentials"));
        }
        var now = Instant.now();
        var claims = JwtClaimsSet.builder().subject(auth.getName()).issuedAt(now).expiresAt(now.plusSeconds(300))
                .build();
        var token = encoder.getObject().encode(JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).build(),
                claims)).getTokenValue();
        return ResponseEntity.ok(Map.of("access", token, "token_type", "Bearer", "expires_in", 300));
    }

    @GetMapping("/api/me")
    Map<String, Object> me(Authentication auth) {
        return Map.of("username", auth.getName());
    }
}
