package org.text2image.server.help.web;

import jakarta.servlet.http.HttpServletRequest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/**
 * Tells the Help button in the page header what is on screen: on a job page ({@code /jobs/{id}})
 * it opens the support page about that job, on a payment page ({@code /payments/{reference}})
 * about that payment ({@code supportJob} / {@code supportPayment} in the model). The support page
 * attaches it only when it is the user's own.
 */
@ControllerAdvice
class HelpButtonContext {

    private static final Pattern JOB_PAGE = Pattern.compile("/jobs/([0-9a-fA-F-]{36})");
    private static final Pattern PAYMENT_PAGE = Pattern.compile("/payments/([A-Z0-9]{6,20})");

    @ModelAttribute
    void onScreen(HttpServletRequest request, Model model) {
        if (!"GET".equals(request.getMethod())) {
            return;
        }
        String path = request.getRequestURI().substring(request.getContextPath().length());
        Matcher job = JOB_PAGE.matcher(path);
        if (job.matches()) {
            model.addAttribute("supportJob", job.group(1));
            return;
        }
        Matcher payment = PAYMENT_PAGE.matcher(path);
        if (payment.matches()) {
            model.addAttribute("supportPayment", payment.group(1));
        }
    }
}
