package org.text2image.server.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;

/** The icons and static files are served to anyone, with the headers of every static file. */
@PageTest
class StaticFilesTest {

    @Autowired MockMvc mvc;

    @Test
    void theFaviconIcoThatBrowsersAskForUnpromptedIsServedToAnonymousVisitors() throws Exception {
        MockHttpServletResponse icon = fetch("/favicon.ico");
        MockHttpServletResponse stylesheet = fetch("/css/app.css");

        assertThat(icon.getContentType()).isIn("image/x-icon", "image/vnd.microsoft.icon");
        byte[] bytes = icon.getContentAsByteArray();
        assertThat(bytes).as("an ICO file's header: reserved 0, type 1").startsWith(0, 0, 1, 0);
        assertThat(icon.getHeader("Cache-Control")).as("cached like the other static files")
                .isEqualTo(stylesheet.getHeader("Cache-Control"));
        assertThat(fetch("/favicon.svg").getContentType()).isEqualTo("image/svg+xml");
    }

    @Test
    void theStylesheetStylesThePacksBestValueBadge() throws Exception {
        String css = fetch("/css/app.css").getContentAsString();

        assertThat(css).as("payments/buy.html marks a pack's badge class=\"badge\" inside .pack").contains(".pack .badge {");
    }

    private MockHttpServletResponse fetch(String path) throws Exception {
        return mvc.perform(get(path)).andExpect(status().isOk()).andReturn().getResponse();
    }
}
