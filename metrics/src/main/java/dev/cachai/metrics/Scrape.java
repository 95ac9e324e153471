package dev.cachai.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A scrape in the text format, read back: every family's type and help, and every sample. Used
 * to check our output and to compare it with a real etcd's. Strict: a malformed line, a sample
 * before its TYPE line or a TYPE given twice is an error naming the line.
 */
public final class Scrape {
    /** One sample line: its name (with a histogram's _bucket/_sum/_count suffix), labels and value. */
    public record Sample(String name, Map<String, String> labels, double value) {}

    private final Map<String, MetricType> types = new LinkedHashMap<>();
    private final Map<String, String> helps = new LinkedHashMap<>();
    private final List<Sample> samples = new ArrayList<>();

    private Scrape() {}

    public static Scrape parse(String text) {
        Scrape scrape = new Scrape();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isBlank()) {
                continue;
            }
            try {
                scrape.read(line);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("line " + (i + 1) + " '" + line + "': " + e.getMessage(), e);
            }
        }
        return scrape;
    }

    private void read(String line) {
        if (line.startsWith("# HELP ")) {
            String rest = line.substring("# HELP ".length());
            int space = rest.indexOf(' ');
            helps.put(space < 0 ? rest : rest.substring(0, space), space < 0 ? "" : unescape(rest.substring(space + 1)));
        } else if (line.startsWith("# TYPE ")) {
            String[] parts = line.substring("# TYPE ".length()).split(" ");
            if (parts.length != 2) {
                throw new IllegalArgumentException("TYPE needs a name and a type");
            }
            if (types.putIfAbsent(parts[0], MetricType.ofText(parts[1])) != null) {
                throw new IllegalArgumentException("second TYPE line for " + parts[0]);
            }
        } else if (!line.startsWith("#")) {
            Sample s = new SampleReader(line).read();
            if (family(s.name()).isEmpty()) {
                throw new IllegalArgumentException("sample " + s.name() + " before its TYPE line");
            }
            samples.add(s);
        }
    }

    /** The family a sample name belongs to: itself, or a histogram's or summary's name for its suffixed series. */
    public Optional<String> family(String sampleName) {
        if (types.containsKey(sampleName)) {
            return Optional.of(sampleName);
        }
        for (String suffix : List.of("_bucket", "_sum", "_count")) {
            if (sampleName.endsWith(suffix)) {
                String base = sampleName.substring(0, sampleName.length() - suffix.length());
                MetricType type = types.get(base);
                if (type == MetricType.HISTOGRAM || type == MetricType.SUMMARY && !suffix.equals("_bucket")) {
                    return Optional.of(base);
                }
            }
        }
        return Optional.empty();
    }

    public Map<String, MetricType> types() {
        return types;
    }

    public Map<String, String> helps() {
        return helps;
    }

    public List<Sample> samples() {
        return samples;
    }

    /** The value of the one sample with this name and exactly these labels (name, value, name, value...). */
    public Optional<Double> value(String name, String... labels) {
        Map<String, String> wanted = new LinkedHashMap<>();
        for (int i = 0; i + 1 < labels.length; i += 2) {
            wanted.put(labels[i], labels[i + 1]);
        }
        return samples.stream().filter(s -> s.name().equals(name) && s.labels().equals(wanted))
                .map(Sample::value).findFirst();
    }

    private static String unescape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char next = s.charAt(++i);
                out.append(next == 'n' ? '\n' : next);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Reads {@code name{label="value",...} value [timestamp]}. */
    private static final class SampleReader {
        private final String line;
        private int at;

        SampleReader(String line) {
            this.line = line;
        }

        Sample read() {
            String name = token("_:");
            if (name.isEmpty()) {
                throw new IllegalArgumentException("no metric name");
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (at < line.length() && line.charAt(at) == '{') {
                at++;
                while (line.charAt(at) != '}') {
                    String label = token("_");
                    expect('=');
                    expect('"');
                    if (labels.put(label, quoted()) != null) {
                        throw new IllegalArgumentException("label " + label + " given twice");
                    }
                    if (line.charAt(at) == ',') {
                        at++;
                    }
                }
                at++;
            }
            expect(' ');
            String[] rest = line.substring(at).split(" ");
            if (rest.length > 2) {
                throw new IllegalArgumentException("text after the value and timestamp");
            }
            return new Sample(name, labels, value(rest[0]));
        }

        private String token(String extra) {
            int start = at;
            while (at < line.length() && (Character.isLetterOrDigit(line.charAt(at)) || extra.indexOf(line.charAt(at)) >= 0)) {
                at++;
            }
            return line.substring(start, at);
        }

        private String quoted() {
            StringBuilder out = new StringBuilder();
            while (line.charAt(at) != '"') {
                char c = line.charAt(at++);
                if (c == '\\') {
                    char next = line.charAt(at++);
                    out.append(next == 'n' ? '\n' : next);
                } else {
                    out.append(c);
                }
            }
            at++;
            return out.toString();
        }

        private void expect(char c) {
            if (at >= line.length() || line.charAt(at) != c) {
                throw new IllegalArgumentException("expected '" + c + "' at column " + (at + 1));
            }
            at++;
        }

        private static double value(String text) {
            return switch (text) {
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                case "NaN" -> Double.NaN;
                default -> Double.parseDouble(text);
            };
        }
    }
}
