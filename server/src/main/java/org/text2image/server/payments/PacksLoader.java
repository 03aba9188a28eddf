package org.text2image.server.payments;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.text2image.server.credits.Credits;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the packs file ({@code text2image.payments.packs-file}, default {@code ./config/packs.json})
 * at start-up and fails the start with a message naming the file when anything is wrong. A missing
 * file puts nothing on sale (logged); a present but invalid one never starts a server with half a
 * price list.
 *
 * <p>Shape (docs/PAYMENTS.md): {@code {"packs": [{"id": "starter", "credits": 100, "price_minor": 9900,
 * "currency": "INR", "name": "Starter", "badge": "Best value"}]}}. id, credits, price_minor and
 * currency are required; prices are JSON integers in the currency's minor unit (never decimals or
 * strings); ids are unique; unknown fields are refused (a typo must not silently drop a setting).
 */
@Configuration(proxyBeanMethods = false)
public class PacksLoader {

    /** A pack id: stored with every payment and sent in forms. */
    public static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");
    /** Highest price of one pack in minor units (10 million major units). */
    public static final long MAX_PRICE_MINOR = 1_000_000_000L;
    private static final int MAX_TEXT = 40;
    private static final Set<String> FIELDS = Set.of("id", "name", "credits", "price_minor", "currency", "badge");
    private static final Logger log = LoggerFactory.getLogger(PacksLoader.class);

    @Bean
    Packs packs(PaymentsProperties properties) {
        return load(properties.packsFile());
    }

    /**
     * Loads and checks a packs file.
     *
     * @return the packs; none when the file does not exist
     * @throws InvalidPacksException naming the file and the problem
     */
    public static Packs load(Path packsFile) {
        Path file = packsFile.toAbsolutePath().normalize();
        if (!Files.exists(file)) {
            log.warn("No packs file at {} (text2image.payments.packs-file): no credit packs are on sale", file);
            return new Packs(file.toString(), List.of());
        }
        JsonNode packs = read(file).path("packs");
        if (!packs.isArray()) {
            throw new InvalidPacksException(file, "needs a \"packs\" array");
        }
        List<Pack> result = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < packs.size(); i++) {
            Pack pack = pack(file, i, packs.get(i));
            if (!ids.add(pack.id())) {
                throw new InvalidPacksException(file, "has two packs with id \"" + pack.id() + "\"");
            }
            result.add(pack);
        }
        return new Packs(file.toString(), result);
    }

    private static Pack pack(Path file, int index, JsonNode node) {
        String where = "pack " + (index + 1);
        if (!node.isObject()) {
            throw new InvalidPacksException(file, where + " is not an object");
        }
        for (String field : node.propertyNames()) {
            if (!FIELDS.contains(field)) {
                throw new InvalidPacksException(file, where + " has an unknown field \"" + field + "\" (known: "
                        + String.join(", ", FIELDS.stream().sorted().toList()) + ")");
            }
        }
        String id = text(file, where, node, "id", true);
        if (!ID.matcher(id).matches()) {
            throw new InvalidPacksException(file, where + " has id \"" + id + "\": use 1-32 lower-case letters, digits, - or _");
        }
        where = "pack \"" + id + "\"";
        long credits = integer(file, where, node, "credits", Packs.MAX_CREDITS);
        long price = integer(file, where, node, "price_minor", MAX_PRICE_MINOR);
        String currency = text(file, where, node, "currency", true);
        if (!Money.knownCurrency(currency)) {
            throw new InvalidPacksException(file, where + " has currency \"" + currency
                    + "\": use an upper-case ISO 4217 code such as INR or USD");
        }
        String name = text(file, where, node, "name", false);
        return new Pack(id, name == null ? Credits.format(credits) : name, credits, price,
                currency, text(file, where, node, "badge", false));
    }

    private static long integer(Path file, String where, JsonNode node, String field, long max) {
        JsonNode value = node.get(field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()
                || value.longValue() < 1 || value.longValue() > max) {
            throw new InvalidPacksException(file, where + " needs \"" + field + "\" as a whole number from 1 to " + max
                    + (field.equals("price_minor") ? " in the currency's minor unit (49900 for ₹499.00)" : "")
                    + ", was " + (value == null ? "missing" : value.toString()));
        }
        return value.longValue();
    }

    private static String text(Path file, String where, JsonNode node, String field, boolean required) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new InvalidPacksException(file, where + " needs \"" + field + "\"");
            }
            return null;
        }
        String text = value.isString() ? value.stringValue().strip() : "";
        if (text.isEmpty() || text.length() > MAX_TEXT || text.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidPacksException(file, where + " needs \"" + field + "\" as text of 1-" + MAX_TEXT
                    + " characters, was " + value);
        }
        return text;
    }

    private static JsonNode read(Path file) {
        try {
            return JsonMapper.builder().build().readTree(Files.readString(file));
        } catch (IOException | JacksonException e) {
            throw new InvalidPacksException(file, "could not be read: " + e.getMessage());
        }
    }
}
