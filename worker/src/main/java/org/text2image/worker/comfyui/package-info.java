/**
 * A client for one ComfyUI server: {@link org.text2image.worker.comfyui.ComfyUiClient} for the HTTP
 * routes and {@link org.text2image.worker.comfyui.PromptRun} to follow one prompt over the
 * {@code /ws} WebSocket. The protocol facts (routes, frames, error shapes) are summarised in
 * {@code docs/COMFYUI.md}, read from ComfyUI v0.8.0's {@code server.py} and {@code execution.py}.
 */
package org.text2image.worker.comfyui;
