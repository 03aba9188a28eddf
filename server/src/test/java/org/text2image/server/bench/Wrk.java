package org.text2image.server.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs {@code wrk} (2 threads, 32 connections) against one URL and reads its requests per second. */
final class Wrk {

    private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");

    private Wrk() {
    }

    /** What one run measured; {@code failures} counts non-2xx/3xx answers (they mean the figure is wrong). */
    record Result(double requestsPerSecond, long failures) {
        String describe() {
            return String.format(Locale.ROOT, "%,.0f req/s", requestsPerSecond) + (failures > 0 ? " (" + failures + " non-2xx!)" : "");
        }
    }

    /** {@code wrk -t2 -c32 -d<seconds>s [-H header] url}. */
    static Result run(String url, String header, int seconds) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("wrk", "-t2", "-c32", "-d" + seconds + "s"));
        if (header != null) {
            command.add("-H");
            command.add(header);
        }
        command.add(url);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        Matcher rate = RATE.matcher(output);
        if (!rate.find()) {
            throw new IllegalStateException("wrk printed no rate:\n" + output);
        }
        Matcher failures = NON_2XX.matcher(output);
        return new Result(Double.parseDouble(rate.group(1)), failures.find() ? Long.parseLong(failures.group(1)) : 0);
    }
}
