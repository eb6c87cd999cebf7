package io.tocsin.delivery;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.RecordMetadata;

/** Waiting for the broker to acknowledge the notifier's own records, before it commits past the alerts they speak of. */
final class Acks {

    private Acks() {
    }

    /** Returns once every send is acknowledged; fails naming {@code what} and {@code topic} if one was refused. */
    static void await(List<Future<RecordMetadata>> sends, String what, String topic) {
        try {
            for (Future<RecordMetadata> ack : sends) {
                ack.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while recording " + what, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot record " + what + " on " + topic, e.getCause());
        }
    }
}
