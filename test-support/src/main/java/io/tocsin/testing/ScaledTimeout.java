package io.tocsin.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A hang stopper for slow tests: each test method of the annotated class fails once it has run {@link #seconds()}
 * × the {@link Slowness} factor (the thread is interrupted, as with JUnit's own {@code @Timeout}). It is never the
 * bound of a behaviour; pick it generously.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(ScaledTimeoutExtension.class)
public @interface ScaledTimeout {

    /** What a quiet machine would never come close to. */
    long seconds();
}
