package org.text2image.server.web;

import jakarta.servlet.DispatcherType;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import tools.jackson.databind.JacksonModule;
import tools.jackson.databind.module.SimpleModule;

/**
 * Text with a NUL character (U+0000) is refused at the edge, for every endpoint at once:
 * PostgreSQL cannot store it, and each text column would otherwise need its own check.
 * Parameters by {@link NulCharacterFilter}, JSON bodies by {@link NulFreeStringDeserializer}.
 */
@Configuration(proxyBeanMethods = false)
class NulCharacterRefusal {

    /**
     * Right after Boot's character-encoding filter (highest precedence; parameters must be decoded
     * as UTF-8 first) and before Spring Session and Spring Security, so a refused request reads and
     * writes no session. Not on the error dispatch, which carries the same parameters.
     */
    @Bean
    FilterRegistrationBean<NulCharacterFilter> nulCharacterFilter() {
        FilterRegistrationBean<NulCharacterFilter> registration = new FilterRegistrationBean<>(new NulCharacterFilter());
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        registration.setDispatcherTypes(DispatcherType.REQUEST);
        return registration;
    }

    /** Boot adds every {@link JacksonModule} bean to the application's JSON mapper (the one MVC reads bodies with). */
    @Bean
    JacksonModule nulFreeStrings() {
        return new SimpleModule("nul-free-strings").addDeserializer(String.class, new NulFreeStringDeserializer());
    }
}
