package org.text2image.server;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Entry point of the Text2Image server (pages, REST API, worker API, ledger and queue). */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class Text2ImageApplication {

    public static void main(String[] args) {
        SpringApplication.run(Text2ImageApplication.class, args);
    }
}
