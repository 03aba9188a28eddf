package org.text2image.server.generation.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.text2image.server.generation.InvalidUploadException;
import org.text2image.server.support.Images;
import org.text2image.worker.comfyui.standin.StandInMedia;

/** Only a video that reads whole as what it claims to be, of the job's size and within the model's limit, is taken. */
class VideoCheckTest {

    static final long LIMIT = 10_000_000;

    @TempDir Path dir;

    @Test
    void aRealH264Mp4OfTheJobsSizeIsAccepted() throws Exception {
        Path file = write("clip.mp4", StandInMedia.h264Mp4(64, 48, 4, 8));

        assertThat(VideoCheck.check("clip.mp4", VideoCheck.MP4, file, LIMIT, 64, 48)).isEqualTo(VideoCheck.MP4);
        assertThat(Mp4Check.read(file)).isEqualTo(new Mp4Check.Video(64, 48, 4));
    }

    @Test
    void aVideoOfTheSizeRoundedDownToAMultipleOf8IsAcceptedAsImagesAre() throws Exception {
        Path file = write("clip.mp4", StandInMedia.h264Mp4(64, 48, 2, 8));

        assertThat(VideoCheck.check("clip.mp4", VideoCheck.MP4, file, LIMIT, 70, 50)).isEqualTo(VideoCheck.MP4);
    }

    @Test
    void aVideoOfAnotherSizeIsRefusedNamingBothSizes() throws Exception {
        Path file = write("clip.mp4", StandInMedia.h264Mp4(64, 48, 2, 8));

        assertThatThrownBy(() -> VideoCheck.check("clip.mp4", VideoCheck.MP4, file, LIMIT, 128, 96))
                .isInstanceOf(InvalidUploadException.class).hasMessage("\"clip.mp4\" is 64×48 pixels; this job asked for 128×96.");
    }

    @Test
    void aWebmWithTheJobsPixelSizeIsAcceptedAndAnotherSizeRefused() throws Exception {
        Path file = write("clip.webm", StandInMedia.webm(64, 48, 1));

        assertThat(VideoCheck.check("clip.webm", VideoCheck.WEBM, file, LIMIT, 64, 48)).isEqualTo(VideoCheck.WEBM);
        assertThat(WebmCheck.read(file)).isEqualTo(new WebmCheck.Video(64, 48));
        assertThatThrownBy(() -> VideoCheck.check("clip.webm", VideoCheck.WEBM, file, LIMIT, 32, 32))
                .isInstanceOf(InvalidUploadException.class).hasMessageContaining("64×48 pixels");
    }

    @Test
    void aWebmWhosePixelSizeIsNotSimplyFoundPassesOnItsContainerAlone() throws Exception {
        Path file = write("clip.webm", StandInMedia.webm(7)); // an empty Segment: no Tracks

        assertThat(WebmCheck.read(file).sizeKnown()).isFalse();
        assertThat(VideoCheck.check("clip.webm", VideoCheck.WEBM, file, LIMIT, 64, 48)).isEqualTo(VideoCheck.WEBM);
    }

    @Test
    void anMp4WhoseBytesAreWebmIsRefused() throws Exception {
        Path file = write("clip.mp4", StandInMedia.webm(64, 48, 1));

        assertThatThrownBy(() -> VideoCheck.check("clip.mp4", VideoCheck.MP4, file, LIMIT, 64, 48))
                .isInstanceOf(InvalidUploadException.class)
                .hasMessage("\"clip.mp4\" is declared as video/mp4, but its bytes are of type video/webm.");
    }

    @Test
    void aWebmNamedMp4IsRefusedEvenWhenItsContentTypeSaysWebm() throws Exception {
        Path file = write("clip.mp4", StandInMedia.webm(64, 48, 1));

        assertThatThrownBy(() -> VideoCheck.check("clip.mp4", VideoCheck.WEBM, file, LIMIT, 64, 48))
                .isInstanceOf(InvalidUploadException.class)
                .hasMessage("\"clip.mp4\" is declared as video/webm, but its name says video/mp4.");
    }

