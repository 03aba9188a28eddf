package org.text2image.server.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/** {@link ImageStore} on a local folder; writes go to a temporary file first, then move in place. */
@Component
@ConditionalOnProperty(name = "text2image.storage.type", havingValue = "local", matchIfMissing = true)
public class LocalFolderImageStore implements ImageStore {

    private final Path root;

    @Autowired
    LocalFolderImageStore(StorageProperties properties) {
        this(properties.localFolder());
    }

    /** A store on {@code folder} (made on the first write). */
    public LocalFolderImageStore(Path folder) {
        this.root = folder.toAbsolutePath().normalize();
    }

    /** The folder the keys are relative to. */
    public Path root() {
        return root;
    }

    @Override
    public void put(String key, byte[] bytes) {
        Path target = resolve(key);
        try {
            Files.createDirectories(target.getParent());
            Path temp = Files.createTempFile(target.getParent(), ".upload-", ".tmp");
            Files.write(temp, bytes);
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new StorageException("Could not store " + key, e);
        }
    }

    /** Copies the file to a temporary file in the key's folder, then moves it in place. */
    @Override
    public void put(String key, Path file) {
        Path target = resolve(key);
        try {
            Files.createDirectories(target.getParent());
            Path temp = Files.createTempFile(target.getParent(), ".upload-", ".tmp");
            try {
                Files.copy(file, temp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new StorageException("Could not store " + key, e);
        }
    }

    @Override
    public Optional<byte[]> get(String key) {
        try {
            return Optional.of(Files.readAllBytes(resolve(key)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new StorageException("Could not read " + key, e);
        }
    }

    @Override
    public Optional<Resource> resource(String key) {
        Path file = resolve(key);
        return Files.isRegularFile(file) ? Optional.of(new FileSystemResource(file)) : Optional.empty();
    }

    @Override
    public void delete(String key) {
        try {
            Files.deleteIfExists(resolve(key));
        } catch (IOException e) {
            throw new StorageException("Could not delete " + key, e);
        }
    }

    @Override
    public StorageHealth check() {
        Path existing = root; // the folder itself, or the nearest parent it would be made in
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing)) {
            return StorageHealth.down("local folder " + root + " is not a folder");
        }
        if (!Files.isWritable(existing)) {
            return StorageHealth.down("local folder " + root + " is not writable");
        }
        return StorageHealth.up("local folder " + root);
    }

    /** Whether {@code key} is a key this store accepts: letters, digits, {@code - _ . /}, no {@code ..}, relative. */
    public static boolean validKey(String key) {
        return key.matches("[A-Za-z0-9._/-]+") && !key.contains("..") && !key.startsWith("/");
    }

    private Path resolve(String key) {
        if (!validKey(key)) {
            throw new IllegalArgumentException("Bad storage key " + key);
        }
        return root.resolve(key);
    }
}
