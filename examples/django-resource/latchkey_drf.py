"""A DRF authentication class that trusts latchkey's access JWTs, verified locally against latchkey's JWKS.

    REST_FRAMEWORK = {"DEFAULT_AUTHENTICATION_CLASSES": ["latchkey_drf.LatchkeyJWTAuthentication"]}
    LATCHKEY = {"JWKS_URL": "https://auth.example.com/.well-known/jwks.json",
                "ISSUER": "latchkey", "AUDIENCE": "latchkey"}

request.user is then a LatchkeyUser: .id is latchkey's user id (the token's sub), .groups its groups, and
request.auth the verified claims. PyJWT's PyJWKClient caches the key set and fetches it again for an unknown kid.
"""
import jwt
from django.conf import settings
from rest_framework import authentication, exceptions

# latchkey signs with RS256 by default, ES256 when configured; never accept anything else (no "none", no HMAC).
ALGORITHMS = ["RS256", "ES256"]
_clients = {}


class LatchkeyUser:
    """The caller as the access token says: no database row needed."""

    is_authenticated = True
    is_anonymous = False

    def __init__(self, claims):
        self.id = self.pk = int(claims["sub"])
        self.groups = list(claims.get("groups", []))
        self.claims = claims

    def in_group(self, name):
        return name in self.groups

    def __str__(self):
        return "latchkey user %d" % self.id


def _jwks_client(url):
    client = _clients.get(url)
    if client is None:
        client = _clients[url] = jwt.PyJWKClient(url, cache_keys=True, lifespan=300)
    return client


class LatchkeyJWTAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != b"bearer":
            return None  # not ours: the next authentication class may try
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("the Authorization header must hold exactly one token")
        token = header[1].decode("ascii", "replace")
        if token.startswith("lk_"):
            return None  # a latchkey API token, not a JWT
        config = settings.LATCHKEY
        try:
            # The header's typ must be at+jwt (RFC 9068): an ID token or another JWT is not an access token.
            if jwt.get_unverified_header(token).get("typ") != "at+jwt":
                raise exceptions.AuthenticationFailed("not an access token")
            key = _jwks_client(config["JWKS_URL"]).get_signing_key_from_jwt(token)
            claims = jwt.decode(
                token,
                key.key,
                algorithms=ALGORITHMS,
                audience=config.get("AUDIENCE", "latchkey"),
                issuer=config.get("ISSUER", "latchkey"),
                leeway=30,
                options={"require": ["exp", "iat", "sub", "iss", "aud"]},
            )
        except (jwt.PyJWTError, ValueError, KeyError) as e:
            raise exceptions.AuthenticationFailed("the token is not valid") from e
        return LatchkeyUser(claims), claims

    def authenticate_header(self, request):
        return 'Bearer realm="latchkey"'
