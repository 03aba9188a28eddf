package org.text2image.server.support;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Races for tests: one task on many threads that are released at the same moment. */
public final class Concurrently {

    private static final long WAIT_SECONDS = 60;

    private Concurrently() {
    }

    /**
     * Runs {@code task} once on each of {@code threads} threads, all started together.
     *
     * @return the results, one per thread
     * @throws java.util.concurrent.ExecutionException when a task threw
     * @throws java.util.concurrent.TimeoutException when a task is still running after 60 s (a hang, not a slow run)
     */
    public static <T> List<T> run(int threads, Callable<T> task) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<T>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.call();
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(WAIT_SECONDS, TimeUnit.SECONDS));
            }
            return results;
        }
    }
}
