package io.sslstream.registry.it;

import io.sslstream.contracts.registry.Sha256;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;

/** Plain {@link HttpURLConnection} calls that stream bodies both ways, for payloads larger than any heap here. */
final class Http {

    private Http() {
    }

    /** A response: status, body as text (small ones only) or its digest and length (downloads). */
    record Result(int status, String text, String sha256, long length) {
    }

    /** PUTs the payload as a chunked body (no Content-Length: the server must count while it streams). */
    static Result upload(URI url, Payload payload, String token, Payload.Progress progress) throws IOException {
        HttpURLConnection c = (HttpURLConnection) url.toURL().openConnection();
        c.setRequestMethod("PUT");
        c.setDoOutput(true);
        c.setChunkedStreamingMode(Payload.CHUNK);
        c.setReadTimeout(300_000);
        c.setRequestProperty("Content-Type", "application/octet-stream");
        if (token != null) {
            c.setRequestProperty("Authorization", "Bearer " + token);
        }
        try (OutputStream out = c.getOutputStream()) {
            payload.writeTo(out, progress);
        }
        return text(c);
    }

    static Result json(String method, URI url, String token, String body) throws IOException {
        return json(method, url, token, body, Map.of());
    }

    /** As {@link #json(String, URI, String, String)}, with more request headers. */
    static Result json(String method, URI url, String token, String body, Map<String, String> headers) throws IOException {
        HttpURLConnection c = (HttpURLConnection) url.toURL().openConnection();
        c.setRequestMethod(method);
        headers.forEach(c::setRequestProperty);
        if (token != null) {
            c.setRequestProperty("Authorization", "Bearer " + token);
        }
        if (body != null) {
            c.setDoOutput(true);
            c.setRequestProperty("Content-Type", "application/json");
            try (OutputStream out = c.getOutputStream()) {
                out.write(body.getBytes(StandardCharsets.UTF_8));
            }
        }
        return text(c);
    }

    /** GETs a body into a digest, never into memory. */
    static Result download(URI url, Map<String, String> headers) throws IOException {
        HttpURLConnection c = (HttpURLConnection) url.toURL().openConnection();
        c.setReadTimeout(300_000);
        headers.forEach(c::setRequestProperty);
        int status = c.getResponseCode();
        if (status / 100 != 2) {
            return text(c);
        }
        MessageDigest d = Sha256.newDigest();
        long length = 0;
        byte[] buf = new byte[Payload.CHUNK];
        try (InputStream in = c.getInputStream()) {
            for (int n; (n = in.read(buf)) != -1; ) {
                d.update(buf, 0, n);
                length += n;
            }
        }
        return new Result(status, null, Sha256.hex(d), length);
    }

    private static Result text(HttpURLConnection c) throws IOException {
        int status = c.getResponseCode();
        InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
        String text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        return new Result(status, text, null, -1);
    }
}
