package org.text2image.server.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.text2image.server.generation.TooManyQueuedJobsException;

/** Counts with their noun in the right number. */
class PluralsTest {

    @Test
    void oneIsSingularAndEveryOtherCountPlural() {
        assertThat(Plurals.count(1, "credit")).isEqualTo("1 credit");
        assertThat(Plurals.count(-1, "credit")).isEqualTo("-1 credit");
        assertThat(Plurals.count(0, "credit")).isEqualTo("0 credits");
        assertThat(Plurals.count(2, "credit")).isEqualTo("2 credits");
        assertThat(Plurals.count(-5, "credit")).isEqualTo("-5 credits");
    }

    @Test
    void usesTheGivenIrregularPlural() {
        assertThat(Plurals.count(1, "entry", "entries")).isEqualTo("1 entry");
        assertThat(Plurals.count(3, "entry", "entries")).isEqualTo("3 entries");
        assertThat(Plurals.noun(7, "job")).isEqualTo("jobs");
        assertThat(Plurals.noun(1, "job")).isEqualTo("job");
    }

    @Test
    void aQueueLimitOfOneJobReadsInTheSingular() {
        assertThat(new TooManyQueuedJobsException(1).getMessage()).startsWith("You already have 1 job waiting or running.");
    }
}
