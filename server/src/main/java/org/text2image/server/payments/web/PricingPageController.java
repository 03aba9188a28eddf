package org.text2image.server.payments.web;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.catalog.ModelCatalog;
import org.text2image.server.credits.Credits;
import org.text2image.server.payments.Money;
import org.text2image.server.plans.BillingPeriod;
import org.text2image.server.plans.Plan;
import org.text2image.server.plans.Plans;
import org.text2image.server.plans.UserPlans;

/**
 * {@code /pricing} (public): the plans of the plans file side by side, one column each (price,
 * credits per period, images per request, queue priority, parameters, each enabled model's access,
 * mature and beta models, LoRA trainings), for the week or the year ({@code ?period=weekly|yearly};
 * anything else is weekly). A signed-in user's current plan is marked; every paid plan has a Choose
 * link to {@code /billing?plan=<id>&period=<weekly|yearly>}. Without a plans file the page says no
 * plans are offered.
 */
@Controller
class PricingPageController {

    private final Plans plans;
    private final UserPlans userPlans;
    private final ModelCatalog catalog;

    PricingPageController(Plans plans, UserPlans userPlans, ModelCatalog catalog) {
        this.plans = plans;
        this.userPlans = userPlans;
        this.catalog = catalog;
    }

    @GetMapping("/pricing")
    String pricing(@AuthenticationPrincipal SignedInUser user, @RequestParam(required = false) String period,
                   Model model) {
        BillingPeriod shown = BillingPeriod.parse(period).orElse(BillingPeriod.WEEKLY);
        String current = user == null ? null : userPlans.planOf(user.id()).id();
        model.addAttribute("period", shown.key());
        model.addAttribute("columns", plans.all().stream().map(plan -> new Column(plan, price(plan, shown),
                plan.id().equals(current), plan.free() ? null : "/billing?plan=" + plan.id() + "&period=" + shown.key()))
                .toList());
        model.addAttribute("rows", rows(shown));
        model.addAttribute("signedIn", user != null);
        return "payments/pricing";
    }

    /**
     * One plan's column.
     *
     * @param price such as "₹499.00 a week", or "Free"
     * @param current whether it is the signed-in user's plan now
     * @param chooseLink the Billing page for this plan and period; null for the free plan
     */
    record Column(Plan plan, String price, boolean current, String chooseLink) {
    }

    /**
     * One line of the table.
     *
     * @param id the row's element id
     * @param label the feature, as the row's header shows it
     * @param values one cell per plan, in the file's order
     */
    record Row(String id, String label, List<String> values) {
    }

    /** "₹499.00 a week", "₹19,999.00 a year" or "Free". */
    static String price(Plan plan, BillingPeriod period) {
        long minor = period.of(plan.priceMinor());
        return minor == 0 ? "Free" : Money.format(minor, plan.currency()) + " a " + period.noun();
    }

    private List<Row> rows(BillingPeriod period) {
        List<Row> rows = new ArrayList<>(List.of(
                row("credits", "Credits", plan -> credits(plan, period)),
                row("batch", "Images per request", plan -> plan.batchLimit() == Plan.UNLIMITED ? "Unlimited"
                        : Integer.toString(plan.batchLimit())),
                row("priority", "Queue priority", plan -> switch (plan.queuePriority()) {
                    case STANDARD -> "Standard";
                    case PRIORITY -> "Priority";
                    case FASTEST -> "Fastest";
                }),
                row("parameters", "Parameters", plan -> switch (plan.parameterAccess()) {
                    case BASIC -> "Basic";
                    case ADVANCED -> "Advanced";
                    case FULL -> "Full";
                })));
        for (org.text2image.server.catalog.Model m : catalog.enabled()) {
            String marks = (m.beta() ? " (beta)" : "") + (m.mature() ? " (mature)" : "");
            rows.add(row("model-" + m.id(), m.name() + marks, plan -> access(plan, m)));
        }
        rows.add(row("mature", "Mature models", plan -> plan.matureContent() ? "Yes" : "No"));
        rows.add(row("beta", "Beta models", plan -> plan.betaAccess() ? "Yes" : "No"));
        if (catalog.enabled().stream().anyMatch(org.text2image.server.catalog.Model::isVideo)) {
            rows.add(row("video", "Longest, largest video", PricingPageController::videoLimits));
        }
        rows.add(row("lora", "LoRA trainings", plan -> {
            long count = period.of(plan.loraTrainings());
            return count == 0 ? "None" : count + " a " + period.noun();
        }));
        return rows;
    }

    /** "Up to 33 frames, 399,360 pixels a frame", "Any" (shown only while a video model is enabled). */
    private static String videoLimits(Plan plan) {
        Plan.VideoLimits video = plan.video();
        if (video.equals(Plan.VideoLimits.NONE)) {
            return "Any";
        }
        String frames = video.maxFrames() == Plan.VideoLimits.UNLIMITED ? "any length" : video.maxFrames() + " frames";
        String pixels = video.maxPixels() == Plan.VideoLimits.UNLIMITED ? "any size"
                : String.format(java.util.Locale.ROOT, "%,d", video.maxPixels()) + " pixels a frame";
        return "Up to " + frames + ", " + pixels;
    }

    /** "1,500 credits a week", "78,000 credits a year, all at once", "None". */
    private static String credits(Plan plan, BillingPeriod period) {
        long credits = period.of(plan.credits());
        if (credits == 0) {
            return "None";
        }
        return Credits.format(credits) + " a " + period.noun() + (period == BillingPeriod.YEARLY ? ", all at once" : "");
    }

    /** A model for a plan: "Full", "50 images a week", "Locked", "Locked (beta)", "Locked (mature)". */
    static String access(Plan plan, org.text2image.server.catalog.Model model) {
        Plan.ModelAccess access = plan.accessTo(model.id());
        if (access.level() == Plan.ModelAccess.Level.NONE) {
            return "Locked";
        }
        if (model.beta() && !plan.betaAccess()) {
            return "Locked (beta)";
        }
        if (model.mature() && !plan.matureContent()) {
            return "Locked (mature)";
        }
        return access.level() == Plan.ModelAccess.Level.LIMITED ? access.toString() : "Full";
    }

    private Row row(String id, String label, Function<Plan, String> value) {
        return new Row(id, label, plans.all().stream().map(value).toList());
    }
}
