package io.tocsin.errors;

import io.tocsin.model.ExceptionEvent;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Keys each exception event by its fingerprint for the throttle, whole when the {@link SampleGate} picks it as the
 * group's sample, cut otherwise. A processor rather than a map because each task keeps a gate of its own.
 */
public final class FingerprintProcessor implements Processor<String, ExceptionEvent, String, GroupedError> {

    private final Fingerprinter fingerprinter;
    private final SampleGate gate;
    private ProcessorContext<String, GroupedError> context;

    public FingerprintProcessor(Fingerprinter fingerprinter, SampleGate gate) {
        this.fingerprinter = fingerprinter;
        this.gate = gate;
    }

    @Override
    public void init(ProcessorContext<String, GroupedError> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, ExceptionEvent> record) {
        ExceptionEvent event = record.value();
        Fingerprint fp = fingerprinter.fingerprint(event);
        boolean sample = gate.sample(fp.id(), record.timestamp());
        GroupedError grouped = new GroupedError(fp.id(), fp.title(), sample ? event : SampleGate.cut(event), sample);
        context.forward(record.withKey(fp.id()).withValue(grouped));
    }
}
