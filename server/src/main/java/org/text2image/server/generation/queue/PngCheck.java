package org.text2image.server.generation.queue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Checks that bytes are one whole PNG image and reads its size, without decoding its pixels into
 * memory: every chunk's CRC is verified, the image data is inflated into a small scratch buffer
 * that is thrown away, and its length must be exactly what the header's size and pixel format
 * call for. A truncated, cut or altered file is refused as a full decode would refuse it, at a
 * fraction of the CPU and with no memory that grows with the image.
 *
 * <p>PNG facts used (PNG specification, W3C / ISO/IEC 15948): an 8-byte signature
 * {@code 89 50 4E 47 0D 0A 1A 0A}; then chunks of a 4-byte big-endian length, a 4-byte type, the
 * data and a CRC-32 (ISO 3309, as {@link CRC32}) over type and data; {@code IHDR} first (width,
 * height, bit depth, colour type, compression, filter, interlace); the {@code IDAT} chunks'
 * data together is one zlib stream; {@code IEND} last. Without interlacing the stream inflates to
 * {@code height × (1 + ⌈width × bits per pixel / 8⌉)} bytes (a filter byte per row), bits per
 * pixel being the bit depth times the channels of the colour type (0: 1, 2: 3, 3: 1, 4: 2, 6: 4).
 * Interlaced images (Adam7, which ComfyUI does not write) are not checked here: {@link #read}
 * returns null for them and the caller decodes them instead.
 */
final class PngCheck {

    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final int SCRATCH_BYTES = 64 * 1024;

    /** A checked PNG's size in pixels. */
    record Size(int width, int height) {
    }

    /** Why bytes are not a whole PNG; the message says what is wrong. */
    static final class BrokenPngException extends Exception {
        BrokenPngException(String message) {
            super(message);
        }
    }

    private PngCheck() {
    }

    /**
     * The size of the whole, intact PNG image in {@code bytes}; null for an interlaced PNG, which
     * this check leaves to a full decode.
     *
     * @throws BrokenPngException when the bytes are not a whole PNG: no signature, a chunk cut
     *     short or with a wrong CRC, no header, image data that does not inflate to the header's
     *     size, or no end chunk
     */
    static Size read(byte[] bytes) throws BrokenPngException {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        if (bytes.length < SIGNATURE.length || !in.slice(0, SIGNATURE.length).equals(ByteBuffer.wrap(SIGNATURE))) {
            throw new BrokenPngException("it does not start with the PNG signature");
        }
        in.position(SIGNATURE.length);
        Header header = null;
        Inflater inflater = new Inflater();
        byte[] scratch = new byte[SCRATCH_BYTES];
        long inflated = 0;
        try {
            while (true) {
                String type = nextChunk(in);
                int start = in.position() - 4;
                int length = in.getInt(start - 4);
                ByteBuffer data = in.slice(in.position(), length);
                in.position(in.position() + length + 4);
                if (header == null) {
                    header = Header.of(type, data);
                    if (header.interlaced()) {
                        return null;
                    }
                } else if (type.equals("IDAT")) {
                    inflater.setInput(data);
                    inflated += drain(inflater, scratch);
                } else if (type.equals("IEND")) {
                    break;
                }
            }
        } catch (DataFormatException e) {
            throw new BrokenPngException("its image data is not a valid zlib stream");
        } finally {
            inflater.end();
        }
        if (inflated != header.rawBytes() || !inflater.finished()) {
            throw new BrokenPngException("its image data holds " + inflated + " bytes where the header calls for "
                    + header.rawBytes());
        }
        return new Size(header.width(), header.height());
    }

    /** Reads a chunk's length and type, checks that the chunk is whole and its CRC; returns the type. */
    private static String nextChunk(ByteBuffer in) throws BrokenPngException {
        if (in.remaining() < 12) {
            throw new BrokenPngException("it ends before its end chunk (IEND)");
        }
        int length = in.getInt();
        int typeStart = in.position();
        if (length < 0 || length > in.remaining() - 8) {
            throw new BrokenPngException("a chunk is cut short");
        }
        CRC32 crc = new CRC32();
        crc.update(in.slice(typeStart, 4 + length));
        if ((int) crc.getValue() != in.getInt(typeStart + 4 + length)) {
            throw new BrokenPngException("a chunk's CRC does not match its contents");
        }
        byte[] type = new byte[4];
        in.get(type);
        return new String(type, StandardCharsets.US_ASCII);
    }

    private static long drain(Inflater inflater, byte[] scratch) throws DataFormatException {
        long total = 0;
        while (!inflater.needsInput() && !inflater.finished()) {
            int n = inflater.inflate(scratch);
            if (n == 0 && inflater.needsDictionary()) {
                throw new DataFormatException("a preset dictionary");
            }
            total += n;
        }
        return total;
    }

    /** The {@code IHDR} chunk's fields this check needs. */
    private record Header(int width, int height, int bitsPerPixel, boolean interlaced) {

        static Header of(String type, ByteBuffer data) throws BrokenPngException {
            if (!type.equals("IHDR") || data.remaining() != 13) {
                throw new BrokenPngException("its first chunk is not a header (IHDR)");
            }
            int width = data.getInt(0);
            int height = data.getInt(4);
            int channels = switch (data.get(9)) {
                case 0, 3 -> 1;
                case 2 -> 3;
                case 4 -> 2;
                case 6 -> 4;
                default -> throw new BrokenPngException("its header names an unknown colour type");
            };
            int bitDepth = data.get(8);
            if (width <= 0 || height <= 0 || bitDepth <= 0 || bitDepth > 16) {
                throw new BrokenPngException("its header gives no valid size or bit depth");
            }
            return new Header(width, height, bitDepth * channels, data.get(12) != 0);
        }

        long rawBytes() {
            return (long) height * (1 + ((long) width * bitsPerPixel + 7) / 8);
        }
    }
}
