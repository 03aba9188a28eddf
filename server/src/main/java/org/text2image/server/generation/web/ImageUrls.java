package org.text2image.server.generation.web;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.modulith.NamedInterface;
import org.springframework.stereotype.Component;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.generation.JobView;

/**
 * Signed image URLs: {@code /i/{imageId}?v=<viewer id>&exp=<epoch seconds>&sig=<signature>}
 * (and {@code /i/{imageId}/thumb?…} for the thumbnail, {@code /i/{imageId}/poster?…} for a video's poster), where the signature is the unpadded
 * Base64url HMAC-SHA256 of {@code "<imageId>|<viewer id>|<exp>"} under the server's key
 * ({@code text2image.images.signing-key}, or else one random key kept in PostgreSQL and shared by
 * every instance).
 *
 * <p>A URL is signed only for a signed-in viewer who may see the image (the job's owner or an
 * admin), and checking it needs no session and no database: it proves that the server gave it to
 * such a viewer. It works for whoever holds it until it expires, like the image bytes the viewer
 * could save; it works for no other image, and changing the viewer, the expiry or the image id
 * breaks the signature. Expiry times fall on a grid of half the lifetime, so a page shows the same
 * URL for a while and the browser's cache serves it again.
 *
 * <p>Pages call it as {@code @imageUrls}; the public API signs its URLs for the key's owner
 * ({@link #imageForOwner}).
 */
@Component("imageUrls")
@NamedInterface("image-urls")
public class ImageUrls {

    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;
    private final long ttlSeconds;
    private final Clock clock;

    ImageUrls(SignedImageProperties properties, Clock clock, JdbcClient jdbc) {
        this.key = new SecretKeySpec(keyBytes(properties.signingKey(), jdbc), ALGORITHM);
        this.ttlSeconds = properties.signedUrlTtl().toSeconds();
        this.clock = clock;
    }

    /** The signed URL of a result image of {@code job}, for the signed-in viewer. */
    public String image(JobView job, UUID imageId) {
        return signed(job, imageId, "");
    }

    /** The signed URL of the thumbnail of a result image of {@code job}, for the signed-in viewer. */
    public String thumbnail(JobView job, UUID imageId) {
        return signed(job, imageId, "/thumb");
    }

    /**
     * The signed URL of the poster (first frame, PNG) of a video of {@code job}, for the signed-in
     * viewer: {@code /i/{id}/poster?…}. Only meaningful when {@link org.text2image.server.generation.JobImage#hasPoster()}.
     */
    public String poster(JobView job, UUID imageId) {
        return signed(job, imageId, "/poster");
    }

    /** {@link #imageForOwner} for a video's poster. */
    public String posterForOwner(JobView job, UUID imageId, long ownerId) {
        return signedForOwner(job, imageId, ownerId, "/poster");
    }

    /**
     * The signed URL of a result image of {@code job} for its owner, {@code ownerId}, who is not in
     * a session (an API caller authenticated by key): the same URL a page shows its owner.
     *
     * @throws IllegalStateException when {@code ownerId} does not own the job or the image is not the job's
     */
    public String imageForOwner(JobView job, UUID imageId, long ownerId) {
        return signedForOwner(job, imageId, ownerId, "");
    }

    /** {@link #imageForOwner} for the image's thumbnail. */
    public String thumbnailForOwner(JobView job, UUID imageId, long ownerId) {
        return signedForOwner(job, imageId, ownerId, "/thumb");
    }

    /** When a URL signed now expires (epoch seconds): on the grid of half the lifetime, at most one lifetime away. */
    public java.time.Instant expiryOfUrlsSignedNow() {
        long now = clock.instant().getEpochSecond();
        long window = ttlSeconds / 2;
        return java.time.Instant.ofEpochSecond(now / window * window + ttlSeconds);
    }

    private String signedForOwner(JobView job, UUID imageId, long ownerId, String suffix) {
        if (job.userId() != ownerId || job.images().stream().noneMatch(image -> image.id().equals(imageId))) {
            throw new IllegalStateException("No image URL for image " + imageId + " of job " + job.id()
                    + ": user " + ownerId + " may not see it");
        }
        return sign(imageId, ownerId, suffix);
    }

    /** A URL signed for {@code viewerId}, which the caller has checked may see the image; {@code suffix} "", "/thumb" or "/poster". */
    String sign(UUID imageId, long viewerId, String suffix) {
        long expires = expiryOfUrlsSignedNow().getEpochSecond();
        return "/i/" + imageId + suffix + "?v=" + viewerId + "&exp=" + expires + "&sig=" + signature(imageId, viewerId, expires);
    }

    /** Whether the parameters of a signed URL are unexpired and signed by this server for that image; malformed ones are not. */
    boolean verify(UUID imageId, String viewer, String expires, String signature) {
        try {
            long viewerId = Long.parseLong(viewer);
            long expiry = Long.parseLong(expires);
            return signature != null && expiry >= clock.instant().getEpochSecond()
                    && MessageDigest.isEqual(signature(imageId, viewerId, expiry).getBytes(StandardCharsets.US_ASCII),
                    signature.getBytes(StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private String signed(JobView job, UUID imageId, String suffix) {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication == null || !(authentication.getPrincipal() instanceof SignedInUser viewer)
                || !(viewer.admin() || viewer.id() == job.userId())
                || job.images().stream().noneMatch(image -> image.id().equals(imageId))) {
            throw new IllegalStateException("No image URL for image " + imageId + " of job " + job.id()
                    + ": the viewer may not see it");
        }
        return sign(imageId, viewer.id(), suffix);
    }

    private String signature(UUID imageId, long viewerId, long expires) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            byte[] digest = mac.doFinal((imageId + "|" + viewerId + "|" + expires).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is part of every JDK", e);
        }
    }

    /**
     * The configured key, or else the one in {@code image_url_key} (migration V30): the first
     * instance to start stores a random one, every other instance (and every restart) reads it, so
     * all instances sign and check alike.
     */
    private static byte[] keyBytes(String configured, JdbcClient jdbc) {
        if (configured != null && !configured.isBlank()) {
            return configured.getBytes(StandardCharsets.UTF_8);
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        jdbc.sql("INSERT INTO image_url_key (id, key_bytes) VALUES (1, ?) ON CONFLICT DO NOTHING").params(random).update();
        return jdbc.sql("SELECT key_bytes FROM image_url_key WHERE id = 1").query(byte[].class).single();
    }
}
