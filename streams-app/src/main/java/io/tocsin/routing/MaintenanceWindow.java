package io.tocsin.routing;

import io.tocsin.model.Alert;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Set;

/**
 * A recurring quiet period, e.g. a service a hosting plan stops every night from 03:00 to 09:00 Asia/Seoul. A window
 * may wrap midnight ({@code 22:00-02:00} belongs to the day it starts). Evaluated at the alert's own time, so replay
 * gives the same answer.
 */
public record MaintenanceWindow(String name, Matchers matchers, Set<DayOfWeek> days, LocalTime from, LocalTime to, ZoneId zone) {

    public boolean covers(Alert alert) {
        return matchers.matches(alert) && covers(alert.timestamp());
    }

    boolean covers(Instant at) {
        ZonedDateTime local = at.atZone(zone);
        LocalTime time = local.toLocalTime();
        if (from.isBefore(to)) {
            return days.contains(local.getDayOfWeek()) && !time.isBefore(from) && time.isBefore(to);
        }
        // wraps midnight: the evening part belongs to today, the morning part to yesterday's window
        return (days.contains(local.getDayOfWeek()) && !time.isBefore(from))
                || (days.contains(local.getDayOfWeek().minus(1)) && time.isBefore(to));
    }
}
