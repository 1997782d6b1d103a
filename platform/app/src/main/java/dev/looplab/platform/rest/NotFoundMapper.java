package dev.looplab.platform.rest;

import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** A 404 carries the sentence that says what was not found. */
@Provider
public class NotFoundMapper implements ExceptionMapper<NotFoundException> {
    @Override
    public Response toResponse(NotFoundException e) {
        String message = e.getMessage();
        // the framework's own 404 (no such path) says nothing useful
        if (message == null || message.startsWith("HTTP 404")) {
            message = "no such resource: the REST API is under /api (see /q/openapi)";
        }
        return ErrorBody.of(404, message);
    }
}
