package org.text2image.server.workers;

import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Type;
import java.time.Clock;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.HttpStatus;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.method.annotation.RequestBodyAdviceAdapter;
import org.text2image.worker.api.ClaimRequest;
import org.text2image.worker.api.WorkerApiLimits;

/**
 * Records what a worker reports with each claim (GPU, VRAM, ComfyUI version, checkpoints, and the
 * issued token it used) in its {@code worker_presence} row, as soon as the claim body is read and
 * before the claim itself runs. Kept here, beside the worker API, because generation must not
 * depend on workers: {@code JobQueue.claim} still records last-seen and reachability.
 */
@ControllerAdvice(assignableTypes = WorkerApiController.class)
class WorkerReports extends RequestBodyAdviceAdapter {

    private static final int MAX_TEXT = 200;
    private static final int MAX_CHECKPOINTS = 500;

    private final JdbcClient jdbc;
    private final WorkerTokens tokens;
    private final Clock clock;

    WorkerReports(JdbcClient jdbc, WorkerTokens tokens, Clock clock) {
        this.jdbc = jdbc;
        this.tokens = tokens;
        this.clock = clock;
    }

    @Override
    public boolean supports(MethodParameter parameter, Type targetType,
                            Class<? extends HttpMessageConverter<?>> converterType) {
        return targetType == ClaimRequest.class;
    }

    @Override
    public Object afterBodyRead(Object body, HttpInputMessage inputMessage, MethodParameter parameter, Type targetType,
                                Class<? extends HttpMessageConverter<?>> converterType) {
        ClaimRequest claim = (ClaimRequest) body;
        String name = claim.workerName();
        requireTokensName(name);
        if (name != null && !name.isBlank() && name.length() <= WorkerApiLimits.MAX_WORKER_NAME_CHARS) {
            record(claim, tokenId());
        }
        return body;
    }

    /**
     * An issued token works for the worker it was created for only: a claim under another name is
     * refused (403) before anything is recorded, so one token cannot speak for other workers.
     * The configured token (the embedded worker's) may use any name.
     */
    static void requireTokensName(String workerName) {
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes
                && attributes.getRequest().getAttribute(WorkerTokenFilter.TOKEN_NAME_ATTRIBUTE) instanceof String tokenName
                && !tokenName.equals(workerName)) {
            throw new ResponseStatusException(HttpStatus.FORBIDDEN, "This worker token was created for the worker \""
                    + tokenName + "\"; start the worker with --name " + tokenName + " (or create a token for this name).");
        }
    }

    private void record(ClaimRequest claim, Long tokenId) {
        String[] checkpoints = claim.checkpoints().stream().limit(MAX_CHECKPOINTS).map(WorkerReports::cut)
                .toArray(String[]::new);
        jdbc.sql("""
                INSERT INTO worker_presence (worker_name, last_seen_at, backend_reachable, token_id, gpu_name,
                    vram_total_bytes, vram_free_bytes, comfyui_version, checkpoints)
                VALUES (:name, :now, :reachable, :token, :gpu, :total, :free, :version, :checkpoints)
                ON CONFLICT (worker_name) DO UPDATE
                SET token_id = excluded.token_id,
                    gpu_name = coalesce(excluded.gpu_name, worker_presence.gpu_name),
                    vram_total_bytes = coalesce(excluded.vram_total_bytes, worker_presence.vram_total_bytes),
                    vram_free_bytes = coalesce(excluded.vram_free_bytes, worker_presence.vram_free_bytes),
                    comfyui_version = coalesce(excluded.comfyui_version, worker_presence.comfyui_version),
                    checkpoints = CASE WHEN excluded.backend_reachable THEN excluded.checkpoints
                                       ELSE worker_presence.checkpoints END""")
                .param("name", claim.workerName()).param("now", WorkerTokens.ts(clock.instant()))
                .param("reachable", claim.backendReachable()).param("token", tokenId)
                .param("gpu", cut(claim.gpuName())).param("total", claim.vramTotalBytes())
                .param("free", claim.vramFreeBytes()).param("version", cut(claim.comfyUiVersion()))
                .param("checkpoints", checkpoints).update();
        if (tokenId != null) {
            tokens.used(tokenId);
        }
    }

    private static Long tokenId() {
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes) {
            HttpServletRequest request = attributes.getRequest();
            return (Long) request.getAttribute(WorkerTokenFilter.TOKEN_ID_ATTRIBUTE);
        }
        return null;
    }

    private static String cut(String text) {
        return text == null || text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT);
    }
}
