package org.text2image.server.generation;

/**
 * Who is looking: a user sees their own jobs and images; an admin sees all.
 *
 * @param userId the signed-in user's id
 * @param admin whether the user has the ADMIN role
 */
public record Viewer(long userId, boolean admin) {

    boolean maySee(long ownerId) {
        return admin || ownerId == userId;
    }
}
