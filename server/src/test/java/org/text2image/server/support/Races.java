package org.text2image.server.support;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Runs tasks at the same moment (behind a start gate), each on its own thread, for race tests. */
public final class Races {

    private Races() {
    }

    /** {@code threads} copies of {@code task}; their results in order. */
    public static <T> List<T> race(int threads, Callable<T> task) throws Exception {
        return race(Collections.nCopies(threads, task));
    }

    /** Each task on its own thread, released together; their results in task order (60 s at most each). */
    public static <T> List<T> race(List<? extends Callable<T>> tasks) throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        List<Future<T>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(tasks.size())) {
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(() -> {
                    gate.await();
                    return task.call();
                }));
            }
            gate.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(60, TimeUnit.SECONDS));
            }
            return results;
        }
    }
}
