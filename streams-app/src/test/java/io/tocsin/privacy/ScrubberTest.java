package io.tocsin.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.testing.ScaledTimeout;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScrubberTest {

    private final Scrubber scrubber = Scrubber.defaults();

    @Test
    void shouldMaskCredentialsTokensAndEmails() {
        String out = scrubber.scrub("GET https://admin:hunter2@api.example/x?token=abc123 by bob.smith+ops@acme.co.uk;"
                + " Authorization: Bearer eyJhbGciOi.xyz");

        assertThat(out).doesNotContain("hunter2").doesNotContain("abc123").doesNotContain("bob.smith")
                .doesNotContain("eyJhbGciOi").contains("https://[scrubbed]@api.example").contains("[email]");
    }

    @Test
    void shouldLeaveTextWithoutSecretsAlone() {
        String text = "order 123 not found at com.acme.Orders.find(Orders.java:42) for user@ in a.b.c";

        assertThat(scrubber.scrub(text)).isEqualTo(text);
    }

    /**
     * 100 kB tokens without spaces: the old patterns backtracked quadratically (about 5 s for 20 kB, minutes for
     * 100 kB); linear ones take milliseconds. The limit (30 s, scaled) is an order of magnitude above linear on any
     * of our machines and only stops a regression from hanging the suite; the cost is measured in ScrubberBenchmark.
     */
    @Test
    @ScaledTimeout(seconds = 30)
    void shouldScrubHugeTokensWithoutSpacesInLinearTime() {
        for (String token : List.of("x".repeat(100_000), "a.".repeat(50_000), "a@".repeat(50_000), "a+b-".repeat(25_000))) {
            assertThat(scrubber.scrub(token)).hasSizeLessThanOrEqualTo(token.length());
        }
        assertThat(scrubber.scrub("x".repeat(100_000) + "@acme.com")).isEqualTo("[email]");
    }
}
