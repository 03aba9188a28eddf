package org.text2image.server.training;

import java.util.UUID;

/** No such training, or (for a user) not theirs: answered 404, the same in both cases. */
public class TrainingNotFoundException extends RuntimeException {

    public TrainingNotFoundException(UUID id) {
        super("Training " + id + " is unknown.");
    }
}
