package org.text2image.server.generation.web;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.generation.GeneratedImages;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.generation.ImageContent;
import org.text2image.server.generation.JobPreview;
import org.text2image.server.generation.Viewer;
import org.text2image.server.support.PageNotFoundException;

/**
 * {@code GET /images/{id}}: the image (or video) for a signed-in session; {@code /images/{id}/poster} a video's poster. Bytes go only to the job's owner or
 * an admin; anyone else gets the 404 page. {@code ?download=true} asks the browser to save it.
 * Caching, {@code ETag} and ranges: {@link ImageResponses}. Pages show images through the cheaper
 * signed URLs of {@link SignedImageController}; this address is for downloads and links.
 */
@Controller
class ImageController {

    private final GenerationService generation;
    private final GeneratedImages images;
    private final ImageBytesServed served;

    ImageController(GenerationService generation, GeneratedImages images, ImageBytesServed served) {
        this.generation = generation;
        this.images = images;
        this.served = served;
    }

    @GetMapping("/images/{id}")
    ResponseEntity<Resource> image(@AuthenticationPrincipal SignedInUser user, @PathVariable String id,
                                   @RequestParam(defaultValue = "false") boolean download, HttpServletRequest request) {
        ImageContent image = UrlIds.parse(id).flatMap(imageId -> images.image(imageId, new Viewer(user.id(), user.admin())))
                .orElseThrow(() -> new PageNotFoundException("Image " + id + " is unknown or not visible to user " + user.id()));
        return ImageResponses.of(image, image.id().toString(), download, request, served,
                ImageBytesServed.Route.IMAGE);
    }

    /**
     * {@code GET /images/{id}/poster}: a video's poster (its first frame, a PNG), authorised as the
     * video itself; the 404 page for an image, a video without poster, or a viewer who may not see it.
     */
    @GetMapping("/images/{id}/poster")
    ResponseEntity<Resource> poster(@AuthenticationPrincipal SignedInUser user, @PathVariable String id,
                                    HttpServletRequest request) {
        ImageContent poster = UrlIds.parse(id).flatMap(imageId -> images.poster(imageId, new Viewer(user.id(), user.admin())))
                .orElseThrow(() -> new PageNotFoundException("No poster " + id + " visible to user " + user.id()));
        return ImageResponses.of(poster, poster.id() + "-poster", false, request, served, ImageBytesServed.Route.IMAGE);
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
