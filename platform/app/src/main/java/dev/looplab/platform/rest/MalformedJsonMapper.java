package dev.looplab.platform.rest;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.stream.Collectors;

/**
 * A body that is not valid JSON, or JSON of the wrong shape: 400 naming the field (when there is one) and the
 * fix. Declared as server mappers so they win over the framework's built-in ones, which answer with an empty
 * body or the parser's internals.
 */
public class MalformedJsonMapper {

    @ServerExceptionMapper
    public Response notJson(JsonParseException e) {
        return answer(e);
    }

    @ServerExceptionMapper
    public Response wrongShape(MismatchedInputException e) {
        return answer(e);
    }

    @ServerExceptionMapper
    public Response wrongValue(InvalidFormatException e) {
        return answer(e);
    }

    @ServerExceptionMapper
    public Response refusedByRecord(ValueInstantiationException e) {
        return answer(e);
    }

    @ServerExceptionMapper
    public Response otherJson(JsonProcessingException e) {
        return answer(e);
    }

    static Response answer(JsonProcessingException e) {
        String field = e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()
                ? mapping.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")) : null;
        String problem = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
        int newline = problem.indexOf('\n');
        problem = newline > 0 ? problem.substring(0, newline) : problem;
        problem = problem.length() > 300 ? problem.substring(0, 300) + "..." : problem;
        return ErrorBody.of(400, (field == null ? "the body is not valid JSON: " : "field '" + field + "' is wrong: ")
                + problem + "; send a JSON object as documented in docs/events.md and /q/openapi");
    }
}
