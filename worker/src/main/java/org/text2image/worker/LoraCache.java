package org.text2image.worker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.text2image.worker.api.ClaimedJob;
import org.text2image.worker.api.ClaimedLora;
import org.text2image.worker.api.WorkerApi;

/**
 * The users' LoRAs a worker keeps for generation jobs, in the {@code text2image/} subfolder of its
 * ComfyUI's {@code models/loras} ({@link WorkerApi#LORA_SUBFOLDER}; no other file of that folder is
 * touched), each as {@code <sha256>.safetensors} ({@link WorkerApi#loraFileName}).
 *
 * <p>{@link #prepare} runs before a job's prompt is posted: it deletes the files of the claim's
 * {@code removedLoras}, then makes sure each of its {@code loras} is there. A file already there with
 * the claim's size is marked used (its last-modified time set to now; its SHA-256 was checked when it
 * arrived); a missing one, or one of another size, is fetched with
 * {@code GET /jobs/{id}/loras/{loraId}?attempt=N} into a temporary file in the same folder
 * ({@code .download-*.tmp}, which ComfyUI does not list), checked against the claim's size and
 * SHA-256 and moved into place atomically. Then, while the folder holds more than the limit, the
 * least recently used files are deleted (by last-modified time), never one the current job or the
 * job before it (which may still be running when the next is prefetched) needs.
 *
 * <p>Failures ({@link LoraException}): the server unreachable, a size or SHA-256 mismatch or a disk
 * error → retryable; the server refusing (404: the LoRA was deleted) → not retryable. A 409 is a
 * {@link StaleAttemptException}. Nothing of a failed download is left in the folder. Thread-safe
 * (one job's LoRAs at a time).
 */
public final class LoraCache {

    private static final Logger log = LoggerFactory.getLogger(LoraCache.class);
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final String SUFFIX = ".safetensors";

    private final Path folder;
    private final long maxBytes;
    private final WorkerApiClient server;
    private final Clock clock;
    private Set<Path> previousJob = Set.of(); // guarded by this
    private int downloads; // guarded by this

    /**
     * @param lorasDir ComfyUI's {@code models/loras} folder; its {@code text2image/} subfolder is
     *     created when first needed
     * @param maxBytes the most the subfolder holds after a job's LoRAs are in place (more only when
     *     the current job's LoRAs alone are larger)
     * @param clock the time a used file is marked with
     */
    public LoraCache(Path lorasDir, long maxBytes, WorkerApiClient server, Clock clock) {
        this.folder = Objects.requireNonNull(lorasDir, "lorasDir").resolve(WorkerApi.LORA_SUBFOLDER);
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be more than 0");
        }
        this.maxBytes = maxBytes;
        this.server = Objects.requireNonNull(server, "server");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The {@code text2image/} subfolder the LoRAs are kept in. */
    public Path folder() {
        return folder;
    }

    /** The file of a LoRA with this SHA-256 (lowercase hex). */
    public Path fileOf(String sha256) {
        return folder.resolve(sha256 + SUFFIX);
    }

    /** How many LoRA files were downloaded (and kept) since this cache was made. */
    public synchronized int downloads() {
        return downloads;
    }

    /**
     * Deletes the claim's {@code removedLoras}, then puts its {@code loras} in place and evicts
     * over the limit (see the class comment).
     *
     * @throws LoraException when a LoRA could not be put in place
     * @throws StaleAttemptException when the server says the attempt is no longer ours
     * @throws InterruptedException when the worker is stopping during a download
     */
    synchronized void prepare(ClaimedJob job) throws InterruptedException {
        forget(job.removedLoras());
        if (job.loras().isEmpty()) {
            return;
        }
        Set<Path> needed = new HashSet<>();
        for (ClaimedLora lora : job.loras()) {
            needed.add(ensure(job, lora));
        }
        Set<Path> kept = new HashSet<>(needed);
        kept.addAll(previousJob);
        evict(kept);
        previousJob = Set.copyOf(needed);
    }

    /**
     * Deletes the cached files of these SHA-256 hashes (LoRAs their owners deleted); hashes that
     * are not 64 lowercase hex digits, and files that are not there, are skipped.
     */
    public synchronized void forget(Collection<String> sha256s) {
        for (String sha256 : sha256s) {
            if (sha256 == null || !SHA256.matcher(sha256).matches()) {
                continue;
            }
            try {
                if (Files.deleteIfExists(fileOf(sha256))) {
                    log.info("removed deleted LoRA {} from the cache", sha256);
                }
            } catch (IOException e) {
                log.warn("could not remove deleted LoRA {}: {}", sha256, e.getMessage());
            }
        }
    }

