package org.text2image.server.api.webhooks;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The webhooks' callback URL rules with the system's DNS resolver. */
@Configuration(proxyBeanMethods = false)
class WebhookConfiguration {

    @Bean
    CallbackUrls webhookCallbackUrls(WebhookProperties properties) {
        return new CallbackUrls(properties, HostResolver.system());
    }
}
