package io.tocsin.topology;

import java.time.Instant;

/** JSON input events as services write them. */
public final class Events {

    private Events() {
    }

    public static String exception(String service, String type, String message, Instant at, String id) {
        return """
                {"type":"exception","version":1,"id":"%s","timestamp":"%s","service":"%s","instance":"%s-1",
                 "environment":"prod","category":"RUNTIME",
                 "exception":{"type":"%s","message":"%s","frames":[
                   {"className":"com.acme.OrderService","method":"find","file":"OrderService.java","line":42,"inApp":true},
                   {"className":"org.springframework.web.servlet.DispatcherServlet","method":"doDispatch","file":"DispatcherServlet.java","line":1089,"inApp":false}],
                   "cause":null},
                 "request":{"method":"GET","url":"/orders/123"},"tags":{"region":"eu"},"fingerprint":null,"count":1}
                """.formatted(id, at, service, service, type, message);
    }

    /** The same event with a different {@code count}. */
    public static String withCount(String exceptionJson, long count) {
        return exceptionJson.replace("\"count\":1", "\"count\":" + count);
    }

    public static String heartbeat(String service, String instance, Instant at, long intervalMs, String status) {
        return """
                {"type":"heartbeat","version":1,"timestamp":"%s","service":"%s","instance":"%s","environment":"prod",
                 "address":"10.0.0.5:8080","intervalMs":%d,"status":"%s","load":{"connections":12}}
                """.formatted(at, service, instance, intervalMs, status);
    }
}
