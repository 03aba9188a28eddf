package org.text2image.server.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs {@code wrk}: 2 threads and 32 connections against one URL (requests per second), or the
 * Generate form posts of {@code bench/submits.lua}.
 */
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

    /** What a {@link #submits} run measured. */
    record Submits(double acceptedPerSecond, long refused, double medianMs) {
    }

    private static final Pattern SUBMITS = Pattern.compile("accepted (\\d+) refused (\\d+) p50 ([0-9.]+)");

    /**
     * {@code wrk -t<connections> -c<connections>} with {@code bench/submits.lua}: Generate form
     * posts by {@code users} in turn, each on one connection per thread; counts the posts answered
     * with the redirect to a new job.
     */
    static Submits submits(URI base, List<SiteClient> users, int connections, int seconds, Path work) throws Exception {
        Path usersFile = work.resolve("submit-users.tsv");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < users.size(); i++) {
            lines.add(users.get(i).cookieHeader() + "\t" + users.get(i).submitBody("load " + i));
        }
        Files.write(usersFile, lines);
        Path script = work.resolve("submits.lua");
        try (InputStream in = Wrk.class.getResourceAsStream("/bench/submits.lua")) {
            Files.copy(Objects.requireNonNull(in, "bench/submits.lua"), script, StandardCopyOption.REPLACE_EXISTING);
        }
        ProcessBuilder builder = new ProcessBuilder("wrk", "-t" + connections, "-c" + connections, "-d" + seconds + "s",
                "-s", script.toString(), base.resolve("/generate").toString()).redirectErrorStream(true);
        builder.environment().put("T2I_SUBMIT_USERS", usersFile.toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        Matcher counts = SUBMITS.matcher(output);
        if (!counts.find()) {
            throw new IllegalStateException("wrk printed no submit counts:\n" + output);
        }
        return new Submits(Long.parseLong(counts.group(1)) / (double) seconds, Long.parseLong(counts.group(2)),
                Double.parseDouble(counts.group(3)));
    }
}
