package org.text2image.server.api.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.flash;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.EnumSet;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.api.ApiCaller;
import org.text2image.server.api.ApiKeys;
import org.text2image.server.api.ApiScope;
import org.text2image.server.api.ApiSubmissions;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.PageTest;

/**
 * The webhook page of a key ({@code /developers/keys/{id}/webhook}): its owner sets the URL and sees
 * the secret once, errors beside the field with nothing written, rotate, remove, the delivery log
 * and Resend; another user's key or delivery is a 404 and changes nothing.
 */
@PageTest
class WebhookPageTest {

    static final String URL = "http://127.0.0.1:9/hook"; // allowed by the test context's switches

    @Autowired MockMvc mvc;
    @Autowired AccountService accounts;
    @Autowired ApiKeys keys;
    @Autowired Webhooks webhooks;
    @Autowired ApiSubmissions submissions;
    @Autowired GenerationService generation;
    @Autowired TestDatabase db;

    SignedInUser alice;
    SignedInUser bob;
    long keyId;
    String page;

    @BeforeEach
    void setUp() {
        db.clean();
        alice = accounts.register("alice@example.com", "correct horse");
        bob = accounts.register("bob@example.com", "correct horse");
        keyId = keys.create(alice.id(), "script", EnumSet.allOf(ApiScope.class)).key().id();
        page = "/developers/keys/" + keyId + "/webhook";
    }

    @Test
    void theOwnerSetsTheUrlAndSeesTheSigningSecretOnce() throws Exception {
        assertThat(html(get(page).with(user(alice)))).contains("id=\"webhook-form\"").contains("No events yet.")
                .doesNotContain("whsec_");

        MvcResult set = mvc.perform(post(page).with(csrf()).with(user(alice)).param("url", URL))
                .andExpect(status().isFound()).andExpect(redirectedUrl(page))
                .andExpect(flash().attributeExists("secret")).andReturn();
        String secret = (String) set.getFlashMap().get("secret");
        assertThat(secret).startsWith("whsec_");

        // the flash lives in the session the redirect's cookie names (Spring Session)
        jakarta.servlet.http.Cookie session = set.getResponse().getCookie("SESSION");
        assertThat(session).isNotNull();
        String shown = html(get(page).with(user(alice)).cookie(session));
        assertThat(shown).contains(secret).contains("value=\"" + URL + "\"").contains("id=\"rotate-secret\"");
        assertThat(shown).contains("Webhook set. Copy the signing secret");
        assertThat(html(get(page).with(user(alice)).cookie(session))).doesNotContain(secret).doesNotContain("whsec_");
        assertThat(keys.find(alice.id(), keyId).orElseThrow().callbackUrl()).isEqualTo(URL);
    }

    @Test
    void aRefusedUrlIsExplainedBesideTheFieldAndNothingIsWritten() throws Exception {
        String html = mvc.perform(post(page).with(csrf()).with(user(alice)).param("url", "ftp://example.com/hook"))
                .andExpect(status().isUnprocessableContent()).andReturn().getResponse().getContentAsString();
        assertThat(html).contains("id=\"url-error\"").contains("A callback URL starts with https://")
                .contains("value=\"ftp://example.com/hook\"");
        mvc.perform(post(page).with(csrf()).with(user(alice)).param("url", "https://me:pw@example.com/"))
                .andExpect(status().isUnprocessableContent());
        assertThat(keys.find(alice.id(), keyId).orElseThrow().callbackUrl()).isNull();
    }

    @Test
    void rotateMakesANewSecretAndRemoveTakesTheWebhookAway() throws Exception {
        String first = webhooks.set(alice.id(), keyId, URL).orElseThrow();

        MvcResult rotated = mvc.perform(post(page + "/secret").with(csrf()).with(user(alice)))
                .andExpect(status().isFound()).andExpect(flash().attributeExists("secret")).andReturn();
        assertThat((String) rotated.getFlashMap().get("secret")).startsWith("whsec_").isNotEqualTo(first);

        mvc.perform(post(page + "/remove").with(csrf()).with(user(alice))).andExpect(status().isFound());
        assertThat(keys.find(alice.id(), keyId).orElseThrow().callbackUrl()).isNull();
        mvc.perform(post(page + "/secret").with(csrf()).with(user(alice)))
                .andExpect(status().isFound()).andExpect(flash().attribute("alert", "Set a callback URL first."));
    }

