package org.text2image.server.storage;

import java.util.Arrays;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.text2image.server.storage.s3.LocalToS3Migration;
import org.text2image.server.storage.s3.S3ImageStore;
import org.text2image.server.storage.s3.S3Clients;

/**
 * The local-folder-to-S3 migration as a command: {@code java -jar text2image-server.jar
 * --text2image.storage.migrate=dry-run} (or {@code =copy}). It reads only {@code text2image.storage.*}
 * (from the same places as the server: application.yml, environment, arguments) in a context
 * without web server, database or worker, runs {@link LocalToS3Migration}, prints the summary table
 * and ends; the exit status is 0 when nothing failed, 1 otherwise, 2 for a configuration error.
 */
public final class StorageMigration {

    private static final String ARGUMENT = "--text2image.storage.migrate=";

    private StorageMigration() {
    }

    /** Whether the command line asks for a migration rather than the server. */
    public static boolean requested(String[] args) {
        return Arrays.stream(args).anyMatch(arg -> arg.startsWith(ARGUMENT));
    }

    /** Runs the migration the arguments ask for and returns the process's exit status. */
    public static int run(String[] args) {
        SpringApplication application = new SpringApplication(Settings.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        application.setBannerMode(Banner.Mode.OFF);
        application.setLogStartupInfo(false);
        StorageProperties properties;
        try (ConfigurableApplicationContext context = application.run(args)) {
            properties = context.getBean(StorageProperties.class);
        }
        if (properties.migrate() == StorageProperties.Migrate.NONE) {
            System.err.println("text2image.storage.migrate must be dry-run or copy");
            return 2;
        }
        try {
            properties.s3().requireValid();
        } catch (IllegalStateException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        try (S3ImageStore target = S3Clients.store(properties.s3())) {
            StorageHealth health = target.check();
            if (!health.up()) {
                System.err.println(health.detail());
                return 2;
            }
            LocalToS3Migration.Report report = new LocalToS3Migration(properties.localFolder(), target)
                    .run(properties.migrate() == StorageProperties.Migrate.COPY, System.out);
            System.out.println(report.table());
            return report.exitCode();
        } catch (StorageException e) {
            System.err.println(e.getMessage());
            return 1;
        }
    }

    /** Binds {@code text2image.storage.*} and nothing else. */
    @EnableConfigurationProperties(StorageProperties.class)
    static class Settings {
    }
}
