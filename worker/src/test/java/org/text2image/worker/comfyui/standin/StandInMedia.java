package org.text2image.worker.comfyui.standin;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.jcodec.api.SequenceEncoder;
import org.jcodec.common.Codec;
import org.jcodec.common.Format;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.io.SeekableByteChannel;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;
import org.jcodec.common.model.Rational;

/**
 * Tiny media files the stand-in writes for ComfyUI's animated and video save nodes, with the
 * signatures of the captured ComfyUI 0.8 files (docs/COMFYUI.md, "Video outputs"): an MP4 opens
 * with an {@code ftyp} box (brand {@code isom}), a WebM with the EBML magic {@code 1A 45 DF A3}
 * and doc type {@code webm}, an animated WebP with {@code RIFF....WEBP}. {@link #h264Mp4} is a
 * real video (H.264 in MP4, encoded by jcodec) that browsers play; the WebM and WebP files are
 * well-formed containers without encoded frames, enough for the worker (which never decodes them)
 * and for the server's container checks.
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

    /**
     * A real, decodable MP4: {@code frames} H.264 frames of {@code width}×{@code height} pixels at
     * {@code fps}, each a solid colour (frame {@code n} a little lighter than frame {@code n - 1}),
     * muxed with an {@code ftyp} (brand {@code isom}), a {@code moov} with one video track
     * (handler {@code vide}, the size in {@code tkhd}, one sample per frame) and an {@code mdat}.
     * Sides should be even (4:2:0 chroma); jcodec crops a side that is not a multiple of 16 in the SPS.
     *
     * @throws UncheckedIOException when the temporary file cannot be written
     */
    public static byte[] h264Mp4(int width, int height, int frames, int fps) {
        try {
            Path file = Files.createTempFile("stand-in-", ".mp4");
            try {
                try (SeekableByteChannel out = NIOUtils.writableChannel(file.toFile())) {
                    SequenceEncoder encoder = new SequenceEncoder(out, Rational.R(Math.max(1, fps), 1), Format.MOV,
                            Codec.H264, null);
                    for (int n = 0; n < Math.max(1, frames); n++) {
                        encoder.encodeNativeFrame(solid(width, height, 40 + n * 8 % 180));
                    }
                    encoder.finish();
                }
                return Files.readAllBytes(file);
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not encode a stand-in MP4", e);
        }
    }

    /** A {@code width}×{@code height} RGB picture of one grey-blue colour of brightness {@code level} (0 … 255). */
    private static Picture solid(int width, int height, int level) {
        Picture picture = Picture.create(width, height, ColorSpace.RGB);
        byte[] rgb = picture.getPlaneData(0);
        for (int i = 0; i + 2 < rgb.length; i += 3) { // jcodec keeps samples as signed bytes: value - 128
            rgb[i] = (byte) (level / 2 - 128);
            rgb[i + 1] = (byte) (level - 128);
            rgb[i + 2] = (byte) (Math.min(255, level + 60) - 128);
        }
        return picture;
    }

    /**
     * A WebM container of {@code width}×{@code height}: the EBML header (doc type {@code webm}),
     * then a Segment holding Tracks → TrackEntry (video, codec {@code V_VP9}) → Video with
     * PixelWidth and PixelHeight, and a Void element with the marker. No frames: enough for a
     * container check, not for a player.
     */
    public static byte[] webm(int width, int height, int marker) {
        byte[] video = concat(element(bytes(0xB0), uint(width)), element(bytes(0xBA), uint(height)));
        byte[] entry = concat(element(bytes(0xD7), uint(1)), element(bytes(0x83), uint(1)),
                element(bytes(0x86), ascii("V_VP9")), element(bytes(0xE0), video));
        byte[] tracks = element(bytes(0x16, 0x54, 0xAE, 0x6B), element(bytes(0xAE), entry));
        byte[] segment = element(bytes(0x18, 0x53, 0x80, 0x67), concat(tracks, element(bytes(0xEC), int32(marker))));
        return concat(ebmlHeader(), segment);
    }

    private static byte[] ebmlHeader() {
        byte[] header = concat(bytes(0x42, 0x86, 0x81, 0x01), bytes(0x42, 0xF7, 0x81, 0x01), bytes(0x42, 0xF2, 0x81, 0x04),
                bytes(0x42, 0xF3, 0x81, 0x08), bytes(0x42, 0x82, 0x84), ascii("webm"), bytes(0x42, 0x87, 0x81, 0x04),
                bytes(0x42, 0x85, 0x81, 0x02));
        return concat(bytes(0x1A, 0x45, 0xDF, 0xA3, 0x80 | header.length), header);
    }

    /** An EBML element: its id, its size as an 8-byte vint ({@code 01} then 7 bytes), its payload. */
    private static byte[] element(byte[] id, byte[] payload) {
        long size = payload.length;
        return concat(id, bytes(0x01, (int) (size >>> 48), (int) (size >>> 40), (int) (size >>> 32), (int) (size >>> 24),
                (int) (size >>> 16), (int) (size >>> 8), (int) size), payload);
    }

    private static byte[] uint(int value) {
        return value < 256 ? bytes(value) : value < 65536 ? bytes(value >>> 8, value) : int32(value);
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
