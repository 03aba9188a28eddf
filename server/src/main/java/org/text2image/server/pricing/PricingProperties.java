package org.text2image.server.pricing;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code text2image.pricing.*}.
 *
 * @param baseWidth width of the size one {@code cost_credits} buys; 0 (the default, with
 *     {@code baseHeight} 0): each model's own default size, so SD 1.5 is priced per 512×512 image
 *     and SDXL per 1024×1024 image
 * @param baseHeight its height (default 0)
 */
@ConfigurationProperties("text2image.pricing")
public record PricingProperties(Integer baseWidth, Integer baseHeight) {

    public PricingProperties {
        baseWidth = baseWidth == null ? 0 : baseWidth;
        baseHeight = baseHeight == null ? 0 : baseHeight;
        if (baseWidth < 0 || baseHeight < 0 || (baseWidth == 0) != (baseHeight == 0)) {
            throw new IllegalArgumentException(
                    "text2image.pricing.base-width and base-height must both be ≥ 1, or both 0 (each model's default size)");
        }
    }
}
