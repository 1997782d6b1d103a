package dev.looplab.platform.rest;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * Every other answer the framework raises (405 wrong method, 415 wrong media type, 400 a path parameter that
 * is not a number, ...) as a JSON error body, instead of an empty one.
 */
@Provider
public class ClientErrorMapper implements ExceptionMapper<WebApplicationException> {
    @Override
    public Response toResponse(WebApplicationException e) {
        Response original = e.getResponse();
        int status = original == null ? 500 : original.getStatus();
        if (original != null && original.hasEntity()) {
            return original;
        }
        return ErrorBody.of(status, explain(status, e.getMessage()));
    }

    static String explain(int status, String message) {
        String said = message == null || message.startsWith("HTTP ") ? "" : message;
        return switch (status) {
            case 400 -> said.isEmpty() ? "the request is malformed: check the path parameters and the query" : said;
            case 405 -> "this method is not allowed on this path: see /q/openapi for the methods each path takes";
            case 406 -> "this path cannot answer in the requested media type: accept application/json";
            case 415 -> "the body's media type is not accepted here: send Content-Type: application/json";
            default -> said.isEmpty() ? "the request was refused (" + status + ")" : said;
        };
    }
}
