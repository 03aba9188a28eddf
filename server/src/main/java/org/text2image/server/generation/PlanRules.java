package org.text2image.server.generation;

import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.Map;
import java.util.OptionalInt;
import org.springframework.stereotype.Component;
import org.text2image.server.account.MatureContentOptIns;
import org.text2image.server.catalog.Model;
import org.text2image.server.generation.queue.JobRepository;
import org.text2image.server.plans.Plan;
import org.text2image.server.plans.UserPlans;
import org.text2image.server.support.Plurals;

/**
 * The plan rules of a generation request (docs/PLANS.md, "Enforcement"): the user's
 * {@link PlanAllowance}, the messages of a refused batch size, parameter or model, and a limited
 * model's weekly count.
 *
 * <p><b>The week</b> of a limited model is the ISO week in UTC: from Monday 00:00 UTC to the next
 * Monday 00:00 UTC, by the injected {@link Clock}. It counts the images (batch sizes) of the user's
 * jobs on that model created in the week that are QUEUED, RUNNING or SUCCEEDED; failed and
 * cancelled jobs are not charged, so they do not count.
 */
@Component
public class PlanRules {

    private final UserPlans userPlans;
    private final MatureContentOptIns matureContent;
    private final JobRepository jobs;
    private final Clock clock;

    PlanRules(UserPlans userPlans, MatureContentOptIns matureContent, JobRepository jobs, Clock clock) {
        this.userPlans = userPlans;
        this.matureContent = matureContent;
        this.jobs = jobs;
        this.clock = clock;
    }

    /** What the user's plan lets them ask for now. */
    public PlanAllowance allowanceOf(long userId) {
        return new PlanAllowance(userPlans.planOf(userId), matureContent.optedIn(userId), userPlans.catalogue().all());
    }

    /** The start of the week that holds {@code now}: the Monday before (or of) it, 00:00 UTC. */
    public static Instant weekStart(Instant now) {
        return now.atOffset(ZoneOffset.UTC).toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY))
                .atStartOfDay().toInstant(ZoneOffset.UTC);
    }

    /**
     * Images of a limited model the user has left this week, or empty when the plan does not limit
     * the model by a weekly count (full access, or no access at all).
     */
    public OptionalInt imagesLeftThisWeek(long userId, Model model, PlanAllowance allowance) {
        Plan.ModelAccess access = allowance.accessTo(model);
        if (access.level() != Plan.ModelAccess.Level.LIMITED) {
            return OptionalInt.empty();
        }
        Instant start = weekStart(clock.instant());
        int used = jobs.imagesOnModel(userId, model.id(), start, start.plus(Duration.ofDays(7)));
        return OptionalInt.of(Math.max(0, access.imagesPerWeek() - used));
    }

    /**
     * Refuses a job that would take a limited model past the plan's weekly count. Called after the
     * credit hold, which locks the user's account row: concurrent submits of one user are
     * serialised, so two of them cannot both pass on the last images.
     *
     * @throws InvalidGenerationRequestException under {@code modelId} when no image is left this
     *     week, under {@code batchSize} when fewer are left than the batch asks for
     */
    void refuseOverWeeklyLimit(long userId, Model model, int batchSize, PlanAllowance allowance) {
        OptionalInt left = imagesLeftThisWeek(userId, model, allowance);
        if (left.isEmpty() || batchSize <= left.getAsInt()) {
            return;
        }
        int perWeek = allowance.accessTo(model).imagesPerWeek();
        String orPlan = allowance.unlimitedOn(model).map(p -> " The " + p.name() + " plan has no weekly limit on it.")
                .orElse("");
        if (left.getAsInt() == 0) {
            throw new InvalidGenerationRequestException(Map.of("modelId", "You have used all "
                    + Plurals.count(perWeek, "image") + " of " + model.name() + " that your plan, "
                    + allowance.plan().name() + ", gives each week. More from Monday 00:00 UTC." + orPlan));
        }
        throw new InvalidGenerationRequestException(Map.of("batchSize", "Only "
                + Plurals.count(left.getAsInt(), "image") + " of " + model.name() + " left this week on your plan, "
                + allowance.plan().name() + " (" + perWeek + " a week): ask for " + left.getAsInt()
                + " or fewer." + orPlan));
    }

    /** The message of a batch size above the plan's limit (but within the site's). */
    static String batchRefused(int batchSize, PlanAllowance allowance) {
        String yours = "your plan, " + allowance.plan().name() + ", allows up to " + allowance.plan().batchLimitText() + ".";
        return allowance.allowingBatch(batchSize)
                .map(p -> "Batch size " + batchSize + " needs the " + p.name() + " plan; " + yours)
                .orElse("Batch size " + batchSize + " is more than any plan allows; " + yours);
    }

    /** The message of a parameter the plan may not set. */
    static String parameterRefused(String label, PlanAllowance.ParameterGroup group, PlanAllowance allowance) {
        String yours = "your plan, " + allowance.plan().name() + ", has the " + allowance.plan().parameterAccess().key()
                + " settings only.";
        return allowance.allowing(group).map(p -> label + " needs the " + p.name() + " plan; " + yours)
                .orElse(label + " is not in any plan; " + yours);
    }

    /** The message of a model the user may not use now; null when they may. */
    static String modelRefused(Model model, PlanAllowance allowance) {
        Plan plan = allowance.plan();
        if (PlanAllowance.opens(plan, model)) {
            return model.mature() && !allowance.matureOptIn()
                    ? model.name() + " is a mature model: turn on \"Show mature models\" on your Account page first."
                    : null;
        }
        String needs = allowance.unlocking(model).map(p -> "it needs the " + p.name() + " plan")
                .orElse("no plan includes it");
        String yours = "your plan, " + plan.name() + ", ";
        if (allowance.accessTo(model).level() == Plan.ModelAccess.Level.NONE) {
            return model.name() + ": " + needs + "; " + yours + "does not include it.";
        }
        if (model.beta() && !plan.betaAccess()) {
            return model.name() + " is a beta model: " + needs + "; " + yours + "has no beta models.";
        }
        return model.name() + " is a mature model: " + needs + "; " + yours + "has no mature models.";
    }
}
