package io.sslstream.registry.rest;

import io.sslstream.service.rest.ProblemException;

/**
 * Parses numeric path and query parameters: JAX-RS would answer a non-number with a bare 404, the API answers
 * with a 400 naming the parameter.
 */
final class Params {

    private Params() {
    }

    static int integer(String name, String value, int defaultValue) {
        if (value == null || value.isEmpty()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw ProblemException.badRequest("invalid-parameter", "Invalid parameter",
                    name + " must be an integer, got: " + value);
        }
    }

    static int version(String value) {
        int v = integer("version", value, 0);
        if (v < 1) {
            throw ProblemException.badRequest("invalid-parameter", "Invalid parameter",
                    "version must be an integer >= 1, got: " + value);
        }
        return v;
    }
}
