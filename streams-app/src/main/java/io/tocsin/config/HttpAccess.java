package io.tocsin.config;

import io.tocsin.model.ConfigException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;

/**
 * Who may use the HTTP API. Reads are open unless {@code tokenForReads}; every change (creating or expiring a
 * silence) needs {@code Authorization: Bearer <token>}. Without a token, changes are allowed only while the API
 * listens on a loopback address (a developer's own machine), never on an address others can reach. {@code basePath}
 * is the prefix a reverse proxy may keep in front of every path ("" for none).
 */
public record HttpAccess(String bind, Optional<String> token, boolean tokenForReads, Duration silenceMaxDuration,
                         String basePath) {

    public HttpAccess {
        try {
            InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new ConfigException(AppConfig.HTTP_BIND.name(), "is not an address of this host: " + bind);
        }
        if (token.isPresent() && token.get().length() < 16) {
            throw new ConfigException(AppConfig.HTTP_TOKEN.name(), "must be at least 16 characters");
        }
    }

    public boolean loopbackOnly() {
        try {
            return InetAddress.getByName(bind).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Whether a change may be made without a token: only on a loopback-only API with no token configured. */
    public boolean openForChanges() {
        return token.isEmpty() && loopbackOnly();
    }
}
