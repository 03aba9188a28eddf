package org.text2image.server.api.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.text2image.server.api.ApiCaller;
import org.text2image.server.credits.Balance;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.credits.LedgerEntry;
import org.text2image.server.support.InvalidInputException;

/** The caller's credits through the API: the balance and the ledger's history (docs/API.md). */
@RestController
@RequestMapping("/api/v1")
@Tag(name = "Credits", description = "The caller's balance and credit history.")
class AccountApiController {

    /** Entries on a history page when the request does not say. */
    static final int DEFAULT_LIMIT = 50;
    /** Most entries on a history page. */
    static final int MAX_LIMIT = 200;

    private final CreditStatements statements;

    AccountApiController(CreditStatements statements) {
        this.statements = statements;
    }

    @GetMapping("/balance")
    @Operation(operationId = "getBalance", summary = "Get the balance",
            description = "Available credits pay for new jobs; held credits are reserved by queued and running jobs.")
    @ApiResponse(responseCode = "200", description = "The balance.")
    ApiBalance balance(@AuthenticationPrincipal ApiCaller caller) {
        Balance balance = statements.balance(caller.userId());
        return new ApiBalance(balance.availableCredits(), balance.heldCredits());
    }

    @GetMapping("/credits/history")
    @Operation(operationId = "listCreditHistory", summary = "List credit history",
            description = "The ledger's entries for the caller, newest first, a page at a time: pass a page's "
                    + "next_cursor as cursor for the next one.")
    @ApiResponse(responseCode = "200", description = "A page of entries.")
    @ApiResponse(responseCode = "400", description = "A bad limit or cursor.",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ApiProblem.class)))
    ApiLedgerPage history(@AuthenticationPrincipal ApiCaller caller,
                          @Parameter(description = "Entries on the page, 1 to 200 (default 50).")
                          @RequestParam(name = "limit", required = false) Integer limit,
                          @Parameter(description = "The next_cursor of the previous page.")
                          @RequestParam(name = "cursor", required = false) String cursor) {
        int pageSize = limit == null ? DEFAULT_LIMIT : limit;
        if (pageSize < 1 || pageSize > MAX_LIMIT) {
            throw new InvalidInputException(Map.of("limit", "limit is 1 to " + MAX_LIMIT + "."));
        }
        Long before = cursor == null || cursor.isEmpty() ? null : Cursors.ledger(cursor);
        List<LedgerEntry> found = statements.entriesBefore(caller.userId(), before, pageSize + 1);
        boolean more = found.size() > pageSize;
        List<LedgerEntry> page = more ? found.subList(0, pageSize) : found;
        return new ApiLedgerPage(page.stream().map(AccountApiController::entry).toList(),
                more ? Cursors.ledger(page.getLast().id()) : null);
    }

    private static ApiLedgerEntry entry(LedgerEntry e) {
        return new ApiLedgerEntry(e.id(), e.kind().name().toLowerCase(Locale.ROOT), e.amountCredits(),
                e.availableChange(), e.availableAfter(), e.heldAfter(), e.jobId(), e.reason(), e.lotExpiresAt(),
                e.createdAt());
    }
}
