package org.text2image.server.storage;

/**
 * Whether the image store can be reached, for a readiness check (an actuator
 * {@code HealthIndicator} can map it: {@code up} to UP, otherwise DOWN with {@code detail}).
 *
 * @param up whether the store answered as expected
 * @param detail what was checked, or why it failed (store, bucket/folder and the cause), for operators
 */
public record StorageHealth(boolean up, String detail) {

    /** The store answered. */
    public static StorageHealth up(String detail) {
        return new StorageHealth(true, detail);
    }

    /** The store could not be reached or refused the request. */
    public static StorageHealth down(String detail) {
        return new StorageHealth(false, detail);
    }
}
