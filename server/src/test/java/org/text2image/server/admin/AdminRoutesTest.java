package org.text2image.server.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.help.SupportChat;
import org.text2image.server.support.TestAccounts;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.Html;
import org.text2image.server.web.PageTest;

/**
 * Every admin page (every GET route under {@code /admin}) exists only for admins: a signed-in user
 * gets the 404 page as for an unknown page, an anonymous visitor is sent to sign in, an admin gets
 * the page with the admin navigation. A route added without being listed here fails
 * {@link #everyAdminGetRouteIsListed()}.
 */
@PageTest
class AdminRoutesTest {

    /**
     * Every admin page (GET); {user}, {job} and {conversation} stand for an existing user, job and
     * support conversation.
     */
    static final List<String> ROUTES = List.of("/admin", "/admin/jobs", "/admin/jobs/{job}", "/admin/models",
            "/admin/plans", "/admin/workers", "/admin/users", "/admin/users/{user}", "/admin/payments", "/admin/credits",
            "/admin/ledger", "/admin/audit", "/admin/outbox", "/admin/settings", "/admin/support",
            "/admin/support/{conversation}", "/admin/pages/privacy", "/admin/pages/terms");

    /** Admin GET routes that are parts of a page (a message list, an event stream), not pages. */
    static final List<String> PARTS = List.of("/admin/support/{conversation}/messages",
            "/admin/support/{conversation}/events");

    @Autowired MockMvc mvc;
    @Autowired AccountService accounts;
    @Autowired GenerationService generation;
    @Autowired TestDatabase db;
    @Autowired SupportChat support;
    @Autowired @Qualifier("requestMappingHandlerMapping") RequestMappingHandlerMapping mappings;

    SignedInUser admin;
    SignedInUser alice;
    String jobId;
    long conversationId;

    @BeforeEach
    void setUp() {
        db.clean();
        admin = TestAccounts.admin(accounts, db, "admin@example.com");
        alice = accounts.register("alice@example.com", "correct horse battery");
        jobId = generation.submit(alice.id(), GenerationRequest.ofPrompt("a quiet harbour")).id().toString();
        support.write(alice.id(), "Where is my picture?", null, null, UUID.randomUUID().toString());
        conversationId = support.conversationOf(alice.id()).orElseThrow().id();
    }

    static Stream<String> routes() {
        return ROUTES.stream();
    }

    static Stream<String> allRoutes() {
        return Stream.concat(ROUTES.stream(), PARTS.stream());
    }

    @ParameterizedTest
    @MethodSource("allRoutes")
    void aSignedInUserGetsTheNotFoundPage(String route) throws Exception {
        mvc.perform(get(path(route)).with(user(alice))).andExpect(status().isNotFound());
    }

    @ParameterizedTest
    @MethodSource("allRoutes")
    void anAnonymousVisitorIsSentToSignIn(String route) throws Exception {
        String location = mvc.perform(get(path(route))).andExpect(status().is3xxRedirection()).andReturn()
                .getResponse().getRedirectedUrl();
        assertThat(location).endsWith("/login");
    }

    @ParameterizedTest
    @MethodSource("routes")
    void anAdminGetsThePageWithTheAdminNavigation(String route) throws Exception {
        String html = mvc.perform(get(path(route)).with(user(admin))).andExpect(status().isOk()).andReturn()
                .getResponse().getContentAsString();
        assertThat(Html.tagOf(html, "admin-nav")).as("admin navigation on " + route).isNotNull();
        assertThat(html.indexOf("id=\"admin-nav\"")).as("the navigation comes first in the page's main part")
                .isGreaterThan(html.indexOf("<main")).isLessThan(html.indexOf("<h1"));
    }

    @Test
    void everyAdminGetRouteIsListed() {
        Set<String> mapped = new TreeSet<>();
        mappings.getHandlerMethods().forEach((info, method) -> {
            boolean get = info.getMethodsCondition().getMethods().isEmpty()
                    || info.getMethodsCondition().getMethods().contains(RequestMethod.GET);
            info.getPatternValues().stream().filter(pattern -> get && (pattern.equals("/admin") || pattern.startsWith("/admin/")))
                    .forEach(mapped::add);
        });
        Set<String> listed = new TreeSet<>(allRoutes().map(route -> route.replace("{job}", "{id}")
                .replace("{user}", "{id}").replace("{conversation}", "{id}").replace("/admin/pages/privacy", "/admin/pages/{slug}")
                .replace("/admin/pages/terms", "/admin/pages/{slug}")).toList());
        assertThat(listed).isEqualTo(mapped);
    }

    private String path(String route) {
        return route.replace("{job}", jobId).replace("{user}", Long.toString(alice.id()))
                .replace("{conversation}", Long.toString(conversationId));
    }
}
