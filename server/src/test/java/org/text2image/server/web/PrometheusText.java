package org.text2image.server.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scrape of {@code /actuator/prometheus} in Prometheus's text format, read into samples: each
 * line {@code name{label="value",…} number}; comments ({@code # HELP}, {@code # TYPE}) skipped.
 */
record PrometheusText(List<Sample> samples) {

    /** One sample: its series name, labels and value. */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})?\\s+(\\S+)(?:\\s+\\S+)?$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    static PrometheusText parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher matcher = LINE.matcher(line.strip());
            if (!matcher.matches()) {
                throw new IllegalArgumentException("Not a sample line: " + line);
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (matcher.group(2) != null) {
                Matcher label = LABEL.matcher(matcher.group(2));
                while (label.find()) {
                    labels.put(label.group(1), label.group(2));
                }
            }
            samples.add(new Sample(matcher.group(1), labels, Double.parseDouble(matcher.group(3))));
        }
        return new PrometheusText(List.copyOf(samples));
    }

    /** The sum of the samples of {@code name} whose labels include every pair of {@code labels} (0 when none). */
    double sum(String name, String... labels) {
        return samples.stream().filter(sample -> sample.name().equals(name) && has(sample, labels))
                .mapToDouble(Sample::value).sum();
    }

    /** Whether a sample of {@code name} with these labels exists. */
    boolean has(String name, String... labels) {
        return samples.stream().anyMatch(sample -> sample.name().equals(name) && has(sample, labels));
    }

    /** The samples of {@code name}. */
    List<Sample> of(String name) {
        return samples.stream().filter(sample -> sample.name().equals(name)).toList();
    }

    /** Every series name in the scrape. */
    Set<String> names() {
        Set<String> names = new TreeSet<>();
        samples.forEach(sample -> names.add(sample.name()));
        return names;
    }

    private static boolean has(Sample sample, String... labels) {
        for (int i = 0; i < labels.length; i += 2) {
            if (!labels[i + 1].equals(sample.labels().get(labels[i]))) {
                return false;
            }
        }
        return true;
    }
}
