package io.tocsin.demo;

import io.tocsin.config.AppConfig;
import io.tocsin.config.KafkaClients;
import io.tocsin.model.EventCodec;
import io.tocsin.model.ExceptionEvent;
import io.tocsin.model.ExceptionInfo;
import io.tocsin.model.Frame;
import io.tocsin.model.HeartbeatEvent;
import io.tocsin.model.RequestInfo;
import io.tocsin.model.Topics;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Sample traffic for {@code demo}: an orders service that keeps throwing the same bug (with a different order id each
 * time, which must not split the group), and two chat instances heartbeating, one of which goes silent after
 * {@value #SILENT_AFTER_S} s.
 */
public final class DemoTraffic implements AutoCloseable {

    static final int SILENT_AFTER_S = 15;

    private final KafkaProducer<String, byte[]> producer;
    private final ScheduledExecutorService scheduler;
    private final Topics topics;
    private final EventCodec codec = new EventCodec();
    private final AtomicInteger orderId = new AtomicInteger(1000);

    private DemoTraffic(AppConfig config) {
        this.producer = new KafkaProducer<>(KafkaClients.producer(config));
        this.topics = new Topics(config.topicPrefix());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tocsin-demo");
            t.setDaemon(true);
            return t;
        });
    }

    public static DemoTraffic start(AppConfig config, PrintStream out) {
        DemoTraffic demo = new DemoTraffic(config);
        out.println("Demo: 'demo-orders' throws the same IllegalStateException every 2 s (expect " + config.throttle().limit()
                + " ERROR alerts, then quiet); 'demo-chat-2' stops heartbeating after " + SILENT_AFTER_S
                + " s (expect one INSTANCE_DOWN about " + config.heartbeat().timeout().toSeconds() + " s later).");
        long start = System.currentTimeMillis();
        demo.scheduler.scheduleAtFixedRate(demo::throwOrderError, 1, 2, TimeUnit.SECONDS);
        demo.scheduler.scheduleAtFixedRate(() -> {
            demo.beat("demo-chat-1", 40);
            if (System.currentTimeMillis() - start < SILENT_AFTER_S * 1000L) {
                demo.beat("demo-chat-2", 12);
            }
        }, 0, 1, TimeUnit.SECONDS);
        return demo;
    }

    private void throwOrderError() {
        int id = orderId.incrementAndGet();
        ExceptionInfo exception = new ExceptionInfo("java.lang.IllegalStateException", "order " + id + " not found", List.of(
                new Frame("com.acme.orders.OrderService", "find", "OrderService.java", 42, true),
                new Frame("com.acme.orders.OrderController", "get", "OrderController.java", 17, true),
                new Frame("org.springframework.web.servlet.DispatcherServlet", "doDispatch", "DispatcherServlet.java", 1089, false)),
                null);
        send(topics.errors(), new ExceptionEvent(ExceptionEvent.TYPE, EventCodec.VERSION, UUID.randomUUID().toString(),
                Instant.now(), "demo-orders", "demo-orders-1", "demo", "RUNTIME", exception,
                new RequestInfo("GET", "/orders/" + id), Map.of("region", "eu"), null, 1));
    }

    private void beat(String instance, double connections) {
        send(topics.heartbeats(), new HeartbeatEvent(HeartbeatEvent.TYPE, EventCodec.VERSION, Instant.now(), "demo-chat",
                instance, "demo", "127.0.0.1:" + (instance.endsWith("1") ? 9001 : 9002), 1000, HeartbeatEvent.Status.UP,
                Map.of("connections", connections)));
    }

    private void send(String topic, Object event) {
        String key = event instanceof ExceptionEvent e ? e.key() : ((HeartbeatEvent) event).key();
        producer.send(new ProducerRecord<>(topic, key, codec.write(event)));
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        producer.close();
    }
}
