package org.text2image.server.api.openai;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.UUID;

/**
 * The answer of {@code POST /v1/images/generations} ({@code 202 Accepted}) when its job has not
 * ended within {@code text2image.api.openai-wait}: the job goes on, and the REST API follows it.
 * {@code created} and an empty {@code data} keep OpenAI's SDKs, which read any 2xx as an images
 * response, from failing on it.
 *
 * @param id the job's id
 * @param status {@code queued} or {@code running}
 * @param url where to follow the job: {@code /api/v1/jobs/<id>} (also the {@code Location} header)
 * @param created when the job was submitted, in Unix seconds
 * @param data always empty
 */
record OpenAiPendingJob(@JsonProperty("id") UUID id, @JsonProperty("status") String status,
                        @JsonProperty("url") String url, @JsonProperty("created") long created,
                        @JsonProperty("data") List<OpenAiImages.Image> data) {
}
