package org.text2image.server.api.webhooks;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Resolves a callback URL's host to every address it has (a literal IP resolves to itself). The
 * bean uses the system resolver, {@link InetAddress#getAllByName}; tests feed their own.
 */
@FunctionalInterface
interface HostResolver {

    /**
     * @param host a host name or literal IP, IPv6 without brackets
     * @return at least one address
     * @throws UnknownHostException when the name does not resolve
     */
    List<InetAddress> resolve(String host) throws UnknownHostException;

    /** The system resolver. */
    static HostResolver system() {
        return host -> List.of(InetAddress.getAllByName(host));
    }
}
