package org.text2image.server;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.text2image.server.storage.StorageMigration;

/** Entry point of the Text2Image server (pages, REST API, worker API, ledger and queue). */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class Text2ImageApplication {

    /** Starts the server, or runs the storage migration when {@code --text2image.storage.migrate=...} is given. */
    public static void main(String[] args) {
        if (StorageMigration.requested(args)) { // S3-compatible image storage: a command, not the server
            System.exit(StorageMigration.run(args));
        }
        SpringApplication.run(Text2ImageApplication.class, args);
    }
}