    @Test
    void aPngNamedMp4IsRefused() throws Exception {
        Path file = write("clip.mp4", Images.png(64, 48));

        assertThatThrownBy(() -> VideoCheck.check("clip.mp4", VideoCheck.MP4, file, LIMIT, 64, 48))
                .isInstanceOf(InvalidUploadException.class).hasMessageContaining("its bytes are of type image/png");
    }

    @Test
    void aTruncatedMp4IsRefused() throws Exception {
        byte[] whole = StandInMedia.h264Mp4(64, 48, 4, 8);
        Path file = write("clip.mp4", Arrays.copyOf(whole, whole.length - 100));

        assertThatThrownBy(() -> VideoCheck.check("clip.mp4", VideoCheck.MP4, file, LIMIT, 64, 48))
                .isInstanceOf(InvalidUploadException.class).hasMessageStartingWith("\"clip.mp4\" is not a whole MP4 video: ")
                .hasMessageContaining("cut off");
    }

    @Test
    void anMp4WithoutMoovIsRefused() throws Exception {
        Path file = write("clip.mp4", StandInMedia.mp4(3)); // ftyp and free only

        assertThatThrownBy(() -> VideoCheck.check("clip.mp4", VideoCheck.MP4, file, LIMIT, 64, 48))
                .isInstanceOf(InvalidUploadException.class).hasMessageContaining("it has no moov box");
    }

    @Test
    void anMp4WhoseOnlyTrackIsNotVideoIsRefused() throws Exception {
        byte[] mp4 = StandInMedia.h264Mp4(64, 48, 2, 8);
        byte[] audio = mp4.clone();
        int handler = indexOf(audio, "vide".getBytes(StandardCharsets.US_ASCII));
        System.arraycopy("soun".getBytes(StandardCharsets.US_ASCII), 0, audio, handler, 4);
        Path file = write("clip.mp4", audio);

        assertThatThrownBy(() -> VideoCheck.check("clip.mp4", VideoCheck.MP4, file, LIMIT, 64, 48))
                .isInstanceOf(InvalidUploadException.class).hasMessageContaining("no video track");
    }

    @Test
    void aWebmWithAnotherDocTypeIsRefused() throws Exception {
        byte[] webm = StandInMedia.webm(64, 48, 1);
        int docType = indexOf(webm, "webm".getBytes(StandardCharsets.US_ASCII));
        System.arraycopy("mkvx".getBytes(StandardCharsets.US_ASCII), 0, webm, docType, 4);
        Path file = write("clip.webm", webm);

        assertThatThrownBy(() -> VideoCheck.check("clip.webm", VideoCheck.WEBM, file, LIMIT, 64, 48))
                .isInstanceOf(InvalidUploadException.class).hasMessageContaining("doc type is \"mkvx\"");
    }

    @Test
    void aVideoOverTheModelsSizeLimitIsRefusedNamingTheLimit() throws Exception {
        byte[] mp4 = StandInMedia.h264Mp4(64, 48, 2, 8);
        Path file = write("clip.mp4", mp4);

        assertThatThrownBy(() -> VideoCheck.check("clip.mp4", VideoCheck.MP4, file, mp4.length - 1, 64, 48))
                .isInstanceOf(InvalidUploadException.class)
                .hasMessage("\"clip.mp4\" is " + mp4.length + " bytes; this model's videos may be at most " + (mp4.length - 1)
                        + " bytes.");
    }

    @Test
    void aPartDeclaresItsVideoTypeByContentTypeOrElseByExtension() {
        assertThat(VideoCheck.declaredType("video/webm", "x.mp4")).hasValue(VideoCheck.WEBM);
        assertThat(VideoCheck.declaredType("application/octet-stream", "X.MP4")).hasValue(VideoCheck.MP4);
        assertThat(VideoCheck.declaredType(null, "a.webm")).hasValue(VideoCheck.WEBM);
        assertThat(VideoCheck.declaredType("image/png", "a.png")).isEmpty();
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (ByteBuffer.wrap(haystack, i, needle.length).equals(ByteBuffer.wrap(needle))) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }
}
