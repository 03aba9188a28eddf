package org.text2image.server.api;

import java.net.URI;

/**
 * The stable {@code type} of each error of the REST API (RFC 9457 problem details), as relative
 * URIs under {@value #BASE}. Clients switch on the type, never on the human-readable
 * {@code detail}. docs/API.md lists every type with its status.
 */
public final class ApiProblems {

    /** Largest request body the API reads, in bytes (64 KiB: a prompt at its longest is far less). */
    public static final int MAX_BODY_BYTES = 64 * 1024;

    /** What every type starts with. */
    public static final String BASE = "/api/v1/problems/";

    /** 400: a field breaks a rule; {@code errors} maps field → message. */
    public static final URI INVALID_REQUEST = type("invalid-request");
    /** 400: the body is not JSON of the expected shape, or too large. */
    public static final URI MALFORMED_REQUEST = type("malformed-request");
    /** 413: the body is larger than {@value #MAX_BODY_BYTES} bytes. */
    public static final URI BODY_TOO_LARGE = type("body-too-large");
    /** 401: no key, a malformed, unknown or revoked key, or a disabled account. */
    public static final URI UNAUTHENTICATED = type("unauthenticated");
    /** 403: the key lacks the scope the endpoint needs. */
    public static final URI INSUFFICIENT_SCOPE = type("insufficient-scope");
    /** 402: the price exceeds the available credits. */
    public static final URI INSUFFICIENT_CREDITS = type("insufficient-credits");
    /** 404: no such job, image or resource for this caller (another user's looks the same). */
    public static final URI NOT_FOUND = type("not-found");
    /** 409: the job is already finished and cannot be cancelled. */
    public static final URI NOT_CANCELLABLE = type("not-cancellable");
    /** 422: the Idempotency-Key was used in the last 24 h with another request body. */
    public static final URI IDEMPOTENCY_KEY_REUSED = type("idempotency-key-reused");
    /** 429: too many requests; {@code Retry-After} says how many seconds to wait. */
    public static final URI RATE_LIMITED = type("rate-limited");
    /** 429: too many of the caller's jobs are queued or running. */
    public static final URI TOO_MANY_ACTIVE_JOBS = type("too-many-active-jobs");
    /** 405, 406, 415: the method or media type is not accepted here. */
    public static final URI UNSUPPORTED = type("unsupported");
    /** 500: a fault of the server; retrying may work. */
    public static final URI SERVER_ERROR = type("server-error");

    private ApiProblems() {
    }

    private static URI type(String slug) {
        return URI.create(BASE + slug);
    }
}
