package org.text2image.server.training.web;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * One-time keys of the dataset forms (New dataset, Add images): each rendered form carries a fresh
 * random key, and the first post of a key runs its action; a second post of the same key (a double
 * click, a reload of the post) waits for the first and gets its result, so it creates nothing
 * again. Keys are remembered per user for {@value #REMEMBERED_MINUTES} minutes in this server's
 * memory (a double click reaches one instance). A post whose action failed forgets its key, so the
 * corrected form (which carries a new key anyway) is never refused. A post without a well-formed
 * key just runs. (Train keys are kept by the training row itself, {@code lora_training.submit_key}.)
 */
@Component
class FormOnce {

    /** How long a key and its result are remembered. */
    static final int REMEMBERED_MINUTES = 10;
    /** What a key looks like (a UUID as the forms write it). */
    static final Pattern KEY = Pattern.compile("[0-9a-f-]{36}");
    private static final Duration REPLAY_WAIT = Duration.ofSeconds(30);

    private final Map<String, Claim> claims = new ConcurrentHashMap<>();

    /**
     * Runs {@code action} for the first post of {@code key} by {@code userId}; a repeated post gets
     * the first post's result (or its exception).
     */
    @SuppressWarnings("unchecked")
    <T> T once(long userId, String key, Supplier<T> action) {
        forgetOld();
        if (key == null || !KEY.matcher(key).matches()) {
            return action.get();
        }
        String name = userId + "/" + key;
        Claim claim = new Claim(System.nanoTime());
        Claim earlier = claims.putIfAbsent(name, claim);
        if (earlier != null) {
            return (T) earlier.await();
        }
        try {
            T result = action.get();
            claim.result.complete(result);
            return result;
        } catch (RuntimeException | Error e) {
            claims.remove(name, claim);
            claim.result.completeExceptionally(e);
            throw e;
        }
    }

    private void forgetOld() {
        long now = System.nanoTime();
        claims.values().removeIf(claim -> now - claim.startedNanos > TimeUnit.MINUTES.toNanos(REMEMBERED_MINUTES));
    }

    private record Claim(long startedNanos, CompletableFuture<Object> result) {

        Claim(long startedNanos) {
            this(startedNanos, new CompletableFuture<>());
        }

        Object await() {
            try {
                return result.get(REPLAY_WAIT.toSeconds(), TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException failure) {
                    throw failure;
                }
                throw new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } catch (TimeoutException e) {
                throw new IllegalStateException("The first post of this form did not finish in time", e);
            }
        }
    }
}
