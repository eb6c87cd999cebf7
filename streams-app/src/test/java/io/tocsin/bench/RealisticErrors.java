package io.tocsin.bench;

import io.tocsin.model.EventCodec;
import io.tocsin.model.ExceptionEvent;
import io.tocsin.model.ExceptionInfo;
import io.tocsin.model.Frame;
import io.tocsin.model.RequestInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * Exception events as the producer agent's {@code EventFactory} builds them from Spring Boot services: every frame of
 * each exception's own stack trace ({@link Frame#of}, in-app by package prefix, generated and proxy classes and
 * reflection glue included), the cause chain (a cause's trace runs down to {@code Thread.run} like its parent's),
 * messages with ids, emails and quoted values, the request with ids in its URL, tags, a fresh UUID per event.
 *
 * <p>{@code groups} distinct bugs (so as many fingerprints) over {@value #SERVICES} services with
 * {@value #INSTANCES_PER_SERVICE} instances each. Bug {@code g} belongs to service {@code g % SERVICES} and throws from
 * its own in-app frames (entity, operation); its failure kind (missing entity, helpful NPE, duplicate key through
 * Spring and Hibernate to the driver, connection pool timeout, upstream read timeout, validation, illegal state,
 * optimistic lock) and its framework path (Tomcat with 1-5 filters, Kafka listener, scheduled job, with or without a
 * transactional proxy) are drawn once from a generator seeded by {@code g}, with 20-60 frames per exception.
 * Deterministic for a seed.
 */
final class RealisticErrors {

    static final int SERVICES = 20;
    static final int INSTANCES_PER_SERVICE = 4;
    static final int MIN_FRAMES = 20;
    static final int MAX_FRAMES = 60;
    private static final String IN_APP = "com.acme.";
    private static final String[] SERVICE_NAMES = {"checkout", "billing", "orders", "catalog", "inventory", "shipping",
        "payments", "accounts", "search", "pricing", "notifications", "reviews", "recommendations", "loyalty", "fraud",
        "returns", "invoicing", "identity", "gateway", "reporting"};
    private static final String[] ENTITIES = {"Order", "Customer", "Invoice", "Payment", "Cart", "Product", "Shipment",
        "Refund", "Coupon", "Subscription"};
    private static final String[] OPERATIONS = {"find", "create", "update", "cancel", "list"};
    private static final String[] HTTP_METHODS = {"GET", "POST", "PUT", "POST", "GET"};
    private static final String[] STATUSES = {"NEW", "PAID", "SHIPPED", "CANCELLED", "REFUNDED"};

    /** One bug: where it happens and the exception chain it throws, with placeholders for the per-event ids. */
    private record Bug(int service, String httpMethod, String url, List<Level> chain) {
    }

    /** One exception of a chain: its type, its message template and its whole stack, innermost frame first. */
    private record Level(String type, String message, List<StackTraceElement> trace) {
    }

    private final List<Bug> bugs = new ArrayList<>();
    private final String[][] instances = new String[SERVICES][INSTANCES_PER_SERVICE];
    private final Random random;

    RealisticErrors(int groups, long seed) {
        this.random = new Random(seed);
        for (int s = 0; s < SERVICES; s++) {
            String deployment = Long.toHexString(0x5d00000000L + new Random(s).nextInt(1 << 30)).substring(0, 9);
            for (int i = 0; i < INSTANCES_PER_SERVICE; i++) {
                instances[s][i] = SERVICE_NAMES[s] + "-" + deployment + "-" + token(new Random(31L * s + i), 5);
            }
        }
        for (int g = 0; g < groups; g++) {
            bugs.add(bug(g));
        }
    }

    /** Occurrence {@code i}: the first {@code groups} occurrences are each bug once, then bugs uniformly at random. */
    ExceptionEvent next(int i) {
        return of(i < bugs.size() ? i : random.nextInt(bugs.size()));
    }

    /** An occurrence of bug {@code group} (0 to groups - 1), with fresh ids, stamped now. */
    ExceptionEvent of(int group) {
        Bug bug = bugs.get(group);
        Map<String, String> ids = ids();
        ExceptionInfo info = null;
        for (int k = bug.chain().size() - 1; k >= 0; k--) {
            Level level = bug.chain().get(k);
            List<Frame> frames = level.trace().stream().map(e -> Frame.of(e, e.getClassName().startsWith(IN_APP))).toList();
            info = new ExceptionInfo(level.type(), fill(level.message(), ids), frames, info);
        }
        String service = SERVICE_NAMES[bug.service()];
        int instance = random.nextInt(INSTANCES_PER_SERVICE);
        RequestInfo request = bug.httpMethod() == null ? null : new RequestInfo(bug.httpMethod(), fill(bug.url(), ids));
        Map<String, String> tags = Map.of("release", "2026.11." + (bug.service() % 7), "region", instance % 2 == 0 ? "eu-west-1" : "eu-central-1");
        return new ExceptionEvent(ExceptionEvent.TYPE, EventCodec.VERSION, UUID.randomUUID().toString(), Instant.now(), service,
                instances[bug.service()][instance], "prod", "RUNTIME", info, request, tags, null, 1);
    }

    /** Fresh ids for one occurrence: numbers, a UUID, an email, a coupon code, a duration in ms. */
    private Map<String, String> ids() {
        return Map.of("{n}", String.valueOf(10_000 + random.nextInt(9_000_000)),
                "{m}", String.valueOf(1 + random.nextInt(400)),
                "{uuid}", new UUID(random.nextLong(), random.nextLong()).toString(),
                "{email}", token(random, 6).toLowerCase(Locale.ROOT) + "." + token(random, 7).toLowerCase(Locale.ROOT) + "@example.com",
                "{code}", "SUMMER-" + (1000 + random.nextInt(9000)),
                "{ms}", String.valueOf(30_000 + random.nextInt(20)));
    }

    private static String fill(String template, Map<String, String> ids) {
        String s = template;
        for (Map.Entry<String, String> e : ids.entrySet()) {
            s = s.replace(e.getKey(), e.getValue());
        }
        return s;
    }

    private static String token(Random r, int length) {
        String alphabet = "bcdfghjklmnpqrstvwxz2456789";
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    // ---------------------------------------------------------------------------------------------------- one bug

    private Bug bug(int g) {
        int s = g % SERVICES;
        int local = g / SERVICES;
        String entity = ENTITIES[local % ENTITIES.length];
        int op = (local / ENTITIES.length) % OPERATIONS.length;
        int variant = local / (ENTITIES.length * OPERATIONS.length);
        String pkg = IN_APP + SERVICE_NAMES[s].replace("-", "") + "." + entity.toLowerCase(Locale.ROOT);
        String method = OPERATIONS[op] + entity + (variant == 0 ? "" : String.valueOf(variant + 1));
        Random r = new Random(1_000_003L * g + 7);
        for (int attempt = 0; ; attempt++) {
            Bug bug = bug(r, s, pkg, entity, op, method);
            int top = bug.chain().get(0).trace().size();
            if (bug.chain().stream().allMatch(l -> l.trace().size() <= MAX_FRAMES) && top >= MIN_FRAMES || attempt > 200) {
                return bug;
            }
        }
    }

    private Bug bug(Random r, int s, String pkg, String entity, int op, String method) {
        String coll = entity.toLowerCase(Locale.ROOT) + "s";
        boolean http = r.nextInt(10) < 7;
        // the in-app part, innermost first: helpers the service called, the service (maybe behind a transactional proxy)
        List<StackTraceElement> app = new ArrayList<>();
        String[] helpers = {"Validator.check", "Mapper.to", "Policy.apply", "Repository.load", "Calculator.compute"};
        int helperCount = r.nextInt(3);
        for (int k = 0; k < helperCount; k++) {
            String h = helpers[r.nextInt(helpers.length)];
            int dot = h.indexOf('.');
            app.add(el(pkg + "." + entity + h.substring(0, dot), h.substring(dot + 1) + entity, r));
        }
        if (r.nextInt(4) == 0) {
            app.add(el(pkg + "." + entity + "Service", "lambda$" + method + "$" + r.nextInt(5), r));
            app.add(el("java.util.Optional", "map", 260));
        }
        app.add(el(pkg + "." + entity + "Service", method, r));
        if (r.nextInt(10) < 6) {
            app.addAll(transactionalProxy(pkg + "." + entity + "Service", method));
        }
        // the entry point and the framework below it
        List<StackTraceElement> below = new ArrayList<>();
        String url = null;
        String httpMethod = null;
        if (http) {
            httpMethod = HTTP_METHODS[op];
            url = "http://" + SERVICE_NAMES[s] + ".prod.svc.cluster.local:8080" + route(op, coll);
            below.add(el(pkg + "." + entity + "Controller", OPERATIONS[op] + (op == 4 ? coll.substring(0, 1).toUpperCase(Locale.ROOT) + coll.substring(1) : entity), r));
            below.addAll(springMvc(httpMethod));
            below.addAll(filters(r, SERVICE_NAMES[s]));
            below.addAll(TOMCAT);
        } else if (r.nextBoolean()) {
            below.add(el(pkg + "." + entity + "EventsListener", "on" + entity + "Event", r));
            below.addAll(KAFKA_LISTENER);
        } else {
            below.add(el(pkg + "." + entity + "Jobs", OPERATIONS[op] + "Pending" + entity + "s", r));
            below.addAll(SCHEDULED);
        }
        List<StackTraceElement> common = new ArrayList<>(app);
        common.addAll(below);
        return new Bug(s, httpMethod, url, chain(r, entity, coll, common));
    }

    private static String route(int op, String coll) {
        return switch (op) {
            case 0 -> "/api/v1/" + coll + "/{n}";
            case 1 -> "/api/v1/customers/{uuid}/" + coll;
            case 2 -> "/api/v1/" + coll + "/{n}/items/{m}";
            case 3 -> "/api/v1/" + coll + "/{n}/cancel";
            default -> "/api/v1/" + coll + "?customer={uuid}&page={m}";
        };
    }

    /** The exception chain of a failure kind, its top exception thrown from {@code common}'s innermost frame. */
    private List<Level> chain(Random r, String entity, String coll, List<StackTraceElement> common) {
        String fqEntity = common.get(0).getClassName().substring(0, common.get(0).getClassName().lastIndexOf('.')) + "." + entity;
        return switch (r.nextInt(8)) {
            case 0 -> List.of(new Level(fqEntity + "NotFoundException", entity + " {n} not found",
                    concat(List.of(el("java.util.Optional", "orElseThrow", 403)), common)));
            case 1 -> List.of(new Level("java.lang.NullPointerException", "Cannot invoke \"" + fqEntity + "Address.getCountry()\" because "
                    + "the return value of \"" + fqEntity + ".getBillingAddress()\" is null", common));
            case 2 -> {
                String constraint = coll + "_pkey";
                String psql = "ERROR: duplicate key value violates unique constraint \"" + constraint + "\"\n  Detail: Key (id)=({n}) already exists.";
                String insert = "insert into " + coll + " (created_at,customer_id,status,version,id) values (?,?,?,?,?)";
                List<StackTraceElement> top = concat(TRANSLATION, common);
                List<StackTraceElement> hibernate = concat(HIBERNATE_FLUSH, top.subList(TRANSLATION.size() - 1, top.size()));
                yield List.of(
                        new Level("org.springframework.dao.DataIntegrityViolationException", "could not execute statement [" + psql + "] ["
                                + insert + "]; SQL [" + insert + "]; constraint [" + constraint + "]", top),
                        new Level("org.hibernate.exception.ConstraintViolationException", "could not execute statement [" + psql + "] [" + insert + "]",
                                hibernate),
                        new Level("org.postgresql.util.PSQLException", psql, concat(PGJDBC, hibernate.subList(3, hibernate.size()))));
            }
            case 3 -> {
                String hikari = "HikariPool-1 - Connection is not available, request timed out after {ms}ms (total=10, active=10, idle=0, waiting={m})";
                List<StackTraceElement> top = concat(TX_BEGIN, common.subList(1, common.size()));
                List<StackTraceElement> jdbc = concat(HIKARI, top.subList(2, top.size()));
                yield List.of(new Level("org.springframework.transaction.CannotCreateTransactionException",
                                "Could not open JPA EntityManager for transaction", top),
                        new Level("org.hibernate.exception.JDBCConnectionException", "Unable to acquire JDBC Connection [" + hikari + "]", jdbc),
                        new Level("java.sql.SQLTransientConnectionException", hikari, jdbc.subList(3, jdbc.size())));
            }
            case 4 -> {
                String upstream = SERVICE_NAMES[r.nextInt(SERVICE_NAMES.length)];
                List<StackTraceElement> top = concat(REST_TEMPLATE, common);
                yield List.of(new Level("org.springframework.web.client.ResourceAccessException", "I/O error on GET request for \"http://"
                                + upstream + ".prod.svc.cluster.local:8080/api/v1/" + coll + "/{n}\": Read timed out", top),
                        new Level("java.net.SocketTimeoutException", "Read timed out", concat(SOCKET_READ, top.subList(1, top.size()))));
            }
            case 5 -> List.of(new Level("java.lang.IllegalArgumentException", "invalid coupon '{code}' for customer {uuid}: expired on 2026-10-31",
                    concat(List.of(el("org.springframework.util.Assert", "isTrue", 111)), common)));
            case 6 -> List.of(new Level("java.lang.IllegalStateException", entity + " {n} cannot be changed in status "
                    + STATUSES[r.nextInt(STATUSES.length)] + " (customer {email})", common));
            default -> {
                String stale = "Row was updated or deleted by another transaction (or unsaved-value mapping was incorrect) : [" + fqEntity + "#{n}]";
                List<StackTraceElement> top = concat(TRANSLATION, common);
                yield List.of(new Level("org.springframework.orm.ObjectOptimisticLockingFailureException", "Object of class [" + fqEntity
                                + "] with identifier [{n}]: optimistic locking failed; nested exception is org.hibernate.StaleObjectStateException: " + stale, top),
                        new Level("org.hibernate.StaleObjectStateException", stale,
                                concat(HIBERNATE_FLUSH.subList(6, HIBERNATE_FLUSH.size()), top.subList(TRANSLATION.size() - 1, top.size()))));
            }
        };
    }

    private static List<StackTraceElement> concat(List<StackTraceElement> a, List<StackTraceElement> b) {
        List<StackTraceElement> out = new ArrayList<>(a.size() + b.size());
        out.addAll(a);
        out.addAll(b);
        return out;
    }

    // ---------------------------------------------------------------------------------------------------- frames

    /** An in-app frame with a line number stable for its bug. */
    private static StackTraceElement el(String cls, String method, Random r) {
        return el(cls, method, 20 + r.nextInt(400));
    }

    private static StackTraceElement el(String cls, String method, int line) {
        String simple = cls.substring(cls.lastIndexOf('.') + 1);
        int inner = simple.indexOf('$');
        if (line < 0) {
            return new StackTraceElement(cls, method, cls.contains("$$") ? "<generated>" : null, -1);
        }
        return new StackTraceElement(cls, method, (inner < 0 ? simple : simple.substring(0, inner)) + ".java", line);
    }

    private static List<StackTraceElement> frames(String... spec) {
        List<StackTraceElement> out = new ArrayList<>(spec.length);
        for (String f : spec) {
            int colon = f.lastIndexOf(':');
            int dot = f.lastIndexOf('.', colon);
            out.add(el(f.substring(0, dot), f.substring(dot + 1, colon), Integer.parseInt(f.substring(colon + 1))));
        }
        return List.copyOf(out);
    }

    /** A CGLIB proxy with the transaction interceptor, innermost first, ending in the proxy's own frame. */
    private static List<StackTraceElement> transactionalProxy(String cls, String method) {
        List<StackTraceElement> out = new ArrayList<>(frames(
                "jdk.internal.reflect.DirectMethodHandleAccessor.invoke:103",
                "java.lang.reflect.Method.invoke:580",
                "org.springframework.aop.support.AopUtils.invokeJoinpointUsingReflection:355",
                "org.springframework.aop.framework.ReflectiveMethodInvocation.invokeJoinpoint:196",
                "org.springframework.aop.framework.ReflectiveMethodInvocation.proceed:163",
                "org.springframework.aop.framework.CglibAopProxy$CglibMethodInvocation.proceed:768",
                "org.springframework.transaction.interceptor.TransactionInterceptor$1.proceedWithInvocation:123",
                "org.springframework.transaction.interceptor.TransactionAspectSupport.invokeWithinTransaction:392",
                "org.springframework.transaction.interceptor.TransactionInterceptor.invoke:119",
                "org.springframework.aop.framework.ReflectiveMethodInvocation.proceed:184",
                "org.springframework.aop.framework.CglibAopProxy$CglibMethodInvocation.proceed:768",
                "org.springframework.aop.framework.CglibAopProxy$DynamicAdvisedInterceptor.intercept:720"));
        out.add(el(cls + "$$SpringCGLIB$$0", method, -1));
        return out;
    }

    private static List<StackTraceElement> springMvc(String httpMethod) {
        String doMethod = "do" + httpMethod.charAt(0) + httpMethod.substring(1).toLowerCase(Locale.ROOT);
        return frames(
                "jdk.internal.reflect.DirectMethodHandleAccessor.invoke:103",
                "java.lang.reflect.Method.invoke:580",
                "org.springframework.web.method.support.InvocableHandlerMethod.doInvoke:255",
                "org.springframework.web.method.support.InvocableHandlerMethod.invokeForRequest:188",
                "org.springframework.web.servlet.mvc.method.annotation.ServletInvocableHandlerMethod.invokeAndHandle:118",
                "org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter.invokeHandlerMethod:986",
                "org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter.handleInternal:891",
                "org.springframework.web.servlet.mvc.method.AbstractHandlerMethodAdapter.handle:87",
                "org.springframework.web.servlet.DispatcherServlet.doDispatch:1089",
                "org.springframework.web.servlet.DispatcherServlet.doService:979",
                "org.springframework.web.servlet.FrameworkServlet.processRequest:1014",
                "org.springframework.web.servlet.FrameworkServlet." + doMethod + ":903",
                "jakarta.servlet.http.HttpServlet.service:564",
                "org.springframework.web.servlet.FrameworkServlet.service:885",
                "jakarta.servlet.http.HttpServlet.service:658");
    }

    private static final String[] FILTERS = {"org.springframework.web.filter.RequestContextFilter",
        "org.springframework.web.filter.FormContentFilter", "org.springframework.web.filter.CharacterEncodingFilter",
        "org.springframework.web.filter.ServerHttpObservationFilter"};

    /** Tomcat's filter chain: 1-5 filters (one of them the service's own request-id filter), then the websocket filter. */
    private static List<StackTraceElement> filters(Random r, String service) {
        List<StackTraceElement> out = new ArrayList<>();
        int n = 1 + r.nextInt(5);
        for (int k = 0; k < n; k++) {
            out.addAll(frames("org.apache.catalina.core.ApplicationFilterChain.internalDoFilter:195",
                    "org.apache.catalina.core.ApplicationFilterChain.doFilter:140"));
            String filter = k == n - 1 ? IN_APP + service + ".web.RequestIdFilter" : FILTERS[k % FILTERS.length];
            out.add(el(filter, "doFilterInternal", 40 + 13 * k));
            out.add(el("org.springframework.web.filter.OncePerRequestFilter", "doFilter", 116));
        }
        out.addAll(frames("org.apache.catalina.core.ApplicationFilterChain.internalDoFilter:195",
                "org.apache.catalina.core.ApplicationFilterChain.doFilter:140",
                "org.apache.tomcat.websocket.server.WsFilter.doFilter:51"));
        return out;
    }

    private static final List<StackTraceElement> TOMCAT = frames(
            "org.apache.catalina.core.ApplicationFilterChain.internalDoFilter:195",
            "org.apache.catalina.core.ApplicationFilterChain.doFilter:140",
            "org.apache.catalina.core.StandardWrapperValve.invoke:167",
            "org.apache.catalina.core.StandardContextValve.invoke:90",
            "org.apache.catalina.authenticator.AuthenticatorBase.invoke:483",
            "org.apache.catalina.core.StandardHostValve.invoke:115",
            "org.apache.catalina.valves.ErrorReportValve.invoke:93",
            "org.apache.catalina.core.StandardEngineValve.invoke:74",
            "org.apache.catalina.connector.CoyoteAdapter.service:344",
            "org.apache.coyote.http11.Http11Processor.service:384",
            "org.apache.coyote.AbstractProcessorLight.process:63",
            "org.apache.coyote.AbstractProtocol$ConnectionHandler.process:904",
            "org.apache.tomcat.util.net.NioEndpoint$SocketProcessor.doRun:1741",
            "org.apache.tomcat.util.net.SocketProcessorBase.run:52",
            "org.apache.tomcat.util.threads.ThreadPoolExecutor.runWorker:1190",
            "org.apache.tomcat.util.threads.ThreadPoolExecutor$Worker.run:659",
            "org.apache.tomcat.util.threads.TaskThread$WrappingRunnable.run:63",
            "java.lang.Thread.run:1583");

    private static final List<StackTraceElement> KAFKA_LISTENER = frames(
            "jdk.internal.reflect.DirectMethodHandleAccessor.invoke:103",
            "java.lang.reflect.Method.invoke:580",
            "org.springframework.messaging.handler.invocation.InvocableHandlerMethod.doInvoke:169",
            "org.springframework.messaging.handler.invocation.InvocableHandlerMethod.invoke:119",
            "org.springframework.kafka.listener.adapter.HandlerAdapter.invoke:56",
            "org.springframework.kafka.listener.adapter.MessagingMessageListenerAdapter.invokeHandler:375",
            "org.springframework.kafka.listener.adapter.RecordMessagingMessageListenerAdapter.onMessage:92",
            "org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.doInvokeOnMessage:2785",
            "org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.invokeOnMessage:2763",
            "org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.doInvokeRecordListener:2677",
            "org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.doInvokeWithRecords:2527",
            "org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.invokeRecordListener:2416",
            "org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.invokeListener:2057",
            "org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.pollAndInvoke:1557",
            "org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.run:1372",
            "java.util.concurrent.CompletableFuture$AsyncRun.run:1804",
            "java.lang.Thread.run:1583");

    private static final List<StackTraceElement> SCHEDULED = frames(
            "jdk.internal.reflect.DirectMethodHandleAccessor.invoke:103",
            "java.lang.reflect.Method.invoke:580",
            "org.springframework.scheduling.support.ScheduledMethodRunnable.runInternal:130",
            "org.springframework.scheduling.support.ScheduledMethodRunnable.lambda$run$2:124",
            "io.micrometer.observation.Observation.observe:499",
            "org.springframework.scheduling.support.ScheduledMethodRunnable.run:124",
            "org.springframework.scheduling.support.DelegatingErrorHandlingRunnable.run:54",
            "java.util.concurrent.Executors$RunnableAdapter.call:572",
            "java.util.concurrent.FutureTask.runAndReset:358",
            "java.util.concurrent.ScheduledThreadPoolExecutor$ScheduledFutureTask.run:305",
            "java.util.concurrent.ThreadPoolExecutor.runWorker:1144",
            "java.util.concurrent.ThreadPoolExecutor$Worker.run:642",
            "java.lang.Thread.run:1583");

    /** Spring's exception translation around a repository call, ending in the repository proxy. */
    private static final List<StackTraceElement> TRANSLATION = frames(
            "org.springframework.orm.jpa.vendor.HibernateJpaDialect.convertHibernateAccessException:294",
            "org.springframework.orm.jpa.vendor.HibernateJpaDialect.translateExceptionIfPossible:241",
            "org.springframework.orm.jpa.AbstractEntityManagerFactoryBean.translateExceptionIfPossible:560",
            "org.springframework.dao.support.ChainedPersistenceExceptionTranslator.translateExceptionIfPossible:61",
            "org.springframework.dao.support.DataAccessUtils.translateIfNecessary:335",
            "org.springframework.dao.support.PersistenceExceptionTranslationInterceptor.invoke:160",
            "org.springframework.aop.framework.ReflectiveMethodInvocation.proceed:184",
            "org.springframework.aop.framework.JdkDynamicAopProxy.invoke:223",
            "jdk.proxy3.$Proxy187.saveAndFlush:-1");

    private static final List<StackTraceElement> HIBERNATE_FLUSH = frames(
            "org.hibernate.exception.internal.SQLStateConversionDelegate.convert:95",
            "org.hibernate.exception.internal.StandardSQLExceptionConverter.convert:58",
            "org.hibernate.engine.jdbc.spi.SqlExceptionHelper.convert:108",
            "org.hibernate.engine.jdbc.internal.ResultSetReturnImpl.executeUpdate:197",
            "org.hibernate.engine.jdbc.mutation.internal.AbstractMutationExecutor.performNonBatchedMutation:108",
            "org.hibernate.engine.jdbc.mutation.internal.MutationExecutorSingleNonBatched.performNonBatchedOperations:40",
            "org.hibernate.engine.spi.ActionQueue.executeActions:635",
            "org.hibernate.event.internal.AbstractFlushingEventListener.performExecutions:359",
            "org.hibernate.event.internal.DefaultFlushEventListener.onFlush:39",
            "org.hibernate.internal.SessionImpl.doFlush:1412",
            "org.hibernate.internal.SessionImpl.flush:1398",
            "org.springframework.data.jpa.repository.support.SimpleJpaRepository.saveAndFlush:660",
            "jdk.internal.reflect.DirectMethodHandleAccessor.invoke:103",
            "java.lang.reflect.Method.invoke:580",
            "org.springframework.data.repository.core.support.RepositoryMethodInvoker.invoke:170",
            "org.springframework.data.repository.core.support.RepositoryFactorySupport$ImplementationMethodExecutionInterceptor.invoke:516",
            "org.springframework.aop.framework.ReflectiveMethodInvocation.proceed:184");

    private static final List<StackTraceElement> PGJDBC = frames(
            "org.postgresql.core.v3.QueryExecutorImpl.receiveErrorResponse:2725",
            "org.postgresql.core.v3.QueryExecutorImpl.processResults:2412",
            "org.postgresql.core.v3.QueryExecutorImpl.execute:371",
            "org.postgresql.jdbc.PgStatement.executeInternal:502",
            "org.postgresql.jdbc.PgStatement.execute:419",
            "org.postgresql.jdbc.PgPreparedStatement.executeWithFlags:194",
            "org.postgresql.jdbc.PgPreparedStatement.executeUpdate:155",
            "com.zaxxer.hikari.pool.ProxyPreparedStatement.executeUpdate:61",
            "com.zaxxer.hikari.pool.HikariProxyPreparedStatement.executeUpdate:-1");

    private static final List<StackTraceElement> TX_BEGIN = frames(
            "org.springframework.orm.jpa.JpaTransactionManager.doBegin:466",
            "org.springframework.transaction.support.AbstractPlatformTransactionManager.startTransaction:531",
            "org.springframework.transaction.support.AbstractPlatformTransactionManager.getTransaction:405",
            "org.springframework.transaction.interceptor.TransactionAspectSupport.createTransactionIfNecessary:610");

    private static final List<StackTraceElement> HIKARI = frames(
            "org.hibernate.exception.internal.SQLStateConversionDelegate.convert:100",
            "org.hibernate.exception.internal.StandardSQLExceptionConverter.convert:58",
            "org.hibernate.engine.jdbc.spi.SqlExceptionHelper.convert:108",
            "com.zaxxer.hikari.pool.HikariPool.createTimeoutException:686",
            "com.zaxxer.hikari.pool.HikariPool.getConnection:179",
            "com.zaxxer.hikari.pool.HikariPool.getConnection:144",
            "com.zaxxer.hikari.HikariDataSource.getConnection:127",
            "org.hibernate.engine.jdbc.connections.internal.DatasourceConnectionProviderImpl.getConnection:122",
            "org.hibernate.internal.NonContextualJdbcConnectionAccess.obtainConnection:46",
            "org.hibernate.resource.jdbc.internal.LogicalConnectionManagedImpl.acquireConnectionIfNeeded:126",
            "org.hibernate.resource.jdbc.internal.LogicalConnectionManagedImpl.getPhysicalConnection:156",
            "org.hibernate.engine.transaction.internal.jdbc.JdbcResourceLocalTransactionCoordinatorImpl$TransactionDriverControlImpl.begin:247",
            "org.hibernate.engine.transaction.internal.TransactionImpl.begin:83",
            "org.springframework.orm.jpa.vendor.HibernateJpaDialect.beginTransaction:176");

    private static final List<StackTraceElement> REST_TEMPLATE = frames(
            "org.springframework.web.client.RestTemplate.createResourceAccessException:926",
            "org.springframework.web.client.RestTemplate.doExecute:906",
            "org.springframework.web.client.RestTemplate.execute:801",
            "org.springframework.web.client.RestTemplate.getForObject:400");

    private static final List<StackTraceElement> SOCKET_READ = frames(
            "sun.nio.ch.NioSocketImpl.timedRead:278",
            "sun.nio.ch.NioSocketImpl.implRead:304",
            "sun.nio.ch.NioSocketImpl.read:346",
            "sun.nio.ch.NioSocketImpl$1.read:796",
            "java.net.Socket$SocketInputStream.read:1099",
            "java.io.BufferedInputStream.fill:291",
            "java.io.BufferedInputStream.read1:347",
            "java.io.BufferedInputStream.implRead:420",
            "java.io.BufferedInputStream.read:399",
            "sun.net.www.http.HttpClient.parseHTTPHeader:827",
            "sun.net.www.http.HttpClient.parseHTTP:759",
            "sun.net.www.protocol.http.HttpURLConnection.getInputStream0:1705",
            "sun.net.www.protocol.http.HttpURLConnection.getInputStream:1614",
            "java.net.HttpURLConnection.getResponseCode:531",
            "org.springframework.http.client.SimpleClientHttpResponse.getStatusCode:55",
            "org.springframework.web.client.DefaultResponseErrorHandler.hasError:66",
            "org.springframework.web.client.RestTemplate.handleResponse:942",
            "org.springframework.web.client.RestTemplate.doExecute:891");
}
