package org.text2image.worker.comfyui;

import java.util.Objects;

/**
 * One image ComfyUI wrote, as listed in a history entry's {@code outputs.<node>.images} and
 * fetched with {@code GET /view?filename=&subfolder=&type=}.
 *
 * @param filename the file name, such as {@code modelfree_00001_.png}
 * @param subfolder the folder under the type's root, {@code ""} for none
 * @param type {@code output} (SaveImage), {@code temp} (PreviewImage) or {@code input}
 */
public record ImageRef(String filename, String subfolder, String type) {

    public ImageRef {
        Objects.requireNonNull(filename, "filename");
        subfolder = subfolder == null ? "" : subfolder;
        type = type == null || type.isEmpty() ? "output" : type;
    }

    /** Whether a save node wrote it (as opposed to a preview). */
    public boolean isOutput() {
        return "output".equals(type);
    }
}
