package org.text2image.server.generation.queue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads a WebM file's structure (Matroska/EBML, RFC 8794 and RFC 9559: each element is an ID and
 * a size as variable-length integers, then its payload) without holding its frames: the EBML
 * header ({@code 1A 45 DF A3}) with DocType {@code webm}, then a Segment ({@code 18 53 80 67})
 * that fits in the file (a known size past the end means the file was cut off). Within the
 * Segment, elements are walked up to the first Cluster: a Tracks element's first video TrackEntry
 * (TrackType 1) gives the Video element's PixelWidth ({@code B0}) and PixelHeight ({@code BA}).
 * When they cannot be found that simply (an element of unknown size before Tracks, or no Tracks
 * before the first Cluster), the size is unknown and not checked; frames are never decoded.
 */
final class WebmCheck {

    private static final long EBML = 0x1A45DFA3L;
    private static final long DOC_TYPE = 0x4282;
    private static final long SEGMENT = 0x18538067L;
    private static final long CLUSTER = 0x1F43B675L;
    private static final long TRACKS = 0x1654AE6BL;
    private static final long TRACK_ENTRY = 0xAE;
    private static final long TRACK_TYPE = 0x83;
    private static final long VIDEO = 0xE0;
    private static final long PIXEL_WIDTH = 0xB0;
    private static final long PIXEL_HEIGHT = 0xBA;
    /** Largest EBML header or Tracks element read into memory. */
    private static final int MAX_READ = 1024 * 1024;
    private static final long UNKNOWN = -1;

    /** The first video track's size in pixels; 0×0 when it could not be read simply (see the class comment). */
    record Video(int width, int height) {

        boolean sizeKnown() {
            return width > 0 && height > 0;
        }
    }

    private WebmCheck() {
    }

