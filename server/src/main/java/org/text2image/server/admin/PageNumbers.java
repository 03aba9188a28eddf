package org.text2image.server.admin;

/** The page number of an admin list as typed in its address. */
final class PageNumbers {

    /** The highest page number accepted; a larger one is clamped to it (an empty page). */
    static final int MAX_PAGE = 1_000_000;

    private PageNumbers() {
    }

    /** From 0; anything but a whole number is the first page, and a negative number is 0. */
    static int of(String text) {
        try {
            return Math.clamp(Integer.parseInt(text.strip()), 0, MAX_PAGE);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
