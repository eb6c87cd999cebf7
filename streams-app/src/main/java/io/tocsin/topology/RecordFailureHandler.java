package io.tocsin.topology;

import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;

/**
 * A record that makes a processor fail is logged and sent to the dead letters, and processing goes on: one poisoned
 * event must not stop all alerting. Unless what failed is a state store ({@link StateFailures}): a full or read-only
 * disk is not the record's fault, and skipping it would lose its count for good. The task then fails, and
 * exactly-once hands the record over again once the store works.
 */
public final class RecordFailureHandler implements ProcessingExceptionHandler {

    private final LogAndContinueProcessingExceptionHandler skip = new LogAndContinueProcessingExceptionHandler();

    @Override
    public void configure(Map<String, ?> configs) {
        skip.configure(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (StateFailures.isStoreFailure(exception)) {
            return Response.fail();
        }
        return skip.handleError(context, record, exception);
    }
}
