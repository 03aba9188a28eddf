package org.text2image.server.training;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * A user's LoRA training allowance now (docs/TRAINING.md, "Allowance").
 *
 * @param unlimited the site has no plans file: trainings are not counted
 * @param planName the user's plan
 * @param limit trainings the plan gives for the window (0 when it has none)
 * @param used trainings created in the window whose allowance was not given back
 * @param periodNoun {@code week} or {@code year}: the window's kind
 * @param windowStart the window's start (inclusive)
 * @param renewsAt the window's end: the next window starts then
 */
public record TrainingAllowance(boolean unlimited, String planName, long limit, long used, String periodNoun,
                                Instant windowStart, Instant renewsAt) {

    /** Trainings left in the window (never negative). */
    public long left() {
        return unlimited ? Long.MAX_VALUE : Math.max(0, limit - used);
    }

    /** Whether another training may be started now. */
    public boolean available() {
        return unlimited || left() > 0;
    }

    /** "Monday 00:00 UTC" for the start of an ISO week, else "3 Mar 2026, 10:00 UTC". */
    public String renewal() {
        ZonedDateTime at = renewsAt.atZone(ZoneOffset.UTC);
        if (at.getDayOfWeek() == DayOfWeek.MONDAY && at.toLocalTime().toSecondOfDay() == 0) {
            return "Monday 00:00 UTC";
        }
        return DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm 'UTC'", Locale.ENGLISH).format(at);
    }

    /** The line the pages show: "1 of 3 trainings left this week — renews Monday 00:00 UTC". */
    public String summary() {
        if (unlimited) {
            return "Trainings are not limited on this site.";
        }
        if (limit == 0) {
            return "Your plan, " + planName + ", has no LoRA trainings.";
        }
        return left() + " of " + limit + " training" + (limit == 1 ? "" : "s") + " left this " + periodNoun
                + " — renews " + renewal();
    }

    /** Why a training is refused when none is left: names the limit and when it renews. */
    public String refusal() {
        if (limit == 0) {
            return "Your plan, " + planName + ", has no LoRA trainings.";
        }
        return "You have used your " + limit + " training" + (limit == 1 ? "" : "s") + " this " + periodNoun + " ("
                + planName + " plan: " + limit + " a " + periodNoun + "). More from " + renewal() + ".";
    }
}
