package io.sslstream.kafka;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * A stand-in for a Quarkus service, for {@link ServiceProcessTest}: answers 200 on {@code /q/health/ready} and
 * {@code /q/health/live} at {@code -Dquarkus.http.port}, a JSON document on {@code /status} (404 below it), logs what it
 * was given, and exits with code 3 at once when {@code -Dfake.fail=true}.
 */
public final class FakeService {

    private FakeService() {
    }

    public static void main(String[] args) throws IOException {
        System.out.println("greeting " + System.getProperty("fake.greeting") + ", env " + System.getenv("FAKE_ENV")
                + ", in " + Path.of("").toAbsolutePath());
        if (Boolean.getBoolean("fake.fail")) {
            System.out.println("boom: told to fail");
            System.exit(3);
        }
        HttpServer server = HttpServer.create(new InetSocketAddress("localhost", Integer.getInteger("quarkus.http.port")), 0);
        server.createContext("/q/health/", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.createContext("/status", exchange -> {
            byte[] body = "{\"state\":\"running\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(exchange.getRequestURI().getPath().equals("/status") ? 200 : 404, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        System.out.println("fake service started");
    }

    /** A runnable jar of this class alone, as {@code java -jar} runs a service's. */
    static Path jar(Path file) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, FakeService.class.getName());
        String entry = FakeService.class.getName().replace('.', '/') + ".class";
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.putNextEntry(new JarEntry(entry));
            try (var in = FakeService.class.getClassLoader().getResourceAsStream(entry)) {
                in.transferTo(jar);
            }
            jar.closeEntry();
        }
        return file;
    }
}
