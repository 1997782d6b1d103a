package dev.looplab.platform.rest;

import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Set;

/**
 * Answers, before any resource or the servlet container sees them, the requests no part of the platform can
 * take, each with a JSON body that says why: a method Looplab never uses (405), a body larger than
 * {@code quarkus.http.limits.max-body-size} (413, naming the limit), and an {@code /api} path or query with a
 * NUL byte (400: it is never part of an id).
 */
@ApplicationScoped
public class RequestGuard {
    private static final Set<HttpMethod> METHODS = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST,
            HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.OPTIONS);

    @ConfigProperty(name = "quarkus.http.limits.max-body-size")
    MemorySize maxBody;

    void register(@Observes Filters filters) {
        filters.register(this::check, 100);
    }

    private void check(RoutingContext ctx) {
        HttpMethod method = ctx.request().method();
        if (!METHODS.contains(method)) {
            refuse(ctx, 405, "method " + method.name() + " is not used by Looplab: the REST API takes GET, POST,"
                    + " PUT and DELETE (see /q/openapi)");
            return;
        }
        String length = ctx.request().getHeader("Content-Length");
        if (length != null && tooLarge(length)) {
            refuse(ctx, 413, "the body is " + length + " bytes; the platform takes at most "
                    + megabytes(maxBody.asLongValue()) + " (quarkus.http.limits.max-body-size)");
            return;
        }
        String path = ctx.request().path();
        if (path != null && path.startsWith("/api/")
                && (hasControl(decode(path)) || hasControl(decode(ctx.request().query())))) {
            refuse(ctx, 400, "the path or query holds a NUL byte (%00); ids and names never do: check how the"
                    + " URL is built");
            return;
        }
        ctx.next();
    }

    private boolean tooLarge(String length) {
        try {
            return Long.parseLong(length.trim()) > maxBody.asLongValue();
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static void refuse(RoutingContext ctx, int status, String message) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .putHeader("Connection", "close")
                .end(new JsonObject().put("error", message).put("status", status).encode());
    }

    private static String megabytes(long bytes) {
        return bytes % (1024 * 1024) == 0 ? bytes / (1024 * 1024) + " MB" : bytes + " bytes";
    }

    /** Percent-decodes without failing on a malformed escape (it stays as written). */
    static String decode(String text) {
        if (text == null || text.indexOf('%') < 0) {
            return text == null ? "" : text;
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%' && i + 2 < text.length()) {
                int value = Character.digit(text.charAt(i + 1), 16) * 16 + Character.digit(text.charAt(i + 2), 16);
                if (value >= 0 && Character.digit(text.charAt(i + 1), 16) >= 0
                        && Character.digit(text.charAt(i + 2), 16) >= 0) {
                    out.append((char) value);
                    i += 2;
                    continue;
                }
            }
            out.append(c);
        }
        return out.toString();
    }

    /** A NUL: no id or name holds one, and PostgreSQL refuses it in text. Tabs and the like are a name's own. */
    private static boolean hasControl(String text) {
        return text.indexOf('\u0000') >= 0;
    }
}
