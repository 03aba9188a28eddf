package org.text2image.server.plans;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code text2image.plans.*} (docs/CONFIGURATION.md, "Plans").
 *
 * @param file the plan catalogue (default {@code ./config/plans.json}; missing: no plans)
 * @param grantInterval how often the grant task looks for periods that have begun (default 1 min)
 */
@ConfigurationProperties("text2image.plans")
public record PlansProperties(@DefaultValue("./config/plans.json") Path file,
                              @DefaultValue("1m") Duration grantInterval) {
}
