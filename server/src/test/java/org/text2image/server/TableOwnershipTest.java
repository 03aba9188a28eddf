package org.text2image.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * One owner per table (docs/ARCHITECTURE.md, "Server modules and the tables they own"): the code of
 * a module names no table another module owns (comments aside). Another module asks the owner
 * through its public API or an interface, or reacts to its events.
 */
class TableOwnershipTest {

    private static final Path SOURCES = Path.of("src/main/java/org/text2image/server");
    private static final Pattern COMMENTS = Pattern.compile("/\\*.*?\\*/|//[^\\n]*", Pattern.DOTALL);

    /** Module → the tables it owns; the same table as in docs/ARCHITECTURE.md. */
    static final Map<String, List<String>> OWNERS = Map.ofEntries(
            Map.entry("account", List.of("app_user", "account_token", "account_deletion_request", "admin_totp", "admin_recovery_code")),
            Map.entry("credits", List.of("credit_account", "credit_lot", "credit_hold", "credit_hold_lot", "credit_debit",
                    "credit_debit_lot", "ledger_entry", "admin_audit")),
            Map.entry("generation", List.of("generation_job", "job_image", "job_preview", "generation_attempt", "image_url_key")),
            Map.entry("admin", List.of("admin_action_key")),
            Map.entry("workers", List.of("worker_presence", "worker_token")),
            Map.entry("notifications", List.of("low_balance_warning", "mail_outbox")),
            Map.entry("payments", List.of("payment", "stripe_event", "stripe_checkout", "stripe_customer",
                    "stripe_subscription_checkout", "stripe_subscription_change")),
            Map.entry("help", List.of("support_conversation", "support_message", "site_document")),
            Map.entry("web", List.of("spring_session", "spring_session_attributes", "rate_limit_bucket")),
            Map.entry("settings", List.of("app_setting")),
            Map.entry("plans", List.of("plan_subscription", "plan_period")),
            Map.entry("training", List.of("lora_dataset", "lora_dataset_image", "lora_upload_key", "lora_training", "lora_model")),
            Map.entry("api", List.of("api_key", "api_idempotency", "api_job", "webhook_delivery", "api_form_key_claim")),
            Map.entry("support", List.of("scheduled_tasks", "flyway_schema_history")));

    @Test
    void everyModuleQueriesOnlyItsOwnTables() throws IOException {
        try (Stream<Path> modules = Files.list(SOURCES)) {
            for (Path module : modules.filter(Files::isDirectory).toList()) {
                String name = module.getFileName().toString();
                List<String> othersTables = OWNERS.entrySet().stream().filter(owner -> !owner.getKey().equals(name))
                        .flatMap(owner -> owner.getValue().stream()).toList();
                try (Stream<Path> files = Files.walk(module)) {
                    for (Path source : files.filter(file -> file.toString().endsWith(".java")).toList()) {
                        String code = COMMENTS.matcher(Files.readString(source)).replaceAll("");
                        assertThat(othersTables).as(SOURCES.relativize(source).toString())
                                .noneMatch(table -> named(table).matcher(code).find());
                    }
                }
            }
        }
    }

    /**
     * How code names a table: anywhere for a name with an underscore (no word looks like
     * {@code credit_lot}); a name that is also a word ({@code payment}) only where SQL names a
     * table, after an upper-case FROM, JOIN, INTO, UPDATE, TABLE or TRUNCATE (possibly in a list, as the
     * project writes SQL), so that
     * another module may say "payment" in a message or use a class of that name.
     */
    static Pattern named(String table) {
        return table.contains("_") ? Pattern.compile("(?i)\\b" + table + "\\b")
                : Pattern.compile("\\b(FROM|JOIN|INTO|UPDATE|TABLE|TRUNCATE)\\s+(\\w+\\s*,\\s*)*(?i:" + table + ")\\b");
    }

    @Test
    void theCheckSeesATableNamedInCode() {
        assertThat(named("payment").matcher("SELECT id FROM payment WHERE id = ?").find()).isTrue();
        assertThat(named("payment").matcher("TRUNCATE job_image, payment CASCADE").find()).isTrue();
        assertThat(named("payment").matcher("UPDATE payment SET state = ?").find()).isTrue();
        assertThat(named("payment").matcher("String notice = \"Credits from payment R\"; Payment p;").find()).isFalse();
        String code = COMMENTS.matcher("// worker_presence in a comment\nString sql = \"SELECT * FROM worker_presence\";")
                .replaceAll("");
        assertThat(Pattern.compile("(?i)\\bworker_presence\\b").matcher(code).find()).isTrue();
        assertThat(Pattern.compile("(?i)\\bgeneration_job\\b").matcher("NOTIFY generation_job_queued").find()).isFalse();
    }
}
