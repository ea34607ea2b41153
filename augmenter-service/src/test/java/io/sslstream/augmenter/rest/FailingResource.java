package io.sslstream.augmenter.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/** Test only: an endpoint with a bug, to see what an unexpected error answers. */
@Path(FailingResource.PATH)
public class FailingResource {

    static final String PATH = "/test/failing";

    @GET
    public String fail() {
        throw new IllegalStateException("a bug, on purpose");
    }
}
