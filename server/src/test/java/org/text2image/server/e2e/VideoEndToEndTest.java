package org.text2image.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import javax.imageio.ImageIO;
import org.jcodec.api.FrameGrab;
import org.jcodec.common.io.ByteBufferSeekableByteChannel;
import org.jcodec.common.model.Picture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.credits.CreditLedger;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.JobImage;
import org.text2image.server.generation.JobStatus;
import org.text2image.server.generation.JobView;

/**
 * A video job through the whole platform: the embedded worker runs the model-free MP4 template
 * (EmptyImage → CreateVideo → SaveVideo, and ImageFromBatch → SaveImage for the poster) on the
 * ComfyUI stand-in, which writes a real H.264 MP4; the server verifies and stores it with its
 * poster, and serves a video that decodes to the frames asked for.
 */
@TestPropertySource(properties = {
        "text2image.catalog.models-file=src/test/resources/config/models-with-video.json",
        "text2image.accounts.signup-credits=1000"
})
class VideoEndToEndTest extends EndToEndTestBase {

    @Autowired MockMvc mvc;
    @Autowired AccountService accounts;
    @Autowired CreditLedger ledger;

    @AfterEach
    void booksStayBalanced() {
        assertThat(invariants.violations()).isEmpty();
    }

    @Test
    void aVideoJobSucceedsWithADecodableMp4OfTheAskedFramesAndAPngPoster() throws Exception {
        SignedInUser alice = accounts.register("alice@example.com", "correct horse");
        ledger.grant(alice.id(), 1_000, "test:video", "Credits for a video");
        JobView job = generation.submit(alice.id(), new GenerationRequest("video-mp4", "a clip", null, 64, 64, 1, null, null,
                null, null, null, 9, 8, null));

        JobView done = awaitJob(job.id(), alice.id(), j -> j.status().isFinal());

        assertThat(done.status()).as(done.error()).isEqualTo(JobStatus.SUCCEEDED);
        JobImage video = done.images().getFirst();
        assertThat(done.images()).hasSize(1);
        assertThat(video.contentType()).isEqualTo("video/mp4");
        assertThat(video.hasPoster()).isTrue();
        byte[] mp4 = mvc.perform(get("/images/" + video.id()).with(user(alice))).andExpect(status().isOk())
                .andExpect(header().string("Content-Type", "video/mp4")).andReturn().getResponse().getContentAsByteArray();
        FrameGrab grab = FrameGrab.createFrameGrab(ByteBufferSeekableByteChannel.readFromByteBuffer(ByteBuffer.wrap(mp4)));
        int frames = 0;
        for (Picture frame; (frame = grab.getNativeFrame()) != null; frames++) {
            assertThat(frame.getCroppedWidth()).isEqualTo(64);
            assertThat(frame.getCroppedHeight()).isEqualTo(64);
        }
        assertThat(frames).isEqualTo(9);
        byte[] png = mvc.perform(get("/images/" + video.id() + "/poster").with(user(alice))).andExpect(status().isOk())
                .andExpect(header().string("Content-Type", "image/png")).andReturn().getResponse().getContentAsByteArray();
        BufferedImage poster = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(poster.getWidth()).isEqualTo(64);
        assertThat(poster.getHeight()).isEqualTo(64);
        assertThat(count("SELECT count(*) FROM ledger_entry WHERE kind = 'CAPTURE' AND job_id = ?", job.id())).isEqualTo(1);
    }
}
