package dev.cachai.etcd.gateway;

import java.util.ArrayList;
import java.util.List;

/** Splits a body of concatenated JSON objects (a client stream sent over HTTP/1.1). */
final class JsonObjects {
    private JsonObjects() {}

    static List<String> split(String body) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = -1;
        boolean inString = false;
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{') {
                if (depth++ == 0) {
                    start = i;
                }
            } else if (c == '}' && --depth == 0) {
                out.add(body.substring(start, i + 1));
            }
        }
        return out;
    }
}
