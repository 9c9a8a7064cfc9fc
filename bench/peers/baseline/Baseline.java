import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Date;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The baseline of bench/run: bare Jetty 12 and Nimbus, no framework. GET /ping answers "pong"; GET /jwt checks the
 * one JWT in "Authorization: Bearer" (signature and expiry, every time, no cache) and answers its subject. What
 * HTTP and one JWT check cost on this machine, and nothing else.
 *
 * Usage: java -cp latchkey.jar Baseline.java PORT [HS256|RS256] — prints "token: <jwt>" once listening.
 */
public final class Baseline {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        var algorithm = args.length > 1 ? JWSAlgorithm.parse(args[1]) : JWSAlgorithm.RS256;
        JWSVerifier verifier;
        SignedJWT token;
        var claims = new JWTClaimsSet.Builder().subject("alice")
                .expirationTime(new Date(System.currentTimeMillis() + 3_600_000)).build();
        if (algorithm.equals(JWSAlgorithm.HS256)) {
            var secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            verifier = new MACVerifier(secret);
            token = new SignedJWT(new JWSHeader(algorithm), claims);
            token.sign(new MACSigner(secret));
        } else {
            var key = new RSAKeyGenerator(2048).generate();
            verifier = new RSASSAVerifier(key.toRSAPublicKey());
            token = new SignedJWT(new JWSHeader(algorithm), claims);
            token.sign(new RSASSASigner(key));
        }
        var threads = new QueuedThreadPool(200, 8);
        var server = new Server(threads);
        var config = new HttpConfiguration();
        config.setSendServerVersion(false);
        var connector = new ServerConnector(server, new HttpConnectionFactory(config));
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        var pong = "pong".getBytes(StandardCharsets.UTF_8);
        server.setHandler(new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                var path = Request.getPathInContext(request);
                if (path.equals("/ping")) {
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
                    response.write(true, java.nio.ByteBuffer.wrap(pong), callback);
                    return true;
                }
                if (path.equals("/jwt")) {
                    var header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
                    try {
                        var jwt = SignedJWT.parse(header.substring("Bearer ".length()));
                        var exp = jwt.getJWTClaimsSet().getExpirationTime();
                        if (jwt.verify(verifier) && exp != null && exp.after(new Date())) {
                            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                            Content.Sink.write(response, true, "{\"sub\":\"" + jwt.getJWTClaimsSet().getSubject()
                                    + "\"}", callback);
                            return true;
                        }
                    } catch (Exception e) {
                        // refused below
                    }
                    Response.writeError(request, response, callback, 401);
                    return true;
                }
                Response.writeError(request, response, callback, 404);
                return true;
            }
        });
        server.start();
        System.out.println("token: " + token.serialize());
        System.out.flush();
        server.join();
    }
}
