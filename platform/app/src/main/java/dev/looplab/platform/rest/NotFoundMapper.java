package dev.looplab.platform.rest;

import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import java.util.Map;

/** A 404 carries the sentence that says what was not found. */
@Provider
public class NotFoundMapper implements ExceptionMapper<NotFoundException> {
    @Override
    public Response toResponse(NotFoundException e) {
        return Response.status(404).type(MediaType.APPLICATION_JSON)
                .entity(Map.of("error", e.getMessage() == null ? "not found" : e.getMessage())).build();
    }
}
