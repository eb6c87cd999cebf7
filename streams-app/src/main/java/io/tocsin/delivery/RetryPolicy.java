package io.tocsin.delivery;

import java.time.Duration;
import java.util.Optional;
import java.util.random.RandomGenerator;

/** Exponential backoff with jitter; a {@code Retry-After} from the service wins over the schedule. */
public final class RetryPolicy {

    private final Duration initial;
    private final Duration max;
    private final RandomGenerator random;

    public RetryPolicy(Duration initial, Duration max, RandomGenerator random) {
        this.initial = initial;
        this.max = max;
        this.random = random;
    }

    /** The wait before attempt {@code failures + 1}: {@code initial × 2^(failures-1)}, capped, then 50–100 % of it. */
    public Duration delay(int failures, Optional<Duration> retryAfter) {
        if (retryAfter.isPresent()) {
            return retryAfter.get();
        }
        int exponent = Math.min(Math.max(failures - 1, 0), 20);
        long capped = Math.min(max.toMillis(), initial.toMillis() << exponent);
        return Duration.ofMillis(capped / 2 + (long) (random.nextDouble() * (capped / 2.0)));
    }
}
