package org.text2image.server.generation.queue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.text2image.server.generation.InvalidUploadException;
import org.text2image.server.generation.UploadedVideo;

/**
 * Verifies a video file of a completion before it is stored, from a file on disk (never all in
 * memory): it must be at most the model's size limit, declared as MP4 or WebM (by the part's
 * content type or, failing that, its file name's extension; the two must not disagree), its first bytes must be that
 * format's ({@code ftyp} at offset 4 for MP4, the EBML magic {@code 1A 45 DF A3} for WebM; a
 * {@code .mp4} holding WebM or PNG bytes is refused), its container must read whole
 * ({@link Mp4Check}, {@link WebmCheck}), and its frame size must be the job's (or the multiple of 8
 * below it, as for images). ComfyUI writes MP4 (H.264) from SaveVideo and WebM (VP9) from
 * SaveWEBM (docs/COMFYUI.md, "Video outputs").
 */
final class VideoCheck {

    static final String MP4 = "video/mp4";
    static final String WEBM = "video/webm";

    /** A file that does not read as the container it claims to be; the message says why, for the worker. */
    static final class BrokenVideoException extends Exception {

        BrokenVideoException(String message) {
            super(message);
        }
    }

    private VideoCheck() {
    }

    /** {@link UploadedVideo#declaredType}. */
    static Optional<String> declaredType(String contentType, String fileName) {
        return UploadedVideo.declaredType(contentType, fileName);
    }

    /**
     * Refuses a video larger than the model allows, from its size alone (before it is read).
     *
     * @throws InvalidUploadException naming the file, its size and the limit
     */
    static void checkSize(String fileName, long size, long maxBytes) {
        if (size > maxBytes) {
            throw new InvalidUploadException("\"" + fileName + "\" is " + size + " bytes; this model's videos may be at most "
                    + maxBytes + " bytes.");
        }
    }

    /**
     * Checks the video in {@code file} as described on the class.
     *
     * @param declaredType {@link #MP4} or {@link #WEBM}, from {@link #declaredType}
     * @param width the job's width in pixels
     * @param height the job's height in pixels
     * @return {@code declaredType}, now verified
     * @throws InvalidUploadException naming the file and what is wrong with it
     * @throws IOException when the file cannot be read
     */
    static String check(String fileName, String declaredType, Path file, long maxBytes, int width, int height)
            throws IOException {
        String name = "\"" + fileName + "\"";
        checkSize(fileName, Files.size(file), maxBytes);
        Optional<String> named = UploadedVideo.declaredType(null, fileName);
        if (named.isPresent() && !named.get().equals(declaredType)) {
            throw new InvalidUploadException(name + " is declared as " + declaredType + ", but its name says " + named.get() + ".");
        }
        String actual = sniff(file);
        if (!declaredType.equals(actual)) {
            throw new InvalidUploadException(name + " is declared as " + declaredType + ", but its bytes are "
                    + (actual == null ? "no MP4 or WebM video" : "of type " + actual) + ".");
        }
        int[] size;
        try {
            if (actual.equals(MP4)) {
                Mp4Check.Video video = Mp4Check.read(file);
                size = new int[] {video.width(), video.height()};
            } else {
                WebmCheck.Video video = WebmCheck.read(file);
                size = video.sizeKnown() ? new int[] {video.width(), video.height()} : null;
            }
        } catch (BrokenVideoException e) {
            throw new InvalidUploadException(name + " is not a whole " + (actual.equals(MP4) ? "MP4" : "WebM") + " video: "
                    + e.getMessage() + ".");
        }
        if (size != null && (!UploadedImages.fits(size[0], width) || !UploadedImages.fits(size[1], height))) {
            throw new InvalidUploadException(name + " is " + size[0] + "×" + size[1] + " pixels; this job asked for "
                    + width + "×" + height + ".");
        }
        return actual;
    }

    /** The type the first bytes say: {@link #MP4}, {@link #WEBM}, an image type, or null. */
    private static String sniff(Path file) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(12);
        }
        if (head.length >= 8 && head[4] == 'f' && head[5] == 't' && head[6] == 'y' && head[7] == 'p') {
            return MP4;
        }
        if (head.length >= 4 && (head[0] & 0xFF) == 0x1A && (head[1] & 0xFF) == 0x45 && (head[2] & 0xFF) == 0xDF
                && (head[3] & 0xFF) == 0xA3) {
            return WEBM;
        }
        return ImageFormats.sniff(head).orElse(null);
    }
}
