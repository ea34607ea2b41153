package io.sslstream.augmenter.rest;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 9457 problem document, served as {@code application/problem+json}.
 *
 * @param type     URI naming the kind of problem
 * @param title    short summary, the same for every occurrence of the type
 * @param status   HTTP status
 * @param detail   this occurrence, naming the offending values
 * @param instance the request path
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance) {

    public static final String MEDIA_TYPE = "application/problem+json";

    /** Problem types are URNs under this prefix, e.g. {@code urn:sslstream:augmenter:problem:image-too-large}. */
    public static final String TYPE_PREFIX = "urn:sslstream:augmenter:problem:";
}
