package org.text2image.worker.comfyui.standin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.jcodec.api.FrameGrab;
import org.jcodec.common.io.ByteBufferSeekableByteChannel;
import org.jcodec.common.model.Picture;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The stand-in's media are real where the server looks: its MP4 decodes to the frames it was asked for. */
class StandInMediaTest {

    @Test
    void theMp4IsAnH264VideoThatDecodesToTheAskedSizeAndFrameCount() throws Exception {
        byte[] mp4 = StandInMedia.h264Mp4(64, 48, 5, 8);

        assertThat(new String(mp4, 4, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("ftyp");
        FrameGrab grab = FrameGrab.createFrameGrab(ByteBufferSeekableByteChannel.readFromByteBuffer(ByteBuffer.wrap(mp4)));
        int frames = 0;
        Picture picture;
        while ((picture = grab.getNativeFrame()) != null) {
            assertThat(picture.getCroppedWidth()).isEqualTo(64);
            assertThat(picture.getCroppedHeight()).isEqualTo(48);
            frames++;
        }
        assertThat(frames).isEqualTo(5);
    }

    @Test
    void theWebmStartsWithTheEbmlMagicAndNamesItsDocType() {
        byte[] webm = StandInMedia.webm(64, 48, 7);

        assertThat(webm).startsWith(0x1A, 0x45, 0xDF - 256, 0xA3 - 256);
        assertThat(new String(webm, java.nio.charset.StandardCharsets.US_ASCII)).contains("webm").contains("V_VP9");
    }

    @Test
    void aPosterCutByImageFromBatchIsOneFrameWhileTheVideoHasThemAll() {
        ObjectNode graph = (ObjectNode) JsonMapper.builder().build().readTree("""
                {"1": {"class_type": "EmptyImage", "inputs": {"width": 64, "height": 48, "batch_size": 6, "color": 0}},
                 "2": {"class_type": "CreateVideo", "inputs": {"images": ["1", 0], "fps": 12}},
                 "3": {"class_type": "SaveVideo", "inputs": {"video": ["2", 0], "filename_prefix": "v"}},
                 "4": {"class_type": "ImageFromBatch", "inputs": {"image": ["1", 0], "batch_index": 0, "length": 1}},
                 "5": {"class_type": "SaveImage", "inputs": {"images": ["4", 0], "filename_prefix": "p"}}}""");
        Graph workflow = new Graph(graph);

        assertThat(workflow.size("3")).isEqualTo(new Graph.Size(64, 48, 6));
        assertThat(workflow.fps("3")).isEqualTo(12);
        assertThat(workflow.size("5")).isEqualTo(new Graph.Size(64, 48, 1));
    }

    @Test
    void anImageToVideoGraphTakesItsSizeFromImageScaleAndItsFramesFromRepeatImageBatch() {
        ObjectNode graph = (ObjectNode) JsonMapper.builder().build().readTree("""
                {"1": {"class_type": "LoadImage", "inputs": {"image": "in.png"}},
                 "2": {"class_type": "ImageScale", "inputs": {"image": ["1", 0], "width": 96, "height": 64}},
                 "3": {"class_type": "RepeatImageBatch", "inputs": {"image": ["2", 0], "amount": 9}},
                 "4": {"class_type": "CreateVideo", "inputs": {"images": ["3", 0], "fps": 8}},
                 "5": {"class_type": "SaveVideo", "inputs": {"video": ["4", 0], "filename_prefix": "v"}},
                 "6": {"class_type": "ImageFromBatch", "inputs": {"image": ["3", 0], "batch_index": 0, "length": 1}},
                 "7": {"class_type": "SaveImage", "inputs": {"images": ["6", 0], "filename_prefix": "p"}}}""");
        Graph workflow = new Graph(graph);

        assertThat(workflow.size("5")).isEqualTo(new Graph.Size(96, 64, 9));
        assertThat(workflow.size("7")).isEqualTo(new Graph.Size(96, 64, 1));
    }
}
