package org.text2image.server.support;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * A test class's own GreenMail SMTP server on a free loopback port, and the mail settings that
 * point the application at it. Each class takes its own port: contexts of other classes stay
 * cached with their own settings, and their outbox must not deliver into this class's mailbox.
 *
 * <pre>
 * private static final int SMTP_PORT = TestSmtp.freePort();
 * &#64;RegisterExtension static final GreenMailExtension SMTP = TestSmtp.server(SMTP_PORT);
 * &#64;DynamicPropertySource static void smtpServer(DynamicPropertyRegistry r) { TestSmtp.use(r, SMTP_PORT); }
 * </pre>
 */
public final class TestSmtp {

    private TestSmtp() {
    }

    /** A TCP port free at this moment. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A GreenMail SMTP server on {@code port}, started once for the test class. */
    public static GreenMailExtension server(int port) {
        return new GreenMailExtension(new ServerSetup(port, "127.0.0.1", "smtp")).withPerMethodLifecycle(false);
    }

    /** Points the application's mail sender at the server on {@code port}. */
    public static void use(DynamicPropertyRegistry registry, int port) {
        registry.add("spring.mail.host", () -> "127.0.0.1");
        registry.add("spring.mail.port", () -> port);
    }
}
