package dev.latchkey.server.web.http;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * What a route demands, declared where the route is registered (as DRF puts {@code authentication_classes} and
 * {@code permission_classes} on the view) and enforced in one place, the dispatcher
 * ({@code dev.latchkey.server.web.LatchkeyHandler}), before the endpoint runs. A route cannot be registered without
 * one, so a new endpoint is safe by construction: it is no-store, takes the session cookie only with a CSRF token on
 * unsafe methods, and refuses anonymous callers unless it says otherwise.
 *
 * @param access       who may call
 * @param proofs       which credentials count; a caller who proved themselves another way is anonymous here
 * @param page         answers are HTML pages: unsafe methods are forms that always carry the CSRF token (login CSRF
 *                     included), and a caller who must sign in is sent to the sign-in page rather than given a 401
 * @param cacheControl the {@code Cache-Control} of every answer but errors, which are never cached ({@link ErrorBody})
 * @param postIsRead   a POST here is a GET with its parameters in the body, changing nothing a cross-site GET could
 *                     not (the OpenID authorization endpoint): no CSRF token or origin is asked of it
 */
public record Policy(Access access, Set<Proof> proofs, boolean page, String cacheControl, boolean postIsRead) {

    /** Who may call a route. */
    public enum Access {
        /** Anyone, signed in or not. */
        ANYONE,
        /** A caller authenticated by one of the route's proofs; others get 401 (a page: the sign-in page). */
        SIGNED_IN,
        /** A signed-in staff member; other signed-in callers get 403. */
        STAFF
    }

    /** The ways a caller may prove who they are on a route. */
    public enum Proof {
        /**
         * The session cookie. Unsafe methods must also carry the CSRF token ({@code X-CSRF-Token} or the form field
         * {@code csrf_token}) and, when the browser sends {@code Origin}, this site's origin.
         */
        COOKIE,
        /** {@code Authorization: Token …} or {@code Bearer …}: no CSRF token, since no browser sends it by itself. */
        HEADER,
        /**
         * A credential in the JSON body (a password, a refresh token, a provider's code): the endpoint checks it.
         * A foreign {@code Origin} is refused, so that no other site can sign a browser in (login CSRF).
         */
        BODY
    }

    public static final String NO_STORE = "no-store";

    public Policy(Access access, Set<Proof> proofs, boolean page, String cacheControl) {
        this(access, proofs, page, cacheControl, false);
    }

    public Policy {
        proofs = proofs.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(proofs));
        if (page && proofs.contains(Proof.HEADER)) {
            throw new IllegalArgumentException("pages are for browsers: they take the cookie, never a header");
        }
    }

    /** Anyone; the cookie and the Authorization header both name the caller when present. */
    public static Policy anyone() {
        return new Policy(Access.ANYONE, EnumSet.of(Proof.COOKIE, Proof.HEADER), false, NO_STORE);
    }

    /** A caller signed in by cookie or header. */
    public static Policy signedIn() {
        return new Policy(Access.SIGNED_IN, EnumSet.of(Proof.COOKIE, Proof.HEADER), false, NO_STORE);
    }

    /** A staff member signed in by cookie or header. */
    public static Policy staff() {
        return new Policy(Access.STAFF, EnumSet.of(Proof.COOKIE, Proof.HEADER), false, NO_STORE);
    }

    /** An HTML page for anyone: cookie only; its forms always need the CSRF token. */
    public static Policy anyonePage() {
        return new Policy(Access.ANYONE, EnumSet.of(Proof.COOKIE), true, NO_STORE);
    }

    /** An HTML page for a browser signed in by cookie; anyone else is sent to the sign-in page. */
    public static Policy signedInPage() {
        return new Policy(Access.SIGNED_IN, EnumSet.of(Proof.COOKIE), true, NO_STORE);
    }

    /**
     * For an endpoint that checks credentials of its own — a client's secret or assertion, a bearer token of the
     * OpenID Provider's — and reads no cookie or latchkey credential: no CSRF token or origin is asked (a forged
     * cross-site request carries no authority), and any origin may call it from a browser ({@link Cors#answer}).
     */
    public static Policy ownCredentials() {
        return new Policy(Access.ANYONE, Set.of(), false, NO_STORE, true);
    }

    /** Whether no ambient credential (a cookie, latchkey's own token) is read here ({@link #ownCredentials}). */
    public boolean readsNoAmbientCredential() {
        return proofs.isEmpty() && !page;
    }

    /** Exactly these proofs count (for example only a credential in the body). */
    public Policy by(Proof first, Proof... more) {
        return new Policy(access, EnumSet.of(first, more), page, cacheControl, postIsRead);
    }

    /** This policy for a POST that only reads ({@link #postIsRead}). */
    public Policy withPostAsRead() {
        return new Policy(access, proofs, page, cacheControl, true);
    }

    /**
     * Whether answers are public: the same for every caller, no credential read. They may be read from any origin
     * ({@code Access-Control-Allow-Origin: *}, never with credentials; {@link Cors#answer}).
     */
    public boolean isPublic() {
        return cacheControl.startsWith("public");
    }

    /** Public and cacheable for {@code maxAge}: only for answers that depend on no credential. */
    public Policy publicFor(Duration maxAge) {
        if (access != Access.ANYONE) {
            throw new IllegalArgumentException("an answer for a signed-in caller is never publicly cacheable");
        }
        return new Policy(access, Set.of(), page, "public, max-age=" + maxAge.toSeconds());
    }
}
