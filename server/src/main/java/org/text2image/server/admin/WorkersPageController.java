package org.text2image.server.admin;

import org.text2image.server.workers.WorkerFleet;
import org.text2image.server.workers.WorkerTokens;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;
import org.springframework.transaction.support.TransactionTemplate;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.credits.AdminAuditLog;

/**
 * {@code /admin/workers} (admins only; anyone else gets the 404 page and nothing is written):
 * worker tokens with create and revoke, and the workers with their status. A new token is shown
 * in the answer to the create POST itself, never stored in the session, so it is seen once.
 * Creating and revoking a token each write an audit row in the same transaction.
 */
@Controller
@RequestMapping("/admin/workers")
class WorkersPageController {

    private final WorkerTokens tokens;
    private final WorkerFleet fleet;
    private final AdminAuditLog audit;
    private final TransactionTemplate transactions;

    WorkersPageController(WorkerTokens tokens, WorkerFleet fleet, AdminAuditLog audit, TransactionTemplate transactions) {
        this.tokens = tokens;
        this.fleet = fleet;
        this.audit = audit;
        this.transactions = transactions;
    }

    @GetMapping
    String page(Model model) {
        return show(model);
    }

    @PostMapping("/tokens")
    String create(@AuthenticationPrincipal SignedInUser user, @RequestParam(defaultValue = "") String name,
                  Model model, HttpServletResponse response) {
        try {
            WorkerTokens.IssuedToken issued = transactions.execute(status -> {
                WorkerTokens.IssuedToken created = tokens.create(name, user.id(), user.email());
                audit.record(user.id(), "WORKER_TOKEN_CREATED", null, null,
                        "Worker token #" + created.id() + " \"" + created.name() + "\"", null, "active");
                return created;
            });
            response.setHeader("Cache-Control", "no-store");
            model.addAttribute("issued", issued);
            model.addAttribute("serverUrl", ServletUriComponentsBuilder.fromCurrentContextPath().toUriString());
            model.addAttribute("notice", "Token \"" + issued.name() + "\" created. Copy it now: it is not shown again.");
        } catch (IllegalArgumentException e) {
            model.addAttribute("nameError", e.getMessage());
        }
        return show(model);
    }

    @PostMapping("/tokens/{id}/revoke")
    String revoke(@AuthenticationPrincipal SignedInUser user, @PathVariable long id) {
        transactions.executeWithoutResult(status -> {
            if (tokens.revoke(id, user.email())) {
                audit.record(user.id(), "WORKER_TOKEN_REVOKED", null, null, "Worker token #" + id, "active", "revoked");
            }
        });
        return "redirect:/admin/workers";
    }

    private String show(Model model) {
        model.addAttribute("tokens", tokens.list());
        model.addAttribute("workers", fleet.list());
        return "admin/workers";
    }

}
