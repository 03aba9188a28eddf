package org.text2image.server.plans;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code text2image.plans.*} (docs/CONFIGURATION.md, "Plans").
 *
 * @param file the plan catalogue (default {@code ./config/plans.json}; missing: no plans)
 */
@ConfigurationProperties("text2image.plans")
public record PlansProperties(@DefaultValue("./config/plans.json") Path file) {
}
