package org.text2image.server.generation.web;

import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.generation.Viewer;
import org.text2image.server.support.PageNotFoundException;

/**
 * {@code GET /jobs/{id}/events}: Server-Sent Events for the job page ({@link JobEventStreams}).
 * The owner and admins only; anyone else gets the same 404 as the page. 503 when this instance
 * has its most streams open (the page then keeps polling).
 */
@Controller
class JobEventsController {

    private final GenerationService generation;
    private final JobEventStreams streams;

    JobEventsController(GenerationService generation, JobEventStreams streams) {
        this.generation = generation;
        this.streams = streams;
    }

    @GetMapping(path = "/jobs/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @ResponseBody
    SseEmitter events(@AuthenticationPrincipal SignedInUser user, @PathVariable String id) {
        Viewer viewer = new Viewer(user.id(), user.admin());
        UUID jobId = UrlIds.parse(id).filter(job -> generation.progress(job, viewer).isPresent())
                .orElseThrow(() -> new PageNotFoundException("Job " + id + " is unknown or not visible to user " + user.id()));
        return streams.open(jobId, viewer).orElseThrow(() ->
                new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, "Too many live job streams are open."));
    }
}
