package org.text2image.server.generation.web;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.stereotype.Component;

/**
 * The counter {@code t2i.images.served} (Prometheus {@code t2i_images_served_bytes_total}, label
 * {@code route}: {@code image} for {@code /images/{id}}, {@code signed} for {@code /i/{id}},
 * {@code thumbnail} for {@code /i/{id}/thumb}; docs/OPERATIONS.md): the image bytes answered, a
 * whole image ({@code 200}) or the requested ranges ({@code 206}, their lengths). A {@code 304}
 * sends no body. Counting never fails an answer.
 */
@Component
class ImageBytesServed implements MeterBinder {

    /** Which address served the image. */
    enum Route { IMAGE, SIGNED, THUMBNAIL }

    private volatile Counter image;
    private volatile Counter signed;
    private volatile Counter thumbnail;

    @Override
    public void bindTo(MeterRegistry registry) {
        image = counter(registry, "image");
        signed = counter(registry, "signed");
        thumbnail = counter(registry, "thumbnail");
    }

    private static Counter counter(MeterRegistry registry, String route) {
        return Counter.builder("t2i.images.served").baseUnit("bytes").tag("route", route)
                .description("Image bytes answered: whole images (200) and ranges (206)").register(registry);
    }

    /** Counts {@code bytes} sent by {@code route}. */
    void add(Route route, long bytes) {
        Counter counter = switch (route) {
            case IMAGE -> image;
            case SIGNED -> signed;
            case THUMBNAIL -> thumbnail;
        };
        if (counter != null && bytes > 0) {
            counter.increment(bytes);
        }
    }
}