    /**
     * @throws VideoCheck.BrokenVideoException saying what is wrong (no EBML header, another doc
     *     type, no Segment, a Segment past the end of the file)
     * @throws IOException when the file cannot be read
     */
    static Video read(Path file) throws IOException, VideoCheck.BrokenVideoException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long length = channel.size();
            Element header = element(channel, 0, length);
            if (header == null || header.id() != EBML) {
                throw new VideoCheck.BrokenVideoException("it does not start with an EBML header");
            }
            if (header.size() == UNKNOWN || header.size() > MAX_READ || header.end() > length) {
                throw new VideoCheck.BrokenVideoException("its EBML header has a broken size");
            }
            ByteBuffer headerBytes = Mp4Check.read(channel, header.payload(), (int) header.size());
            String docType = null;
            for (Element child : children(headerBytes)) {
                if (child.id() == DOC_TYPE) {
                    docType = new String(headerBytes.array(), (int) child.payload(), (int) child.size(),
                            StandardCharsets.US_ASCII).replace("\0", "");
                }
            }
            if (!"webm".equals(docType)) {
                throw new VideoCheck.BrokenVideoException("its EBML doc type is " + (docType == null ? "missing" : "\"" + docType + "\"")
                        + ", not \"webm\"");
            }
            Element segment = element(channel, header.end(), length);
            if (segment == null || segment.id() != SEGMENT) {
                throw new VideoCheck.BrokenVideoException("it has no Segment after its EBML header");
            }
            long segmentEnd = segment.size() == UNKNOWN ? length : segment.end();
            if (segmentEnd > length) {
                throw new VideoCheck.BrokenVideoException("its Segment claims " + segment.size() + " bytes, but the file has "
                        + (length - segment.payload()) + " from there (cut off?)");
            }
            return size(channel, segment.payload(), segmentEnd);
        }
    }

    /** Walks the Segment's top-level elements up to the first Cluster, looking for Tracks. */
    private static Video size(FileChannel channel, long from, long end) throws IOException {
        long position = from;
        while (position < end) {
            Element child = element(channel, position, end);
            if (child == null || child.id() == CLUSTER || child.size() == UNKNOWN || child.end() > end) {
                return new Video(0, 0);
            }
            if (child.id() == TRACKS && child.size() <= MAX_READ) {
                ByteBuffer tracks = Mp4Check.read(channel, child.payload(), (int) child.size());
                for (Element entry : children(tracks)) {
                    if (entry.id() == TRACK_ENTRY) {
                        Video video = video(tracks, entry);
                        if (video != null) {
                            return video;
                        }
                    }
                }
                return new Video(0, 0);
            }
            position = child.end();
        }
        return new Video(0, 0);
    }

    /** The pixel size of a video TrackEntry, or null for another kind of track. */
    private static Video video(ByteBuffer tracks, Element entry) {
        ByteBuffer bytes = slice(tracks, entry);
        long type = 0;
        Video video = null;
        for (Element field : children(bytes)) {
            if (field.id() == TRACK_TYPE) {
                type = uint(bytes, field);
            } else if (field.id() == VIDEO) {
                ByteBuffer settings = slice(bytes, field);
                long width = 0;
                long height = 0;
                for (Element setting : children(settings)) {
                    if (setting.id() == PIXEL_WIDTH) {
                        width = uint(settings, setting);
                    } else if (setting.id() == PIXEL_HEIGHT) {
                        height = uint(settings, setting);
                    }
                }
                video = new Video((int) Math.min(width, Integer.MAX_VALUE), (int) Math.min(height, Integer.MAX_VALUE));
            }
        }
        return type == 1 ? video : null;
    }

    /** An element: its ID (with the length marker, as the specification writes IDs), payload offset and size (or {@link #UNKNOWN}). */
    private record Element(long id, long payload, long size) {

        long end() {
            return size == UNKNOWN ? Long.MAX_VALUE : payload + size;
        }
    }

    /** The element at {@code position} of the file, or null when its header does not fit before {@code end}. */
    private static Element element(FileChannel channel, long position, long end) throws IOException {
        ByteBuffer header = Mp4Check.read(channel, position, (int) Math.min(12, end - position));
        Element element = element(header, 0);
        return element == null ? null : new Element(element.id(), position + element.payload(), element.size());
    }

    /** The element at {@code offset} of {@code bytes}, or null when its header is broken or does not fit. */
    private static Element element(ByteBuffer bytes, int offset) {
        int limit = bytes.limit();
        if (offset >= limit) {
            return null;
        }
        int idLength = Integer.numberOfLeadingZeros(bytes.get(offset) & 0xFF) - 23;
        if (idLength < 1 || idLength > 4 || offset + idLength >= limit) {
            return null;
        }
        long id = 0;
        for (int i = 0; i < idLength; i++) {
            id = id << 8 | (bytes.get(offset + i) & 0xFF);
        }
        int sizeAt = offset + idLength;
        int first = bytes.get(sizeAt) & 0xFF;
        int sizeLength = Integer.numberOfLeadingZeros(first) - 23;
        if (sizeLength < 1 || sizeLength > 8 || sizeAt + sizeLength > limit) {
            return null;
        }
        long size = first & (0xFF >> sizeLength);
        boolean allOnes = size == (0xFF >> sizeLength);
        for (int i = 1; i < sizeLength; i++) {
            int b = bytes.get(sizeAt + i) & 0xFF;
            allOnes &= b == 0xFF;
            size = size << 8 | b;
        }
        return new Element(id, sizeAt + sizeLength, allOnes ? UNKNOWN : size);
    }

    /** The child elements of a buffer holding one element's payload; stops at the first broken or overlong one. */
    private static java.util.List<Element> children(ByteBuffer bytes) {
        java.util.List<Element> children = new java.util.ArrayList<>();
        int offset = 0;
        while (true) {
            Element child = element(bytes, offset);
            if (child == null || child.size() == UNKNOWN || child.end() > bytes.limit()) {
                return children;
            }
            children.add(child);
            offset = (int) child.end();
        }
    }

    /** A copy of an element's payload, as a buffer of its own. */
    private static ByteBuffer slice(ByteBuffer bytes, Element element) {
        byte[] payload = new byte[(int) element.size()];
        System.arraycopy(bytes.array(), (int) element.payload(), payload, 0, payload.length);
        return ByteBuffer.wrap(payload);
    }

    private static long uint(ByteBuffer bytes, Element element) {
        long value = 0;
        for (int i = 0; i < Math.min(8, element.size()); i++) {
            value = value << 8 | (bytes.get((int) element.payload() + i) & 0xFF);
        }
        return value;
    }
}
