package org.text2image.server.generation.web;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.springframework.core.io.Resource;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.text2image.server.generation.GeneratedImages;
import org.text2image.server.generation.ImageContent;
import org.text2image.server.support.PageNotFoundException;

/**
 * {@code GET /i/{id}?v=…&exp=…&sig=…}, {@code GET /i/{id}/thumb?…} and {@code GET /i/{id}/poster?…}:
 * an image or video, its JPEG thumbnail, or a video's PNG poster, by a signed URL of {@link ImageUrls}. No session is read or written for these paths
 * (their security chain is stateless and the session cookie is ignored), and the signature is
 * checked without the database; a valid one needs the image's row (its storage key), which
 * {@link GeneratedImages} keeps in memory once read. A missing, tampered or expired signature, or one for another image, gets the 404
 * page, as an unknown image does. Caching, {@code ETag} and ranges: {@link ImageResponses}. A plain
 * {@code GET} with a valid signature is answered before it gets here, by {@link SignedImageFastPath}.
 */
@Controller
class SignedImageController {

    private final ImageUrls urls;
    private final GeneratedImages images;
    private final ImageBytesServed served;

    SignedImageController(ImageUrls urls, GeneratedImages images, ImageBytesServed served) {
        this.urls = urls;
        this.images = images;
        this.served = served;
    }

    @GetMapping("/i/{id}")
    ResponseEntity<Resource> image(@PathVariable String id, @RequestParam(required = false) String v,
                                   @RequestParam(required = false) String exp, @RequestParam(required = false) String sig,
                                   HttpServletRequest request) {
        ImageContent image = verified(id, v, exp, sig, images::authorisedImage);
        return ImageResponses.of(image, image.id().toString(), false, request, served,
                ImageBytesServed.Route.SIGNED);
    }

    @GetMapping("/i/{id}/thumb")
    ResponseEntity<Resource> thumbnail(@PathVariable String id, @RequestParam(required = false) String v,
                                       @RequestParam(required = false) String exp, @RequestParam(required = false) String sig,
                                       HttpServletRequest request) {
        ImageContent thumbnail = verified(id, v, exp, sig, images::authorisedThumbnail);
        return ImageResponses.of(thumbnail, thumbnail.id() + "-thumb", false, request, served,
                ImageBytesServed.Route.THUMBNAIL);
    }

    /** A video's poster (PNG) by the video's signed URL parameters; the 404 page for an image or a video without poster. */
    @GetMapping("/i/{id}/poster")
    ResponseEntity<Resource> poster(@PathVariable String id, @RequestParam(required = false) String v,
                                    @RequestParam(required = false) String exp, @RequestParam(required = false) String sig,
                                    HttpServletRequest request) {
        ImageContent poster = verified(id, v, exp, sig, images::authorisedPoster);
        return ImageResponses.of(poster, poster.id() + "-poster", false, request, served, ImageBytesServed.Route.SIGNED);
    }

    private ImageContent verified(String id, String viewer, String expires, String signature,
                                  Function<UUID, Optional<ImageContent>> lookup) {
        return UrlIds.parse(id).filter(imageId -> urls.verify(imageId, viewer, expires, signature)).flatMap(lookup)
                .orElseThrow(() -> new PageNotFoundException("Image " + id + ": no valid signed URL, or no such image"));
    }
}
