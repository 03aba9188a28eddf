package org.text2image.server.generation.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;
import org.text2image.server.generation.GeneratedImages;
import org.text2image.server.generation.ImageContent;
import org.text2image.server.support.SecurityHeaders;

/**
 * The common case of a signed image URL answered before any other filter: a {@code GET} without
 * {@code Range} of {@code /i/{id}}, {@code /i/{id}/thumb} or {@code /i/{id}/poster} whose signature is valid and whose
 * image is a local file. It gets the same answer as {@link SignedImageController} would give
 * ({@code 304} for a matching {@code If-None-Match}, otherwise the file, through Tomcat's sendfile
 * from {@value ImageResponses#SENDFILE_MIN_BYTES} bytes), without the session, security and
 * Spring MVC machinery that costs more than the answer itself for a small image. Every other
 * request (a range, {@code HEAD}, a bad or expired signature, an unknown image, storage that is
 * not a local folder) goes on to the controller unchanged, which answers it in full.
 *
 * <p>The signature is the authorisation ({@link ImageUrls#verify}), checked exactly as the
 * controller checks it; the security chain of these paths permits every request anyway.
 */
final class SignedImageFastPath extends OncePerRequestFilter {

    private static final String PREFIX = "/i/";
    private static final String THUMBNAIL_SUFFIX = "/thumb";
    private static final String POSTER_SUFFIX = "/poster";

    private final ImageUrls urls;
    private final GeneratedImages images;
    private final ImageBytesServed served;

    SignedImageFastPath(ImageUrls urls, GeneratedImages images, ImageBytesServed served) {
        this.urls = urls;
        this.images = images;
        this.served = served;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<Answer> answer = "GET".equals(request.getMethod()) && request.getHeader(HttpHeaders.RANGE) == null
                ? answerFor(request) : Optional.empty();
        if (answer.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        answer.get().send(request, response, served);
    }

    private Optional<Answer> answerFor(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (!path.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String rest = path.substring(PREFIX.length());
        boolean thumbnail = rest.endsWith(THUMBNAIL_SUFFIX);
        boolean poster = rest.endsWith(POSTER_SUFFIX);
        String id = thumbnail ? rest.substring(0, rest.length() - THUMBNAIL_SUFFIX.length())
                : poster ? rest.substring(0, rest.length() - POSTER_SUFFIX.length()) : rest;
        Function<UUID, Optional<ImageContent>> lookup = thumbnail ? images::authorisedThumbnail
                : poster ? images::authorisedPoster : images::authorisedImage;
        return UrlIds.parse(id)
                .filter(imageId -> urls.verify(imageId, request.getParameter("v"), request.getParameter("exp"),
                        request.getParameter("sig")))
                .flatMap(lookup)
                .filter(image -> image.resource().isFile() && image.resource().exists())
                .map(image -> new Answer(image, thumbnail ? image.id() + "-thumb" : poster ? image.id() + "-poster"
                        : image.id().toString(), thumbnail ? ImageBytesServed.Route.THUMBNAIL : ImageBytesServed.Route.SIGNED));
    }

    /** A verified image, its tag ({@link ImageResponses#of}'s) and the route it is counted under. */
    private record Answer(ImageContent image, String tag, ImageBytesServed.Route route) {

        void send(HttpServletRequest request, HttpServletResponse response, ImageBytesServed served) throws IOException {
            String etag = "\"" + tag + "\"";
            response.setHeader(HttpHeaders.ETAG, etag);
            response.setHeader(HttpHeaders.CACHE_CONTROL, ImageResponses.CACHE_CONTROL);
            SecurityHeaders.write(request.isSecure(), response);
            if (ImageResponses.matches(request.getHeader(HttpHeaders.IF_NONE_MATCH), etag)) {
                response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
                return;
            }
            File file = image.resource().getFile();
            long length = file.length();
            response.setContentType(image.contentType());
            response.setHeader(HttpHeaders.ACCEPT_RANGES, "bytes");
            response.setContentLengthLong(length);
            served.add(route, length);
            if (!ImageResponses.sendfile(request, file, length)) {
                Files.copy(file.toPath(), response.getOutputStream());
            }
        }
    }

    /** Registers the fast path ahead of every other filter, on the signed image paths only. */
    @Configuration(proxyBeanMethods = false)
    static class Registration {

        @Bean
        FilterRegistrationBean<SignedImageFastPath> signedImageFastPath(ImageUrls urls, GeneratedImages images,
                                                                        ImageBytesServed served) {
            FilterRegistrationBean<SignedImageFastPath> registration =
                    new FilterRegistrationBean<>(new SignedImageFastPath(urls, images, served));
            registration.addUrlPatterns(PREFIX + "*");
            registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
            return registration;
        }
    }
}
