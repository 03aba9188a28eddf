package org.text2image.server.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/** Closed-loop load: a fixed number of threads repeating one operation for a while. */
final class Load {

    private Load() {
    }

    /** One operation of thread {@code thread}, iteration {@code i}; returns whether it counts (e.g. was accepted). */
    interface Operation {
        boolean run(int thread, long i) throws Exception;
    }

    /** Operations counted per second, and the median time of one operation in milliseconds. */
    record Result(double perSecond, double medianMs, long refused) {
    }

    /** Runs {@code operation} on {@code threads} threads for {@code duration}. */
    static Result run(int threads, Duration duration, Operation operation) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<Double> times = new ConcurrentLinkedQueue<>();
        List<Future<long[]>> counts = new ArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            counts.add(pool.submit(() -> {
                long done = 0;
                long refused = 0;
                for (long i = 0; !stop.get(); i++) {
                    long begin = System.nanoTime();
                    boolean counted = operation.run(thread, i);
                    times.add((System.nanoTime() - begin) / 1e6);
                    if (counted) {
                        done++;
                    } else {
                        refused++;
                    }
                }
                return new long[] {done, refused};
            }));
        }
        Thread.sleep(duration.toMillis());
        stop.set(true);
        long done = 0;
        long refused = 0;
        for (Future<long[]> count : counts) {
            long[] c = count.get();
            done += c[0];
            refused += c[1];
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        return new Result(done / seconds, percentile(new ArrayList<>(times), 50), refused);
    }

    static double percentile(List<Double> values, int percentile) {
        List<Double> sorted = values.stream().sorted().toList();
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.clamp(index, 0, sorted.size() - 1));
    }
}
