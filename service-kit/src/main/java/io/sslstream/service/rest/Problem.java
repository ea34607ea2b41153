package io.sslstream.service.rest;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 9457 problem document, served as {@value #MEDIA_TYPE}: the body of every error a service answers.
 *
 * @param type     URI naming the kind of problem: {@code urn:sslstream:<service>:problem:<slug>}, or
 *                 {@value #ABOUT_BLANK} when the status says it all (an unknown path, a wrong method)
 * @param title    short summary, the same for every occurrence of the type
 * @param status   HTTP status
 * @param detail   this occurrence, naming the offending values
 * @param instance the request path
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance) {

    public static final String MEDIA_TYPE = "application/problem+json";

    /** The type of a problem that has no type of its own (RFC 9457, section 4.2.1). */
    public static final String ABOUT_BLANK = "about:blank";

    /** The prefix of a service's problem types, e.g. {@code urn:sslstream:registry:problem:}. */
    public static String typePrefix(String service) {
        return "urn:sslstream:" + service + ":problem:";
    }
}
