package dev.looplab.platform.rest;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.LinkedHashMap;
import java.util.Map;

/** The one shape of an error answer: {@code {"error": "<what and the fix>", "status": n}} as JSON. */
public final class ErrorBody {

    private ErrorBody() {
    }

    public static Response of(int status, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message == null || message.isBlank() ? Response.Status.fromStatusCode(status) + "" : message);
        body.put("status", status);
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(body).build();
    }
}
