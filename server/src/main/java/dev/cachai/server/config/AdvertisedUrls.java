package dev.cachai.server.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

/**
 * etcd's {@code --advertise-client-urls}: the client URLs a member publishes to the cluster
 * (MemberList), comma-separated. A member listening on 0.0.0.0 needs them, or clients that learn
 * endpoints from MemberList (Patroni, etcd clients syncing their endpoints) are told 0.0.0.0.
 * Checked as etcd checks URLs, with its messages (Cachai serves no unix sockets).
 */
public final class AdvertisedUrls {
    private AdvertisedUrls() {}

    /** The URLs in {@code text}; empty for null or blank text (derive them from the listen address). */
    public static List<String> parse(String text) {
        List<String> urls = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return urls;
        }
        for (String part : text.split(",", -1)) {
            urls.add(requireValid(part.trim()));
        }
        return List.copyOf(urls);
    }

    static String requireValid(String url) {
        URI u;
        try {
            u = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("advertise-client-urls: invalid URL " + url + ": " + e.getReason());
        }
        if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
            throw new IllegalArgumentException("advertise-client-urls: URL scheme must be http or https: " + url);
        }
        if (u.getHost() == null || u.getPort() < 0) {
            throw new IllegalArgumentException(
                    "advertise-client-urls: URL address does not have the form \"host:port\": " + url);
        }
        boolean path = u.getRawPath() != null && !u.getRawPath().isEmpty();
        if (path || u.getRawQuery() != null || u.getRawFragment() != null || u.getRawUserInfo() != null) {
            throw new IllegalArgumentException("advertise-client-urls: URL must not contain a path: " + url);
        }
        return url;
    }
}
