package org.text2image.server.payments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.text2image.server.account.SignedInUser;

/** Steps of a UPI purchase through the pages, and readers of what they produce (QR codes, mails), for the payment tests. */
final class UpiTestSupport {

    private final MockMvc mvc;

    UpiTestSupport(MockMvc mvc) {
        this.mvc = mvc;
    }

    /** Posts a Buy button's form as the page renders it for this pack (price in minor units, currency, a fresh key). */
    ResultActions buy(SignedInUser user, String packId, String amountMinor, String currency) throws Exception {
        return buy(user, packId, amountMinor, currency, UUID.randomUUID().toString());
    }

    ResultActions buy(SignedInUser user, String packId, String amountMinor, String currency, String key) throws Exception {
        return mvc.perform(post("/payments/upi").with(csrf()).with(user(user)).param("packId", packId)
                .param("amountMinor", amountMinor).param("currency", currency).param("requestKey", key));
    }

    /** Opens a request for the Creator pack (600 credits, ₹499.00); its reference. */
    String openCreator(SignedInUser user) throws Exception {
        String location = buy(user, "creator", "49900", "INR").andReturn().getResponse().getRedirectedUrl();
        assertThat(location).as("the request's page").matches("/payments/[A-Z0-9]{10}");
        return location.substring("/payments/".length());
    }

    ResultActions submitUtr(SignedInUser user, String reference, String utr) throws Exception {
        return mvc.perform(post("/payments/" + reference + "/utr").with(csrf()).with(user(user)).param("utr", utr));
    }

    ResultActions approve(SignedInUser admin, long paymentId) throws Exception {
        return mvc.perform(post("/admin/payments/" + paymentId + "/approve").with(csrf()).with(user(admin)));
    }

    ResultActions reject(SignedInUser admin, long paymentId, String reason) throws Exception {
        return mvc.perform(post("/admin/payments/" + paymentId + "/reject").with(csrf()).with(user(admin))
                .param("reason", reason));
    }

    String page(SignedInUser user, String path) throws Exception {
        return mvc.perform(get(path).with(user(user))).andReturn().getResponse().getContentAsString();
    }

    /** The text a QR code PNG holds, read back with ZXing's decoder. */
    static String decodeQr(byte[] png) throws Exception {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        int[] pixels = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
        BinaryBitmap bitmap = new BinaryBitmap(new HybridBinarizer(
                new RGBLuminanceSource(image.getWidth(), image.getHeight(), pixels)));
        return new QRCodeReader().decode(bitmap).getText();
    }

    /** A mail's parts by type: {@code text/plain} and {@code text/html} → their decoded text. */
    static Map<String, String> parts(Part mail) throws Exception {
        Map<String, String> parts = new HashMap<>();
        collect(mail, parts);
        return parts;
    }

    private static void collect(Part part, Map<String, String> parts) throws Exception {
        if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart child = multipart.getBodyPart(i);
                collect(child, parts);
            }
        } else if (part.isMimeType("text/plain")) {
            parts.put("text/plain", (String) part.getContent());
        } else if (part.isMimeType("text/html")) {
            parts.put("text/html", (String) part.getContent());
        }
    }
}
