package org.text2image.server.generation.queue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.mp4parser.IsoFile;
import org.mp4parser.boxes.iso14496.part12.ChunkOffsetBox;
import org.mp4parser.boxes.iso14496.part12.MovieBox;
import org.mp4parser.boxes.iso14496.part12.SampleTableBox;
import org.mp4parser.boxes.iso14496.part12.TrackBox;

/**
 * Reads an MP4 file (ISO/IEC 14496-12 boxes: a 32-bit size, a four-character type, a 64-bit
 * size when the 32-bit one is 1, "to the end of the file" when it is 0) without holding its media
 * data: the top-level boxes must start with {@code ftyp} and tile the file exactly (so a cut-off
 * file is refused), one of them must be a {@code moov} of at most {@value #MAX_MOOV_BYTES} bytes,
 * which is read and parsed with mp4parser's isoparser; it must hold a track whose handler
 * ({@code mdia/hdlr}) is {@code vide}, with a size in its {@code tkhd}, at least one sample in its
 * {@code stsz}, and chunk offsets ({@code stco}/{@code co64}) inside the file. Fragmented MP4s
 * ({@code moof}, samples outside {@code moov}) have no samples there and are refused; ComfyUI's
 * SaveVideo (PyAV) writes plain ones.
 */
final class Mp4Check {

    /** Largest {@code moov} box read into memory (its sample tables: a few bytes per frame). */
    static final int MAX_MOOV_BYTES = 64 * 1024 * 1024;

    /** What the file holds: the video track's size in pixels (from {@code tkhd}) and sample count. */
    record Video(int width, int height, long frames) {
    }

    private Mp4Check() {
    }

    /**
     * @throws VideoCheck.BrokenVideoException saying what is wrong (no {@code ftyp}, a box past the
     *     end, no {@code moov}, no video track, no samples, unparseable boxes)
     * @throws IOException when the file cannot be read
     */
    static Video read(Path file) throws IOException, VideoCheck.BrokenVideoException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long length = channel.size();
            long moovAt = -1;
            long moovSize = 0;
            long position = 0;
            while (position < length) {
                ByteBuffer header = read(channel, position, (int) Math.min(16, length - position));
                if (header.remaining() < 8) {
                    throw new VideoCheck.BrokenVideoException("it ends inside a box header at byte " + position);
                }
                long size = Integer.toUnsignedLong(header.getInt(0));
                String type = new String(header.array(), 4, 4, StandardCharsets.ISO_8859_1);
                int headerSize = 8;
                if (size == 1) {
                    if (header.remaining() < 16) {
                        throw new VideoCheck.BrokenVideoException("it ends inside the header of box \"" + type + "\"");
                    }
                    size = header.getLong(8);
                    headerSize = 16;
                } else if (size == 0) {
                    size = length - position;
                }
                if (position == 0 && !type.equals("ftyp")) {
                    throw new VideoCheck.BrokenVideoException("it does not start with an ftyp box");
                }
                if (size < headerSize || size > length - position) {
                    throw new VideoCheck.BrokenVideoException("box \"" + type + "\" at byte " + position + " claims "
                            + size + " bytes, but the file has " + (length - position) + " from there (cut off?)");
                }
                if (type.equals("moov")) {
                    moovAt = position;
                    moovSize = size;
                }
                position += size;
            }
            if (moovAt < 0) {
                throw new VideoCheck.BrokenVideoException("it has no moov box (no track list)");
            }
            if (moovSize > MAX_MOOV_BYTES) {
                throw new VideoCheck.BrokenVideoException("its moov box is " + moovSize + " bytes, more than the "
                        + MAX_MOOV_BYTES + " read");
            }
            return video(read(channel, moovAt, (int) moovSize).array(), length);
        }
    }

    private static Video video(byte[] moov, long fileLength) throws VideoCheck.BrokenVideoException {
        MovieBox movie;
        try (IsoFile parsed = new IsoFile(Channels.newChannel(new ByteArrayInputStream(moov)))) {
            movie = parsed.getMovieBox();
            if (movie == null) {
                throw new VideoCheck.BrokenVideoException("its moov box could not be parsed");
            }
            for (TrackBox track : movie.getBoxes(TrackBox.class)) {
                if (track.getMediaBox() == null || track.getMediaBox().getHandlerBox() == null
                        || !"vide".equals(track.getMediaBox().getHandlerBox().getHandlerType())) {
                    continue;
                }
                if (track.getTrackHeaderBox() == null) {
                    throw new VideoCheck.BrokenVideoException("its video track has no tkhd box");
                }
                SampleTableBox samples = track.getSampleTableBox();
                long frames = samples == null || samples.getSampleSizeBox() == null ? 0 : samples.getSampleSizeBox().getSampleCount();
                if (frames < 1) {
                    throw new VideoCheck.BrokenVideoException("its video track has no samples");
                }
                ChunkOffsetBox chunks = samples.getChunkOffsetBox();
                if (chunks == null) {
                    throw new VideoCheck.BrokenVideoException("its video track has no chunk offsets");
                }
                for (long offset : chunks.getChunkOffsets()) {
                    if (offset < 0 || offset >= fileLength) {
                        throw new VideoCheck.BrokenVideoException("its video track points at byte " + offset
                                + ", past the file's end (" + fileLength + " bytes)");
                    }
                }
                return new Video((int) Math.round(track.getTrackHeaderBox().getWidth()),
                        (int) Math.round(track.getTrackHeaderBox().getHeight()), frames);
            }
            throw new VideoCheck.BrokenVideoException("it has no video track (no track with handler \"vide\")");
        } catch (IOException | RuntimeException e) {
            throw new VideoCheck.BrokenVideoException("its moov box could not be parsed (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** {@code count} bytes from {@code position}, fewer at the end of the file. */
    static ByteBuffer read(FileChannel channel, long position, int count) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(count);
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + buffer.position());
            if (n < 0) {
                break;
            }
        }
        buffer.flip();
        return buffer;
    }
}
