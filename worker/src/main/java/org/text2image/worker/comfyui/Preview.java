package org.text2image.worker.comfyui;

/**
 * A preview image from a binary WebSocket frame: 4-byte big-endian event type (1 = preview image),
 * 4-byte big-endian format, then the image bytes (docs/COMFYUI.md, "Following a prompt").
 *
 * @param format 1 = JPEG, 2 = PNG
 * @param bytes the encoded image
 */
public record Preview(int format, byte[] bytes) {

    /** The MIME type of {@link #bytes}. */
    public String contentType() {
        return format == 2 ? "image/png" : "image/jpeg";
    }
}
