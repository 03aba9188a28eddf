package org.text2image.server.api.webhooks;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The rules of a webhook's callback URL, against server-side request forgery (SSRF: a user making
 * the server post to its own network, a cloud metadata address or the like). A URL must be
 * absolute {@code https} ({@code http} too with {@code text2image.api.webhooks.allow-http}), with a
 * host, without user info or fragment, at most {@value #MAX_LENGTH} characters without spaces or
 * control characters; and every address its host resolves to must be public, unless
 * {@code text2image.api.webhooks.allow-private-addresses} is on. Refused addresses: any-local
 * ({@code 0.0.0.0/8}, {@code ::}), loopback ({@code 127.0.0.0/8}, {@code ::1}), private
 * ({@code 10.0.0.0/8}, {@code 172.16.0.0/12}, {@code 192.168.0.0/16}, RFC 1918; {@code fc00::/7},
 * RFC 4193; the old site-local {@code fec0::/10}), link-local ({@code 169.254.0.0/16} with cloud
 * metadata services, {@code fe80::/10}), carrier-grade NAT ({@code 100.64.0.0/10}, RFC 6598),
 * IETF protocol assignments ({@code 192.0.0.0/24}), benchmarking ({@code 198.18.0.0/15}), reserved
 * and broadcast ({@code 240.0.0.0/4}), multicast, and IPv6 addresses that embed one of those IPv4
 * addresses (IPv4-mapped {@code ::ffff:0:0/96}, IPv4-compatible {@code ::/96}, NAT64
 * {@code 64:ff9b::/96}, 6to4 {@code 2002::/16}).
 *
 * <p>The URL is checked when it is set and again before every delivery attempt (DNS may have
 * changed). The HTTP client resolves the host once more when it connects, so a name whose
 * answers change within that moment (DNS rebinding) is not fully covered: run the server behind
 * an egress filter where that matters.
 */
final class CallbackUrls {

    /** Longest callback URL, in characters (the {@code api_key.callback_url} column's limit). */
    static final int MAX_LENGTH = 2000;

    private final WebhookProperties properties;
    private final HostResolver resolver;

    CallbackUrls(WebhookProperties properties, HostResolver resolver) {
        this.properties = properties;
        this.resolver = resolver;
    }

    /**
     * Checks a URL a user sets.
     *
     * @return the URL, parsed
     * @throws InvalidWebhookException (field {@code url}) with the broken rule
     */
    URI check(String url) {
        Optional<String> problem = problem(url);
        if (problem.isPresent()) {
            throw new InvalidWebhookException(problem.get());
        }
        return URI.create(url.strip());
    }

    /** What is wrong with the URL; empty when it may be called now. */
    Optional<String> problem(String url) {
        String text = url == null ? "" : url.strip();
        if (text.isEmpty()) {
            return Optional.of("Enter the URL to post the job events to, such as https://example.com/hooks/t2i.");
        }
        if (text.length() > MAX_LENGTH) {
            return Optional.of("A callback URL has at most " + MAX_LENGTH + " characters.");
        }
        if (text.chars().anyMatch(c -> c <= 0x20 || c == 0x7f || Character.isISOControl(c) || Character.isWhitespace(c))) {
            return Optional.of("A callback URL cannot contain spaces or control characters.");
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            return Optional.of("This is not a valid URL: " + e.getReason() + ".");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || !(scheme.equals("https") || scheme.equals("http"))) {
            return Optional.of(properties.allowHttp() ? "A callback URL starts with https:// or http://."
                    : "A callback URL starts with https://.");
        }
        if (scheme.equals("http") && !properties.allowHttp()) {
            return Optional.of("A callback URL must use https://: this server does not post webhooks over plain http.");
        }
        if (uri.getRawUserInfo() != null) {
            return Optional.of("A callback URL cannot contain a user name or password (user@host); "
                    + "check the signature instead.");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            return Optional.of("A callback URL needs a host name, such as example.com "
                    + "(international names in their xn-- form).");
        }
        if (uri.getRawFragment() != null) {
            return Optional.of("A callback URL cannot have a #fragment.");
        }
        if (properties.allowPrivateAddresses()) {
            return Optional.empty();
        }
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        List<InetAddress> addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            return Optional.of("The host " + host + " was not found (DNS).");
        }
        if (addresses.isEmpty()) {
            return Optional.of("The host " + host + " was not found (DNS).");
        }
        for (InetAddress address : addresses) {
            if (internal(address)) {
                return Optional.of("The host " + host + " is an internal address (" + address.getHostAddress()
                        + "): webhooks are only posted to public addresses.");
            }
        }
        return Optional.empty();
    }

    /** Whether the address is not a public unicast address (the list in the class comment). */
    static boolean internal(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return true;
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return internalV4(b);
        }
        if (address instanceof Inet6Address) {
            if ((b[0] & 0xfe) == 0xfc) { // fc00::/7 unique local
                return true;
            }
            if (zero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) { // ::ffff:a.b.c.d
                return internalV4(new byte[] {b[12], b[13], b[14], b[15]});
            }
            if (zero(b, 0, 12)) { // ::a.b.c.d (IPv4-compatible), :: and ::1 included
                return true;
            }
            if ((b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b
                    && zero(b, 4, 12)) { // 64:ff9b::/96 NAT64
                return internalV4(new byte[] {b[12], b[13], b[14], b[15]});
            }
            if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) { // 2002::/16 6to4
                return internalV4(new byte[] {b[2], b[3], b[4], b[5]});
            }
            return false;
        }
        return true;
    }

    private static boolean internalV4(byte[] b) {
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        return first == 0 // 0.0.0.0/8 "this network"
                || first == 10 // 10/8
                || first == 127 // loopback
                || (first == 100 && second >= 64 && second <= 127) // 100.64/10 carrier-grade NAT
                || (first == 169 && second == 254) // link-local, cloud metadata
                || (first == 172 && second >= 16 && second <= 31) // 172.16/12
                || (first == 192 && second == 168) // 192.168/16
                || (first == 192 && second == 0 && (b[2] & 0xff) == 0) // 192.0.0.0/24 IETF
                || (first == 198 && (second == 18 || second == 19)) // 198.18/15 benchmarking
                || first >= 224; // multicast, 240/4 reserved, broadcast
    }

    private static boolean zero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
