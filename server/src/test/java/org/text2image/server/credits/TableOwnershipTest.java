package org.text2image.server.credits;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One owner per table: the code of the ledger and of the modules around it names no table another
 * module owns (comments aside). {@code app_user} is the account module's; {@code generation_job}
 * and {@code job_image} the generation module's; {@code low_balance_warning} and
 * {@code mail_outbox} the notifications module's; the ledger's tables and {@code admin_audit} the
 * credits module's.
 */
class TableOwnershipTest {

    private static final Path SOURCES = Path.of("src/main/java/org/text2image/server");
    private static final Pattern COMMENTS = Pattern.compile("/\\*.*?\\*/|//[^\\n]*", Pattern.DOTALL);

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "credits       | app_user generation_job job_image low_balance_warning mail_outbox",
            "notifications | app_user generation_job job_image credit_account credit_lot credit_hold ledger_entry admin_audit",
            "pricing       | app_user generation_job job_image credit_account credit_lot credit_hold ledger_entry",
    })
    void aModuleQueriesOnlyItsOwnTables(String module, String othersTables) throws IOException {
        List<String> tables = List.of(othersTables.split(" "));
        try (Stream<Path> files = Files.list(SOURCES.resolve(module))) {
            List<Path> sources = files.filter(file -> file.toString().endsWith(".java")).toList();
            assertThat(sources).isNotEmpty();
            for (Path source : sources) {
                String code = COMMENTS.matcher(Files.readString(source)).replaceAll("");
                assertThat(tables).as(source.getFileName().toString())
                        .noneMatch(table -> Pattern.compile("\\b" + table + "\\b").matcher(code).find());
            }
        }
    }
}
