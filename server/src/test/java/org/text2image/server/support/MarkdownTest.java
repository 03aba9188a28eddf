package org.text2image.server.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MarkdownTest {

    @Test
    void rendersHeadingsListsEmphasisAndLinks() {
        String html = Markdown.toHtml("## Prices\n\n* **10** credits\n* see [help](/help)\n");

        assertThat(html).contains("<h2>Prices</h2>", "<strong>10</strong>",
                "<a rel=\"nofollow noopener noreferrer\" href=\"/help\">help</a>");
    }

    @Test
    void writesRawHtmlAsText() {
        String html = Markdown.toHtml("Hello <script>alert(1)</script>\n\n<img src=x onerror=alert(2)>");

        assertThat(html).doesNotContain("<script", "<img").contains("&lt;script&gt;alert(1)&lt;/script&gt;",
                "&lt;img src=x onerror=alert(2)&gt;");
    }

    @Test
    void dropsJavascriptLinks() {
        String html = Markdown.toHtml("[click](javascript:alert(1)) and [mail](mailto:help@example.com)");

        assertThat(html).doesNotContain("javascript:").contains("href=\"mailto:help@example.com\"");
    }

    @Test
    void turnsImagesIntoLinksSoNoRemotePictureLoads() {
        String html = Markdown.toHtml("![a cat](https://example.com/cat.png)");

        assertThat(html).doesNotContain("<img")
                .contains("<a href=\"https://example.com/cat.png\" rel=\"nofollow noopener noreferrer\">a cat</a>");
    }

    @Test
    void givesPlainTextWithoutMarkup() {
        assertThat(Markdown.toPlainText("**Maintenance** at <b>6 pm</b>")).isEqualTo("Maintenance at <b>6 pm</b>");
        assertThat(Markdown.toHtml("  ")).isEmpty();
        assertThat(Markdown.toHtml(null)).isEmpty();
    }
}
