package dev.looplab.platform.rest;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * What reaches the servlet container under {@code /api} is a request no REST resource took (an unknown path, or
 * a method the path does not take): it gets a JSON 404 naming the path and method, not the container's HTML page.
 */
@WebServlet(urlPatterns = "/api/*")
public class ApiFallbackServlet extends HttpServlet {

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getRequestURI();
        path = path.length() > 120 ? path.substring(0, 120) + "..." : path;
        String body = "{\"error\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf("no resource takes "
                + request.getMethod() + " " + path + ": the REST API and the methods of each path are listed at"
                + " /q/openapi") + ",\"status\":404}";
        response.setStatus(404);
        response.setContentType("application/json");
        response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
    }
}
