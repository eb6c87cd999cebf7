package io.tocsin.fuzz;

import io.tocsin.model.EventCodec;
import io.tocsin.model.ExceptionEvent;
import io.tocsin.model.HeartbeatEvent;
import io.tocsin.topology.EventLimits;
import io.tocsin.topology.InputParser;

/**
 * The topology's two input decoders, composed as {@code AlertTopology.build} hands them to {@link InputParser}
 * ({@code InputParserFuzzTest} checks, through the real topology, that both agree on every verdict).
 */
public final class Decoders {

    private final EventCodec codec = new EventCodec();

    public InputParser.Parser<ExceptionEvent> exceptions() {
        return raw -> EventLimits.bound(codec.parseException(raw));
    }

    public InputParser.Parser<HeartbeatEvent> heartbeats() {
        return codec::parseHeartbeat;
    }
}
