package org.text2image.server.support;

import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code text2image.*} settings of the whole site.
 *
 * @param publicUrl the address people reach the site at (default {@code http://localhost:8080}),
 *     used for links that leave the site, such as those in mails; an absolute http or https URL
 */
@ConfigurationProperties("text2image")
public record SiteProperties(@DefaultValue("http://localhost:8080") URI publicUrl) {

    /** @throws IllegalArgumentException when the public URL is not an absolute http(s) URL with a host */
    public SiteProperties {
        if (publicUrl == null || publicUrl.getHost() == null
                || !("http".equals(publicUrl.getScheme()) || "https".equals(publicUrl.getScheme()))) {
            throw new IllegalArgumentException("text2image.public-url must be an absolute http(s) URL such as "
                    + "https://t2i.example.com, was " + publicUrl);
        }
    }

    /**
     * An absolute link to a page of the site.
     *
     * @param path the page's path, starting with {@code /}, e.g. {@code /credits}
     * @return e.g. {@code https://t2i.example.com/credits}
     */
    public String link(String path) {
        return publicUrl.toString().replaceAll("/+$", "") + path;
    }
}
