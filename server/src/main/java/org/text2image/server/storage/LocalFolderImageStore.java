package org.text2image.server.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.stereotype.Component;

/** {@link ImageStore} on a local folder; writes go to a temporary file first, then move in place. */
@Component
class LocalFolderImageStore implements ImageStore {

    private final Path root;

    LocalFolderImageStore(StorageProperties properties) {
        this.root = properties.localFolder().toAbsolutePath().normalize();
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

    /** The folder exists (or is made now) and a file can be written in it and removed. */
    @Override
    public void check() {
        try {
            Files.createDirectories(root);
            Path probe = Files.createTempFile(root, ".health-", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new StorageException("The image folder " + root + " is not writable: " + e, e);
        }
    }

    private Path resolve(String key) {
        if (!key.matches("[A-Za-z0-9._/-]+") || key.contains("..") || key.startsWith("/")) {
            throw new IllegalArgumentException("Bad storage key " + key);
        }
        return root.resolve(key);
    }
}
