package org.text2image.server.support;

import java.util.List;

/** Facts of the test model catalog ({@code src/test/resources/config/models.json}). */
public final class TestCatalog {

    /** Checkpoint of the {@code sd15} model, the default one. */
    public static final String SD15 = "v1-5-pruned-emaonly.safetensors";
    /** Checkpoint of the {@code sdxl} model. */
    public static final String SDXL = "sd_xl_base_1.0.safetensors";
    /** Every checkpoint the enabled test models need: a worker listing these can run any test job. */
    public static final List<String> CHECKPOINTS = List.of(SD15, SDXL);

    private TestCatalog() {
    }
}
