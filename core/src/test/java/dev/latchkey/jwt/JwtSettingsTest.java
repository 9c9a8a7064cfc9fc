package dev.latchkey.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class JwtSettingsTest {

    @Test
    void anAccessLifetimeBeyondHowLongRevocationsAreRememberedIsRefused() {
        assertThat(JwtSettings.DEFAULT
                        .withAccessLifetime(JwtSettings.MAX_ACCESS_LIFETIME)
                        .accessLifetime())
                .isEqualTo(Duration.ofDays(1));
        assertThatThrownBy(() -> JwtSettings.DEFAULT.withAccessLifetime(
                        Duration.ofDays(1).plusSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("access lifetime");
        assertThatThrownBy(() -> JwtSettings.DEFAULT.withAccessLifetime(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
