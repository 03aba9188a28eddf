package org.text2image.server.api.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The callback URL rules against SSRF, with both switches off (the defaults) and a resolver the
 * test feeds: literal IPs resolve to themselves, names to what the test says.
 */
class CallbackUrlsTest {

    static final Map<String, List<String>> DNS = Map.of(
            "hooks.example.com", List.of("93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"),
            "sneaky.example.com", List.of("93.184.215.14", "10.1.2.3"),
            "metadata.example.com", List.of("169.254.169.254"));

    static final HostResolver RESOLVER = host -> {
        if (DNS.containsKey(host)) {
            List<InetAddress> addresses = new java.util.ArrayList<>();
            for (String ip : DNS.get(host)) {
                addresses.add(InetAddress.getByName(ip));
            }
            return addresses;
        }
        if (host.matches("[0-9.]+") || host.contains(":")) {
            return List.of(InetAddress.getByName(host)); // a literal: no lookup
        }
        throw new UnknownHostException(host);
    };

    final CallbackUrls strict = urls(false, false);

    @Test
    void acceptsAPublicHttpsUrl() {
        assertThat(strict.check("https://hooks.example.com/t2i?tenant=7").toString())
                .isEqualTo("https://hooks.example.com/t2i?tenant=7");
        assertThat(strict.problem("https://hooks.example.com:8443/")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://127.0.0.1/", "https://127.8.9.10/hook", "https://10.0.0.1/", "https://172.16.0.1/",
            "https://172.31.255.254/", "https://192.168.1.10/", "https://169.254.169.254/latest/meta-data/",
            "https://100.64.0.1/", "https://0.0.0.0/", "https://0.1.2.3/", "https://224.0.0.1/",
            "https://255.255.255.255/", "https://[::1]/", "https://[::]/", "https://[fc00::1]/", "https://[fd12:3456::1]/",
            "https://[fe80::1]/", "https://[ff02::1]/", "https://[::ffff:127.0.0.1]/", "https://[::ffff:10.0.0.1]/",
            "https://[64:ff9b::a9fe:a9fe]/", "https://[2002:c0a8:0101::1]/", "https://metadata.example.com/",
            "https://sneaky.example.com/"})
    void refusesAPrivateOrLocalAddressAtCreation(String url) {
        assertThatThrownBy(() -> strict.check(url))
                .isInstanceOf(InvalidWebhookException.class)
                .satisfies(e -> assertThat(((InvalidWebhookException) e).fieldErrors().get("url"))
                        .contains("internal address"));
    }

    @Test
    void aPublicNeighbourOfAPrivateRangeIsAccepted() {
        assertThat(strict.problem("https://172.32.0.1/")).isEmpty();
        assertThat(strict.problem("https://100.128.0.1/")).isEmpty();
        assertThat(strict.problem("https://[2606:4700::1111]/")).isEmpty();
    }

    @Test
    void refusesPlainHttpUnlessAllowed() {
        assertThat(strict.problem("http://hooks.example.com/")).hasValueSatisfying(m -> assertThat(m).contains("https://"));
        assertThat(urls(true, false).problem("http://hooks.example.com/")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://hooks.example.com/", "file:///etc/passwd", "gopher://hooks.example.com/",
            "javascript:alert(1)", "hooks.example.com/path", "/relative", "https:///no-host", "https://user:pw@hooks.example.com/",
            "https://user@hooks.example.com/", "https://hooks.example.com/#fragment", "https://hooks.example.com/a b",
            "https://hooks.example.com/\u0000", "https://hooks.example.com/a\nb", "https://hooks.example.com/a\tb", "", "   ",
            "https://no-such-host.invalid/", "https://bücher.example/"})
    void refusesWhatIsNotAnHttpsUrlOfAHost(String url) {
        assertThat(strict.problem(url)).isPresent();
        assertThatThrownBy(() -> strict.check(url)).isInstanceOf(InvalidWebhookException.class);
    }

    @Test
    void refusesAnOverLongUrl() {
        String url = "https://hooks.example.com/" + "a".repeat(CallbackUrls.MAX_LENGTH);
        assertThat(strict.problem(url)).hasValueSatisfying(m -> assertThat(m).contains("at most 2000"));
        assertThat(strict.problem(null)).isPresent();
    }

    @Test
    void theSwitchLetsLocalReceiversInButNotOtherSchemesOrUserInfo() {
        CallbackUrls lax = urls(true, true);
        assertThat(lax.problem("http://127.0.0.1:8081/hook")).isEmpty();
        assertThat(lax.problem("https://[::1]/hook")).isEmpty();
        assertThat(lax.problem("ftp://127.0.0.1/")).isPresent();
        assertThat(lax.problem("http://me:pw@127.0.0.1/")).isPresent();
    }

    private static CallbackUrls urls(boolean allowHttp, boolean allowPrivate) {
        return new CallbackUrls(new WebhookProperties(allowHttp, allowPrivate, Duration.ofSeconds(2), 20,
                Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofHours(24), Duration.ofDays(30)), RESOLVER);
    }
}
