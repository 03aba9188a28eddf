package org.text2image.server.e2e;

import java.util.List;

/**
 * Every page of the site, once: the list the accessibility and phone-width checks walk
 * ({@link AccessibilityBrowserTest}). A new page is one line here. A path may name the fixtures the
 * test creates: {@code {job}} (a finished job of the user), {@code {payment}} (a UPI payment of
 * the user waiting for its UTR), {@code {user}} (the user's account id), {@code {dataset}} (a LoRA
 * dataset of the user with one image) and {@code {training}} (a running training of it).
 */
final class SitePages {

    /** Who looks at a page: nobody signed in, a user, or an admin. */
    enum Viewer { ANONYMOUS, USER, ADMIN }

    /** A page and who it is shown to. */
    record Page(Viewer viewer, String path) {
    }

    static final List<Page> ALL = List.of(
            anonymous("/"),
            anonymous("/login"),
            anonymous("/register"),
            anonymous("/register?sent"),
            anonymous("/forgot-password"),
            anonymous("/forgot-password?sent"),
            anonymous("/reset-password?token=no-such-token"),
            anonymous("/no-such-page"),
            anonymous("/help"),
            anonymous("/privacy"),
            anonymous("/terms"),
            anonymous("/pricing"),
            user("/generate"),
            user("/jobs/{job}"),
            user("/history"),
            user("/credits"),
            user("/buy"),
            user("/payments"),
            user("/payments/{payment}"),
            user("/pricing?period=yearly"),
            user("/billing"),
            user("/billing?plan=pro&period=weekly"),
            user("/account"),
            user("/developers"),
            user("/support"),
            user("/support?job={job}"),
            user("/my-models"),
            user("/my-models/datasets/{dataset}"),
            user("/my-models/trainings/{training}"),
            admin("/admin"),
            admin("/admin/jobs"),
            admin("/admin/jobs/{job}"),
            admin("/admin/models"),
            admin("/admin/plans"),
            admin("/admin/workers"),
            admin("/admin/credits"),
            admin("/admin/ledger"),
            admin("/admin/payments"),
            admin("/admin/users"),
            admin("/admin/users/{user}"),
            admin("/admin/audit"),
            admin("/admin/outbox"),
            admin("/admin/settings"),
            admin("/admin/support"),
            admin("/admin/pages/privacy"),
            admin("/account/2fa/setup"));

    private SitePages() {
    }

    private static Page anonymous(String path) {
        return new Page(Viewer.ANONYMOUS, path);
    }

    private static Page user(String path) {
        return new Page(Viewer.USER, path);
    }

    private static Page admin(String path) {
        return new Page(Viewer.ADMIN, path);
    }
}
