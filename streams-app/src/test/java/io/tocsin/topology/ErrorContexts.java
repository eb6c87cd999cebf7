package io.tocsin.topology;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.processor.TaskId;

/** What Kafka Streams tells an exception handler about the input record, for handler tests. */
final class ErrorContexts {

    private ErrorContexts() {
    }

    static ErrorHandlerContext of(String topic, int partition, long offset, String node, TaskId task, String key, String value) {
        return new ErrorHandlerContext() {
            @Override
            public String topic() {
                return topic;
            }

            @Override
            public int partition() {
                return partition;
            }

            @Override
            public long offset() {
                return offset;
            }

            @Override
            public Headers headers() {
                return new RecordHeaders();
            }

            @Override
            public String processorNodeId() {
                return node;
            }

            @Override
            public TaskId taskId() {
                return task;
            }

            @Override
            public long timestamp() {
                return 0;
            }

            @Override
            public byte[] sourceRawKey() {
                return key.getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public byte[] sourceRawValue() {
                return value.getBytes(StandardCharsets.UTF_8);
            }
        };
    }
}
