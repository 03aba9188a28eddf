package org.text2image.server.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The run mode's embedded PostgreSQL after its server died without stopping it: a {@code kill -9}
 * leaves the postmaster running on the data folder, and the next start must stop that one (and
 * only that one) and come up on the first try with the data intact.
 */
class EmbeddedPostgresRestartTest {

    private static final Duration CHILD_START = Duration.ofSeconds(60);

    @TempDir Path temp;
    private final List<ProcessHandle> leftovers = new ArrayList<>();

    @AfterEach
    void stopLeftovers() {
        for (ProcessHandle process : leftovers) { // only processes this test started
            process.destroy();
            process.onExit().join();
        }
    }

    @Test
    void startsOnTheFirstTryAfterTheServerWasKilledAndKeepsTheData() throws Exception {
        Path dataDir = temp.resolve("pg");
        long orphan;
        try (ChildJvm server = ChildJvm.start(EmbeddedPostgresChild.class, temp.resolve("child.log"),
                dataDir.toString(), "written before the crash")) {
            server.await(Pattern.compile("^READY$"), CHILD_START);
            orphan = postmasterPid(dataDir);
            server.kill(); // SIGKILL: no shutdown hook runs
        }
        ProcessHandle left = ProcessHandle.of(orphan).orElseThrow();
        leftovers.add(left);
        assertThat(left.isAlive()).as("the killed server's PostgreSQL is still running").isTrue();

        runner(dataDir).run(context -> {
            assertThat(context).hasNotFailed();
            JdbcClient jdbc = JdbcClient.create(context.getBean(DataSource.class));
            assertThat(jdbc.sql("SELECT note FROM survivor").query(String.class).list())
                    .containsExactly("written before the crash");
            assertThat(left.isAlive()).as("the orphaned postmaster was stopped").isFalse();
            assertThat(postmasterPid(dataDir)).isNotEqualTo(orphan);
        });
    }

    @Test
    void startsOverAStalePidFileWhosePostmasterIsGone() throws Exception {
        Path dataDir = temp.resolve("pg");
        String pidFile = runUntilStopped(dataDir);
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Files.writeString(dataDir.resolve("postmaster.pid"), withPid(pidFile, gone.pid()));

        runner(dataDir).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(JdbcClient.create(context.getBean(DataSource.class)).sql("SELECT 1").query(Integer.class).single())
                    .isEqualTo(1);
        });
    }

    @Test
    void neverStopsAProcessThatIsNotThePostmasterOfItsDataFolder() throws Exception {
        Path dataDir = temp.resolve("pg");
        String pidFile = runUntilStopped(dataDir);
        Process bystander = new ProcessBuilder("sleep", "60").start();
        leftovers.add(bystander.toHandle());
        Path otherDir = temp.resolve("other");
        runner(otherDir).run(other -> {
            ProcessHandle otherPostgres = ProcessHandle.of(postmasterPid(otherDir)).orElseThrow();
            for (long pid : new long[] {bystander.pid(), otherPostgres.pid()}) {
                // the file names a live process that reused the PID of the postmaster that wrote it
                Files.writeString(dataDir.resolve("postmaster.pid"), withPid(pidFile, pid));
                runner(dataDir).run(context -> assertThat(context).hasNotFailed());
            }
            assertThat(bystander.isAlive()).isTrue();
            assertThat(otherPostgres.isAlive()).isTrue();
            assertThat(JdbcClient.create(other.getBean(DataSource.class)).sql("SELECT 1").query(Integer.class).single())
                    .isEqualTo(1);
        });
    }

    @Test
    void refusesADataFolderThatARunningServerUsesAndLeavesItsDatabaseRunning() {
        Path dataDir = temp.resolve("pg");
        runner(dataDir).run(running -> {
            runner(dataDir).run(second -> assertThat(second).getFailure()
                    .rootCause().hasMessageContaining("is in use by another running server"));
            assertThat(JdbcClient.create(running.getBean(DataSource.class)).sql("SELECT 1").query(Integer.class).single())
                    .isEqualTo(1);
        });
    }

    /** Starts and stops the embedded PostgreSQL on {@code dataDir}; returns its postmaster.pid as it was while running. */
    private static String runUntilStopped(Path dataDir) {
        String[] pidFile = new String[1];
        runner(dataDir).run(context -> {
            assertThat(context).hasNotFailed();
            pidFile[0] = Files.readString(dataDir.resolve("postmaster.pid"));
        });
        assertThat(dataDir.resolve("postmaster.pid")).doesNotExist();
        return pidFile[0];
    }

    private static ApplicationContextRunner runner(Path dataDir) {
        return new ApplicationContextRunner()
                .withUserConfiguration(EmbeddedPostgresConfiguration.class)
                .withPropertyValues("text2image.database.embedded-data-dir=" + dataDir);
    }

    private static long postmasterPid(Path dataDir) throws IOException {
        return Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).getFirst().trim());
    }

    private static String withPid(String pidFile, long pid) {
        return pid + pidFile.substring(pidFile.indexOf('\n'));
    }
}
