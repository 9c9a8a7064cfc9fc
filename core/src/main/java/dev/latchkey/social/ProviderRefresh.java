package dev.latchkey.social;

import java.time.Clock;

/** How every provider's answer to a refresh-token grant is judged. */
final class ProviderRefresh {
    private ProviderRefresh() {}

    static ProviderTokens tokens(String provider, ProviderHttp.Answer answer, Clock clock, String previousRefresh) {
        if (answer.status() == 400 || answer.status() == 401 || answer.body().has("error")) {
            throw new SocialDenied("the provider refused the refresh token");
        }
        var tokens =
                answer.status() == 200 ? ProviderTokens.read(answer.body(), clock.instant(), previousRefresh) : null;
        if (tokens == null) {
            throw new ProviderFailure(
                    provider, "the token endpoint answered HTTP " + answer.status() + " without an access_token");
        }
        return tokens;
    }
}
