package org.text2image.server.generation.web;

import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.generation.ImageContent;
import org.text2image.server.generation.JobPreview;
import org.text2image.server.generation.Viewer;
import org.text2image.server.support.PageNotFoundException;

/**
 * {@code GET /images/{id}}: the authorising image proxy. Bytes go only to the job's owner or an
 * admin; anyone else gets the 404 page. An image never changes, so the browser may keep it for a
 * year, privately. {@code ?download=true} asks the browser to save it.
 */
@Controller
class ImageController {

    /** Images never change once stored: one year, browser only (not shared caches). */
    static final String CACHE_CONTROL = "private, max-age=31536000, immutable";

    private final GenerationService generation;

    ImageController(GenerationService generation) {
        this.generation = generation;
    }

    @GetMapping("/images/{id}")
    ResponseEntity<byte[]> image(@AuthenticationPrincipal SignedInUser user, @PathVariable String id,
                                 @RequestParam(defaultValue = "false") boolean download) {
        ImageContent image = UrlIds.parse(id).flatMap(imageId -> generation.image(imageId, new Viewer(user.id(), user.admin())))
                .orElseThrow(() -> new PageNotFoundException("Image " + id + " is unknown or not visible to user " + user.id()));
        ResponseEntity.BodyBuilder response = ResponseEntity.ok()
                .contentType(MediaType.parseMediaType(image.contentType()))
                .header(HttpHeaders.CACHE_CONTROL, CACHE_CONTROL)
                .header("X-Content-Type-Options", "nosniff");
        if (download) {
            response.header(HttpHeaders.CONTENT_DISPOSITION,
                    ContentDisposition.attachment().filename(image.fileName()).build().toString());
        }
        return response.body(image.bytes());
    }

    /** The running job's live preview; 404 when there is none (the job is not running, or not the viewer's). */
    @GetMapping("/jobs/{id}/preview")
    ResponseEntity<byte[]> preview(@AuthenticationPrincipal SignedInUser user, @PathVariable String id) {
        JobPreview preview = UrlIds.parse(id).flatMap(jobId -> generation.preview(jobId, new Viewer(user.id(), user.admin())))
                .orElseThrow(() -> new PageNotFoundException("No preview for job " + id + " visible to user " + user.id()));
        return ResponseEntity.ok().contentType(MediaType.parseMediaType(preview.contentType()))
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .header("X-Content-Type-Options", "nosniff")
                .body(preview.bytes());
    }
}
