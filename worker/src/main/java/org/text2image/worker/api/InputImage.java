package org.text2image.worker.api;

/**
 * The input image of an image-to-video job, as a {@link ClaimedJob} names it: the worker fetches its
 * bytes with {@code GET /api/worker/v1/jobs/{id}/input-image?attempt=N} and uploads them to ComfyUI
 * ({@code POST /upload/image}, type {@code input}) under exactly this name and subfolder, which is
 * where the rendered workflow's {@code LoadImage} looks ({@code {{input_image}}} =
 * {@code <subfolder>/<name>}).
 *
 * @param name the file name, {@link WorkerApi#inputImageName}: {@code <job id>-<attempt>.png} or {@code .jpg}
 * @param subfolder the folder under ComfyUI's {@code input/}: {@link WorkerApi#INPUT_SUBFOLDER}
 * @param contentType {@code image/png} or {@code image/jpeg}
 */
public record InputImage(String name, String subfolder, String contentType) {
}
