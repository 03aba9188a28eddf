package org.text2image.server.payments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The packs file is checked at start-up: exact integer prices, known currencies, unique ids; the message names the file. */
class PacksLoaderTest {

    @TempDir Path dir;

    @Test
    void loadsTheShippedPacksFile() {
        Packs packs = PacksLoader.load(Path.of("../config/packs.json"));

        assertThat(packs.all()).extracting(Pack::id).containsExactly("starter", "creator", "studio");
        Pack creator = packs.find("creator").orElseThrow();
        assertThat(creator.credits()).isEqualTo(600);
        assertThat(creator.priceMinor()).isEqualTo(49900);
        assertThat(creator.price()).isEqualTo("₹499.00");
        assertThat(creator.badge()).isEqualTo("Best value");
    }

    @Test
    void aPackWithoutANameIsCalledByItsCredits() throws IOException {
        Pack pack = load("""
                {"packs": [{"id": "p", "credits": 50, "price_minor": 499, "currency": "USD"}]}""").all().getFirst();

        assertThat(pack.name()).isEqualTo("50 credits");
        assertThat(pack.price()).isEqualTo("$4.99");
        assertThat(pack.badge()).isNull();
    }

    @Test
    void aMissingFilePutsNothingOnSale() {
        assertThat(PacksLoader.load(dir.resolve("absent.json")).all()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not JSON            | {\"packs\": [                                                                                   | could not be read",
            "no packs array      | {\"pack\": []}                                                                                  | needs a \"packs\" array",
            "decimal price       | {\"packs\": [{\"id\": \"p\", \"credits\": 5, \"price_minor\": 4.99, \"currency\": \"USD\"}]}    | \"price_minor\" as a whole number",
            "price as text       | {\"packs\": [{\"id\": \"p\", \"credits\": 5, \"price_minor\": \"499\", \"currency\": \"USD\"}]}  | \"price_minor\" as a whole number",
            "zero price          | {\"packs\": [{\"id\": \"p\", \"credits\": 5, \"price_minor\": 0, \"currency\": \"USD\"}]}       | \"price_minor\" as a whole number",
            "negative credits    | {\"packs\": [{\"id\": \"p\", \"credits\": -5, \"price_minor\": 10, \"currency\": \"USD\"}]}     | \"credits\" as a whole number",
            "unknown currency    | {\"packs\": [{\"id\": \"p\", \"credits\": 5, \"price_minor\": 10, \"currency\": \"XYZ1\"}]}     | has currency \"XYZ1\"",
            "lower-case currency | {\"packs\": [{\"id\": \"p\", \"credits\": 5, \"price_minor\": 10, \"currency\": \"inr\"}]}      | has currency \"inr\"",
            "bad id              | {\"packs\": [{\"id\": \"P 1\", \"credits\": 5, \"price_minor\": 10, \"currency\": \"INR\"}]}    | has id \"P 1\"",
            "no id               | {\"packs\": [{\"credits\": 5, \"price_minor\": 10, \"currency\": \"INR\"}]}                     | needs \"id\"",
            "typo in a field     | {\"packs\": [{\"id\": \"p\", \"credits\": 5, \"price\": 10, \"currency\": \"INR\"}]}            | unknown field \"price\"",
            "duplicate id        | {\"packs\": [{\"id\": \"p\", \"credits\": 5, \"price_minor\": 10, \"currency\": \"INR\"}, {\"id\": \"p\", \"credits\": 6, \"price_minor\": 12, \"currency\": \"INR\"}]} | two packs with id \"p\"",
    })
    void refusesABadFileNamingIt(String name, String json, String problem) throws IOException {
        assertThatThrownBy(() -> load(json))
                .isInstanceOf(InvalidPacksException.class)
                .hasMessageContaining(dir.resolve("packs.json").toString())
                .hasMessageContaining(problem);
    }

    private Packs load(String json) throws IOException {
        Path file = dir.resolve("packs.json");
        Files.writeString(file, json);
        return PacksLoader.load(file);
    }
}
