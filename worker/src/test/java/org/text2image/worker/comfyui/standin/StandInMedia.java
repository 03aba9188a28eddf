package org.text2image.worker.comfyui.standin;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Tiny media files the stand-in writes for ComfyUI's animated and video save nodes, with the
 * signatures of the captured ComfyUI 0.8 files (docs/COMFYUI.md, "Video outputs"): an MP4 opens
 * with an {@code ftyp} box (brand {@code isom}), a WebM with the EBML magic {@code 1A 45 DF A3}
 * and doc type {@code webm}, an animated WebP with {@code RIFF....WEBP}. They are well-formed
 * containers without encoded frames: enough for the worker, which never decodes them.
 */
public final class StandInMedia {

    private StandInMedia() {
    }

    /** The extension each video-writing save node gives its file ({@code SaveVideo} format {@code auto}/{@code mp4}). */
    static String extension(String classType) {
        return switch (classType) {
            case "SaveVideo" -> "mp4";
            case "SaveWEBM" -> "webm";
            case "SaveAnimatedWEBP" -> "webp";
            default -> "png";
        };
    }

    /** Whether ComfyUI reports the node's output with {@code "animated": [true]}. */
    static boolean animated(String classType) {
        return switch (classType) {
            case "SaveVideo", "SaveWEBM", "SaveAnimatedWEBP", "SaveAnimatedPNG" -> true;
            default -> false;
        };
    }

    /** The file's bytes for an extension; {@code marker} makes each file's bytes distinct. */
    public static byte[] file(String extension, int marker) {
        return switch (extension.toLowerCase(Locale.ROOT)) {
            case "mp4" -> mp4(marker);
            case "webm" -> webm(marker);
            case "webp" -> webp(marker);
            default -> ("stand-in file " + marker).getBytes(StandardCharsets.US_ASCII);
        };
    }

    /** {@code ftyp} (isom, minor 0x200, compatible isom iso2 avc1 mp41) then a {@code free} box holding the marker. */
    public static byte[] mp4(int marker) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        box(out, "ftyp", concat(ascii("isom"), int32(0x200), ascii("isom"), ascii("iso2"), ascii("avc1"), ascii("mp41")));
        box(out, "free", int32(marker));
        return out.toByteArray();
    }

    /** An EBML header (version 1, doc type {@code webm} version 4), then an empty Segment and a Void element with the marker. */
    public static byte[] webm(int marker) {
        byte[] header = concat(bytes(0x42, 0x86, 0x81, 0x01), bytes(0x42, 0xF7, 0x81, 0x01), bytes(0x42, 0xF2, 0x81, 0x04),
                bytes(0x42, 0xF3, 0x81, 0x08), bytes(0x42, 0x82, 0x84), ascii("webm"), bytes(0x42, 0x87, 0x81, 0x04),
                bytes(0x42, 0x85, 0x81, 0x02));
        return concat(bytes(0x1A, 0x45, 0xDF, 0xA3, 0x80 | header.length), header,
                bytes(0x18, 0x53, 0x80, 0x67, 0x80), bytes(0xEC, 0x84), int32(marker));
    }

    /** {@code RIFF <size> WEBP} then a {@code VP8X} chunk with the animation flag and a 64×64 canvas. */
    public static byte[] webp(int marker) {
        byte[] vp8x = concat(ascii("VP8X"), le32(10), bytes(0x02, 0, 0, 0), bytes(63, 0, 0, 63, 0, 0));
        byte[] body = concat(ascii("WEBP"), vp8x, ascii("XMRK"), le32(4), int32(marker));
        return concat(ascii("RIFF"), le32(body.length), body);
    }

    private static void box(ByteArrayOutputStream out, String type, byte[] payload) {
        out.writeBytes(int32(8 + payload.length));
        out.writeBytes(ascii(type));
        out.writeBytes(payload);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] int32(int value) {
        return bytes(value >>> 24, value >>> 16, value >>> 8, value);
    }

    private static byte[] le32(int value) {
        return bytes(value, value >>> 8, value >>> 16, value >>> 24);
    }

    private static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
