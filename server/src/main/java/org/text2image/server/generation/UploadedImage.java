package org.text2image.server.generation;

/**
 * One file of a worker's completion upload.
 *
 * @param fileName the name the worker gave it (only for messages)
 * @param bytes the file's content; its type is detected from the bytes, not trusted from the upload
 */
public record UploadedImage(String fileName, byte[] bytes) {
}
