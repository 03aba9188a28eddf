package org.text2image.server.web;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.resource.LiteWebJarsResourceResolver;

/**
 * The static files, each folder on its own URL pattern: {@code /css/**}, {@code /js/**},
 * {@code /favicon.*} from {@code classpath:/static/}, and {@code /webjars/**} (htmx) with the
 * WebJars resolver, so templates name a WebJar file without its version.
 *
 * <p>Boot's own mapping of {@code /**} to the static folders is off
 * ({@code spring.web.resources.add-mappings: false}): with it, the resource chain looked up every
 * link a page renders ({@code /credits}, {@code /jobs/…}) as a possible static file in the
 * application's jar — a miss is not cached — and that took about 40 % of the CPU of a signed-in
 * page.
 */
@Configuration(proxyBeanMethods = false)
class StaticResources implements WebMvcConfigurer {

    @Override
    public void addResourceHandlers(ResourceHandlerRegistry registry) {
        registry.addResourceHandler("/css/**").addResourceLocations("classpath:/static/css/");
        registry.addResourceHandler("/js/**").addResourceLocations("classpath:/static/js/");
        registry.addResourceHandler("/favicon.*").addResourceLocations("classpath:/static/");
        registry.addResourceHandler("/webjars/**").addResourceLocations("classpath:/META-INF/resources/webjars/")
                .resourceChain(true).addResolver(new LiteWebJarsResourceResolver());
    }
}
