package dev.looplab.platform.rest;

import dev.looplab.platform.messaging.Failures;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.jboss.logging.Logger;

/**
 * What no other mapper took: a failure of the platform itself, not of the request. A service that is down
 * answers 503 (try again); anything else 500 with the log line to look for. Client input never lands here:
 * each resource checks its input and answers 4xx.
 */
@Provider
public class ServerErrorMapper implements ExceptionMapper<RuntimeException> {
    private static final Logger LOG = Logger.getLogger(ServerErrorMapper.class);

    @Override
    public Response toResponse(RuntimeException e) {
        if (Failures.isTransient(e)) {
            LOG.warnf("answering 503: %s", Failures.describe(e));
            return ErrorBody.of(503, "a service the platform needs is unavailable (" + Failures.describe(e)
                    + "); try again shortly");
        }
        String id = Long.toHexString(System.nanoTime());
        LOG.errorf(e, "internal error %s", id);
        return ErrorBody.of(500, "internal error " + id + " (see the platform log for that id)");
    }
}
