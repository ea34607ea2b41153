package io.sslstream.contracts.registry;

import java.util.List;

/**
 * One page of a listing.
 *
 * @param items  the page
 * @param offset index of the first item in the whole listing
 * @param limit  page size asked for
 * @param total  items in the whole listing
 */
public record Page<T>(List<T> items, int offset, int limit, long total) {
    public Page {
        items = List.copyOf(items);
    }
}
