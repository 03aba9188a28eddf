package org.text2image.server.api.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * OpenAI's images response (API reference, "The image generation response"):
 * {@code {"created": <unix seconds>, "data": [{"url": …} or {"b64_json": …}, …]}}, one entry per
 * image in batch order. {@code revised_prompt} is left out, as OpenAI does for every model but
 * DALL·E 3: the prompt is used as written.
 *
 * @param created when the job was submitted, in Unix seconds
 * @param data the images
 */
record OpenAiImages(@JsonProperty("created") long created, @JsonProperty("data") List<Image> data) {

    /**
     * One image: exactly one of the two fields is set.
     *
     * @param url absolute signed URL that works without a key until it expires ({@code response_format} url)
     * @param b64Json the image file's bytes in Base64 ({@code response_format} b64_json)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Image(@JsonProperty("url") String url, @JsonProperty("b64_json") String b64Json) {
    }
}
