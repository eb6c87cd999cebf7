package io.tocsin.routing;

import io.tocsin.model.Alert;
import io.tocsin.model.ConfigException;
import io.tocsin.model.Settings;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Routes (first match wins, the default route last), recurring maintenance windows and inhibition rules, from
 * configuration:
 * <pre>
 * routes=oncall,shop
 * route.oncall.match.environment=prod
 * route.oncall.match.kind=INSTANCE_DOWN,SERVICE_DOWN
 * route.oncall.webhook.url=https://hooks.slack.com/services/…     (or route.oncall.channel=#oncall with slack.token)
 * route.oncall.mention=&lt;!subteam^S0123&gt;
 * maintenance.nightly.match.service=shop
 * maintenance.nightly.time=03:00-09:00
 * maintenance.nightly.zone=Asia/Seoul
 * maintenance.nightly.days=MON,TUE,WED,THU,FRI,SAT,SUN
 * inhibit.database.source=db
 * inhibit.database.targets=orders,billing
 * inhibit.database.max-duration=2h      (the longest an outage of the source holds its targets' alerts back)
 * </pre>
 */
public record RoutingRules(List<Route> routes, List<MaintenanceWindow> maintenance, List<InhibitRule> inhibitions) {

    /** How long an outage or held-back alert can matter to inhibition: the longest bound of any rule. */
    public Duration inhibitionHorizon() {
        return inhibitions.stream().map(InhibitRule::maxDuration).max(Duration::compareTo).orElse(Duration.ZERO);
    }

    public static final String ROUTES = "routes";
    public static final List<String> PREFIXES = List.of("route.", "maintenance.", "inhibit.");

    public RoutingRules {
        routes = List.copyOf(routes);
        maintenance = List.copyOf(maintenance);
        inhibitions = List.copyOf(inhibitions);
    }

    /** The first route whose matchers match; the default route matches everything and comes last. */
    public Route routeFor(Alert alert) {
        for (Route r : routes) {
            if (r.matches(alert)) {
                return r;
            }
        }
        return routes.get(routes.size() - 1);
    }

    public Optional<Route> route(String name) {
        return routes.stream().filter(r -> r.name().equals(name)).findFirst();
    }

    public Optional<MaintenanceWindow> maintenanceFor(Alert alert) {
        return maintenance.stream().filter(w -> w.covers(alert)).findFirst();
    }

    public static RoutingRules from(Settings s, Route defaultRoute) {
        List<Route> routes = new ArrayList<>();
        for (String name : s.list(ROUTES, List.of())) {
            if (name.equals(Alert.DEFAULT_ROUTE)) {
                throw new ConfigException(ROUTES, "'default' is always the last route; configure it with slack.* keys");
            }
            String p = "route." + name + ".";
            Optional<String> webhook = s.get(p + "webhook.url");
            Optional<String> channel = s.get(p + "channel");
            if (webhook.isEmpty() && channel.isEmpty()) {
                throw new ConfigException(p + "webhook.url", "route '" + name + "' needs a webhook.url or a channel");
            }
            webhook.ifPresent(u -> {
                if (!u.startsWith("http://") && !u.startsWith("https://")) {
                    throw new ConfigException(p + "webhook.url", "must be an http(s) URL");
                }
            });
            routes.add(new Route(name, matchers(s, p + "match."), webhook, channel, s.get(p + "mention")));
        }
        routes.add(defaultRoute);
        checkNoStrayNames(s, "route.", routes.stream().map(Route::name).toList());
        return new RoutingRules(routes, maintenanceWindows(s), inhibitions(s));
    }

    private static List<MaintenanceWindow> maintenanceWindows(Settings s) {
        List<MaintenanceWindow> out = new ArrayList<>();
        for (String name : names(s, "maintenance.")) {
            String p = "maintenance." + name + ".";
            String time = s.required(p + "time");
            String[] range = time.split("-");
            LocalTime from;
            LocalTime to;
            try {
                from = LocalTime.parse(range[0].trim());
                to = LocalTime.parse(range[1].trim());
            } catch (DateTimeParseException | ArrayIndexOutOfBoundsException e) {
                throw new ConfigException(p + "time", "must be HH:MM-HH:MM, was '" + time + "'");
            }
            ZoneId zone;
            try {
                zone = ZoneId.of(s.string(p + "zone", "UTC"));
            } catch (RuntimeException e) {
                throw new ConfigException(p + "zone", "is not a time zone id (e.g. Asia/Seoul)");
            }
            Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
            for (String d : s.list(p + "days", List.of("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"))) {
                days.add(day(p + "days", d));
            }
            out.add(new MaintenanceWindow(name, matchers(s, p + "match."), days, from, to, zone));
        }
        return out;
    }

    private static List<InhibitRule> inhibitions(Settings s) {
        List<InhibitRule> out = new ArrayList<>();
        for (String name : names(s, "inhibit.")) {
            String p = "inhibit." + name + ".";
            out.add(new InhibitRule(name, s.required(p + "source"), Set.copyOf(s.list(p + "targets", List.of())),
                    s.duration(p + "max-duration", InhibitRule.DEFAULT_MAX_DURATION, Duration.ofMinutes(1))));
        }
        return out;
    }

    private static Matchers matchers(Settings s, String prefix) {
        Map<String, Set<String>> fields = new LinkedHashMap<>();
        s.asMap().forEach((key, value) -> {
            if (key.startsWith(prefix)) {
                String field = key.substring(prefix.length());
                if (!Matchers.FIELDS.contains(field)) {
                    throw new ConfigException(key, "unknown matcher '" + field + "' (known: " + String.join(", ", Matchers.FIELDS) + ")");
                }
                fields.put(field, Set.copyOf(s.list(key, List.of())));
            }
        });
        return new Matchers(fields);
    }

    /** The {@code <name>} parts of keys {@code <prefix><name>.…}. */
    private static Set<String> names(Settings s, String prefix) {
        Set<String> names = new TreeSet<>();
        for (String key : s.asMap().keySet()) {
            if (key.startsWith(prefix) && key.indexOf('.', prefix.length()) > 0) {
                names.add(key.substring(prefix.length(), key.indexOf('.', prefix.length())));
            }
        }
        return names;
    }

    private static void checkNoStrayNames(Settings s, String prefix, List<String> declared) {
        for (String name : names(s, prefix)) {
            if (!declared.contains(name)) {
                throw new ConfigException(prefix + name, "route '" + name + "' is configured but not listed in '" + ROUTES + "'");
            }
        }
    }

    private static DayOfWeek day(String key, String d) {
        for (DayOfWeek day : DayOfWeek.values()) {
            if (day.name().startsWith(d.trim().toUpperCase(Locale.ROOT)) && d.trim().length() >= 2) {
                return day;
            }
        }
        throw new ConfigException(key, "'" + d + "' is not a day of the week");
    }
}
