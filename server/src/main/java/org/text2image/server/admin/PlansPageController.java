package org.text2image.server.admin;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.servlet.ModelAndView;
import org.text2image.server.account.AccountDirectory;
import org.text2image.server.catalog.Model;
import org.text2image.server.catalog.ModelCatalog;
import org.text2image.server.credits.Credits;
import org.text2image.server.payments.Money;
import org.text2image.server.plans.Plan;
import org.text2image.server.plans.Plans;
import org.text2image.server.plans.UserPlans;

/**
 * {@code /admin/plans}: the plan catalogue as loaded at start-up, the plans side by side (one column
 * each, one row per setting, one row per model of the model catalog), and how many users are on each
 * plan now: those whose paid term runs now ({@link UserPlans#paidUsersByPlan}), everyone else on the
 * free plan; what a plan says is enforced on every generation request (docs/PLANS.md,
 * "Enforcement"). Read-only: users choose plans on /pricing and pay on /billing.
 */
@Controller
class PlansPageController {

    private final Plans plans;
    private final ModelCatalog catalog;
    private final UserPlans userPlans;
    private final AccountDirectory accounts;

    PlansPageController(Plans plans, ModelCatalog catalog, UserPlans userPlans, AccountDirectory accounts) {
        this.plans = plans;
        this.catalog = catalog;
        this.userPlans = userPlans;
        this.accounts = accounts;
    }

    /**
     * One line of the table.
     *
     * @param id the row's element id
     * @param label the setting, as the first cell shows it
     * @param values one cell per plan, in the file's order
     */
    record Row(String id, String label, List<String> values) {
    }

    @GetMapping("/admin/plans")
    ModelAndView page() {
        ModelAndView page = new ModelAndView("admin/plans");
        page.addObject("plans", plans.all());
        page.addObject("plansFile", ModelsPageController.shown(java.nio.file.Path.of(plans.file())));
        page.addObject("rows", rows());
        return page;
    }

    private List<Row> rows() {
        Map<String, Long> paid = userPlans.paidUsersByPlan();
        long paidInFile = plans.all().stream().filter(plan -> !plan.free()).mapToLong(plan -> paid.getOrDefault(plan.id(), 0L))
                .sum();
        long everyone = accounts.countJoined(Instant.EPOCH, Instant.parse("9999-12-31T00:00:00Z"));
        List<Row> rows = new ArrayList<>(List.of(
                row("users", "Users on it now", plan -> Long.toString(plan.free() ? Math.max(0, everyone - paidInFile)
                        : paid.getOrDefault(plan.id(), 0L))),
                row("price-weekly", "Price a week", plan -> price(plan, plan.priceMinor().weekly())),
                row("price-yearly", "Price a year", plan -> price(plan, plan.priceMinor().yearly())),
                row("credits-weekly", "Credits a week", plan -> Credits.format(plan.credits().weekly())),
                row("credits-yearly", "Credits a year (at once)", plan -> Credits.format(plan.credits().yearly())),
                row("batch-limit", "Images per request", Plan::batchLimitText),
                row("queue-priority", "Queue priority", plan -> plan.queuePriority().key()),
                row("parameter-access", "Parameters", plan -> plan.parameterAccess().key()),
                row("mature-content", "Mature content", plan -> yesNo(plan.matureContent())),
                row("beta-access", "Beta models", plan -> yesNo(plan.betaAccess())),
                row("lora-weekly", "LoRA trainings a week", plan -> Long.toString(plan.loraTrainings().weekly())),
                row("lora-yearly", "LoRA trainings a year", plan -> Long.toString(plan.loraTrainings().yearly()))));
        for (Model model : catalog.all()) {
            rows.add(row("model-" + model.id(), "Model: " + model.name(), plan -> plan.accessTo(model.id()).toString()));
        }
        return rows;
    }

    private Row row(String id, String label, Function<Plan, String> value) {
        return new Row(id, label, plans.all().stream().map(value).toList());
    }

    private static String price(Plan plan, long minor) {
        return minor == 0 ? "free" : Money.format(minor, plan.currency());
    }

    private static String yesNo(boolean value) {
        return value ? "yes" : "no";
    }
}
