package org.text2image.worker.comfyui;

/**
 * ComfyUI's answer to {@code POST /upload/image}: where it stored the file (ComfyUI 0.8 answers
 * {@code {"name": "img0.png", "subfolder": "lora_ds_demo", "type": "input"}}). A workflow's
 * {@code LoadImage} names it as {@code <subfolder>/<name>}.
 *
 * @param name the file name ComfyUI used; without {@code overwrite} a different file of the same
 *     name gets another one ({@code name (1).png})
 * @param subfolder the folder under {@code input/}, empty for none
 * @param type {@code input}
 */
public record UploadedInput(String name, String subfolder, String type) {
}
