package org.text2image.server.support;

/**
 * Thrown by page controllers for anything the user may not see or that does not exist (another
 * user's job and an unknown id alike); rendered as the friendly 404 page.
 */
public class PageNotFoundException extends RuntimeException {

    public PageNotFoundException(String what) {
        super(what);
    }
}
