package dev.cachai.etcd.gateway;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** etcd's gateway paths (from its google.api.http bindings) to full gRPC method names. */
final class Routes {
    private Routes() {}

    static Map<String, String> load() {
        Map<String, String> routes = new HashMap<>();
        try (var in = Routes.class.getResourceAsStream("routes.txt");
             var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                String[] parts = line.trim().split(" ");
                if (parts.length == 2) {
                    routes.put(parts[0], parts[1]);
                    // etcd 3.3 served the same API under /v3beta and /v3alpha; old clients still use them.
                    routes.put(parts[0].replaceFirst("^/v3/", "/v3beta/"), parts[1]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.copyOf(routes);
    }
}
