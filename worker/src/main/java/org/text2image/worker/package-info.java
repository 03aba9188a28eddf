/** The Text2Image GPU worker: pulls jobs from the server and runs them on ComfyUI. */
package org.text2image.worker;