    private Path ensure(ClaimedJob job, ClaimedLora lora) throws InterruptedException {
        if (lora.sha256() == null || !SHA256.matcher(lora.sha256()).matches() || lora.sizeBytes() <= 0) {
            throw new LoraException("the server described LoRA " + lora.id() + " with SHA-256 '" + lora.sha256()
                    + "' and size " + lora.sizeBytes() + ", which the worker cannot check", false, null);
        }
        Path target = fileOf(lora.sha256());
        try {
            if (Files.isRegularFile(target)) {
                if (Files.size(target) == lora.sizeBytes()) {
                    Files.setLastModifiedTime(target, FileTime.from(clock.instant()));
                    return target;
                }
                // Cut short or changed on disk since it was checked: fetched again (the hash is not re-read on each job).
                log.warn("cached LoRA {} has {} bytes, not {}: fetching it again", target.getFileName(), Files.size(target),
                        lora.sizeBytes());
            }
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new LoraException("could not use the LoRA folder " + folder + ": " + e.getMessage(), true, e);
        }
        download(job, lora, target);
        return target;
    }

    private void download(ClaimedJob job, ClaimedLora lora, Path target) throws InterruptedException {
        Path part;
        try {
            part = Files.createTempFile(folder, ".download-", ".tmp");
        } catch (IOException e) {
            throw new LoraException("could not create a file in the LoRA folder " + folder + ": " + e.getMessage(), true, e);
        }
        try {
            fetch(job, lora, part);
            String sha256 = sha256(part);
            long size = Files.size(part);
            if (size != lora.sizeBytes() || !sha256.equals(lora.sha256())) {
                throw new LoraException("LoRA " + lora.id() + " arrived with " + size + " bytes and SHA-256 " + sha256
                        + ", not the " + lora.sizeBytes() + " bytes and " + lora.sha256() + " the claim named", true, null);
            }
            Files.setLastModifiedTime(part, FileTime.from(clock.instant()));
            try {
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
            }
            downloads++;
            log.info("job {} attempt {}: LoRA {} ({} bytes) downloaded into {}", job.jobId(), job.attempt(), lora.id(),
                    size, target);
        } catch (IOException e) {
            throw new LoraException("could not store LoRA " + lora.id() + " in " + folder + ": " + e.getMessage(), true, e);
        } finally {
            try {
                Files.deleteIfExists(part);
            } catch (IOException e) {
                log.warn("could not delete {}: {}", part, e.getMessage());
            }
        }
    }

    private void fetch(ClaimedJob job, ClaimedLora lora, Path part) throws InterruptedException {
        try {
            // one byte more than named, so a longer file is caught as a mismatch below (retryable)
            server.lora(job.jobId(), lora.id(), job.attempt(), part, Math.max(lora.sizeBytes(), lora.sizeBytes() + 1));
        } catch (StaleAttemptException e) {
            throw e;
        } catch (WorkerApiUnavailableException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("worker stopping");
            }
            throw new LoraException("could not fetch LoRA " + lora.id() + " from the server: " + e.getMessage(), true, e);
        } catch (WorkerApiException e) {
            throw new LoraException("the server did not send LoRA " + lora.id() + ": " + e.getMessage(), false, e);
        }
    }

    /** Deletes least recently used files while the folder holds more than the limit, keeping {@code kept}. */
    private void evict(Set<Path> kept) {
        List<Cached> files = new ArrayList<>();
        try (Stream<Path> list = Files.list(folder)) {
            for (Path path : list.toList()) {
                String name = path.getFileName().toString();
                if (name.endsWith(SUFFIX) && SHA256.matcher(name.substring(0, name.length() - SUFFIX.length())).matches()
                        && Files.isRegularFile(path)) {
                    files.add(new Cached(path, Files.size(path), Files.getLastModifiedTime(path)));
                }
            }
        } catch (IOException e) {
            log.warn("could not list the LoRA folder {}: {}", folder, e.getMessage());
            return;
        }
        long total = files.stream().mapToLong(Cached::size).sum();
        files.sort(Comparator.comparing(Cached::used));
        for (Cached file : files) {
            if (total <= maxBytes) {
                break;
            }
            if (kept.contains(file.path())) {
                continue;
            }
            try {
                Files.deleteIfExists(file.path());
                total -= file.size();
                log.info("removed least recently used LoRA {} ({} bytes) from the cache", file.path().getFileName(), file.size());
            } catch (IOException e) {
                log.warn("could not remove {}: {}", file.path(), e.getMessage());
            }
        }
    }

    private record Cached(Path path, long size, FileTime used) {
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