    @Test
    void theLogListsDeliveriesAndResendQueuesOneAgain() throws Exception {
        webhooks.set(alice.id(), keyId, URL);
        UUID jobId = submitThroughTheApi();
        generation.cancel(jobId, alice.id());
        WebhookDelivery delivery = webhooks.deliveries(alice.id(), keyId).getFirst();

        String html = html(get(page).with(user(alice)));
        assertThat(html).contains("id=\"delivery-" + delivery.id() + "\"").contains("job.cancelled")
                .contains("/history/jobs/" + jobId).contains("pending")
                .doesNotContain("id=\"resend-" + delivery.id() + "\""); // still pending: nothing to resend

        db.jdbc().sql("UPDATE webhook_delivery SET status = 'FAILED', last_error = 'HTTP 500' WHERE id = ?")
                .param(delivery.id()).update();
        assertThat(html(get(page).with(user(alice)))).contains("id=\"resend-" + delivery.id() + "\"").contains("HTTP 500");
        mvc.perform(post(page + "/deliveries/" + delivery.id() + "/resend").with(csrf()).with(user(alice)))
                .andExpect(status().isFound()).andExpect(redirectedUrl(page))
                .andExpect(flash().attributeExists("notice"));
        assertThat(webhooks.deliveries(alice.id(), keyId)).hasSize(2)
                .first().satisfies(resent -> assertThat(resent.resentFrom()).isEqualTo(delivery.id()));
    }

    @Test
    void anotherUsersKeyOrDeliveryIsNotFoundAndUnchanged() throws Exception {
        webhooks.set(alice.id(), keyId, URL);
        generation.cancel(submitThroughTheApi(), alice.id());
        long deliveryId = webhooks.deliveries(alice.id(), keyId).getFirst().id();
        long bobKey = keys.create(bob.id(), "bob's", EnumSet.allOf(ApiScope.class)).key().id();

        mvc.perform(get(page).with(user(bob))).andExpect(status().isNotFound());
        mvc.perform(post(page).with(csrf()).with(user(bob)).param("url", "http://127.0.0.1:9/bob"))
                .andExpect(status().isNotFound());
        mvc.perform(post(page + "/secret").with(csrf()).with(user(bob))).andExpect(status().isNotFound());
        mvc.perform(post(page + "/remove").with(csrf()).with(user(bob))).andExpect(status().isNotFound());
        mvc.perform(post(page + "/deliveries/" + deliveryId + "/resend").with(csrf()).with(user(bob)))
                .andExpect(status().isNotFound());
        mvc.perform(post("/developers/keys/" + bobKey + "/webhook/deliveries/" + deliveryId + "/resend")
                .with(csrf()).with(user(bob))).andExpect(status().isNotFound());
        mvc.perform(get("/developers/keys/999999/webhook").with(user(alice))).andExpect(status().isNotFound());

        assertThat(keys.find(alice.id(), keyId).orElseThrow().callbackUrl()).isEqualTo(URL);
        assertThat(webhooks.deliveries(alice.id(), keyId)).hasSize(1);
    }

    @Test
    void thePageNeedsASignInAndItsFormsACsrfToken() throws Exception {
        mvc.perform(get(page)).andExpect(status().isFound()).andExpect(redirectedUrl("/login"));
        mvc.perform(post(page).with(user(alice)).param("url", URL)).andExpect(status().isForbidden());
        mvc.perform(get("/developers/keys/abc/webhook").with(user(alice))).andExpect(status().isBadRequest());
        assertThat(keys.find(alice.id(), keyId).orElseThrow().callbackUrl()).isNull();
    }

    private UUID submitThroughTheApi() {
        ApiCaller caller = new ApiCaller(alice.id(), alice.email(), keyId, EnumSet.allOf(ApiScope.class));
        return submissions.submit(caller, GenerationRequest.of("sd15", "a lighthouse"), null).jobId();
    }

    private String html(org.springframework.test.web.servlet.RequestBuilder request) throws Exception {
        return mvc.perform(request).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
    }
}
