package org.text2image.server.help.web;

import java.util.Comparator;
import java.util.List;
import org.springframework.stereotype.Component;
import org.text2image.server.account.AccountProperties;
import org.text2image.server.catalog.Model;
import org.text2image.server.credits.CreditsProperties;
import org.text2image.server.generation.GenerationProperties;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.help.SupportContacts;
import org.text2image.server.payments.PaymentMethod;
import org.text2image.server.payments.Packs;
import org.text2image.server.payments.PaymentsProperties;
import org.text2image.server.pricing.Pricing;

/** Reads the {@link FaqFacts} the Help page shows, at each rendering. */
@Component
class FaqFactsSource {

    /** Sizes are multiples of this many pixels (8 × the models' 8-pixel latent blocks). */
    static final int SIZE_STEP = 64;

    private final GenerationService generation;
    private final Pricing pricing;
    private final Packs packs;
    private final List<PaymentMethod> methods;
    private final AccountProperties accounts;
    private final CreditsProperties credits;
    private final PaymentsProperties payments;
    private final SupportContacts contacts;

    FaqFactsSource(GenerationService generation, Pricing pricing, Packs packs, List<PaymentMethod> methods,
                   AccountProperties accounts, CreditsProperties credits, PaymentsProperties payments,
                   SupportContacts contacts) {
        this.generation = generation;
        this.pricing = pricing;
        this.packs = packs;
        this.methods = methods.stream().sorted(Comparator.comparingInt(PaymentMethod::order)).toList();
        this.accounts = accounts;
        this.credits = credits;
        this.payments = payments;
        this.contacts = contacts;
    }

    FaqFacts current() {
        GenerationProperties limits = generation.limits();
        List<FaqFacts.ModelCost> models = generation.models().stream().map(model -> cost(model, limits)).toList();
        List<FaqFacts.PackOffer> offers = packs.all().stream().map(pack -> new FaqFacts.PackOffer(pack,
                methods.stream().filter(method -> method.offers(pack)).map(PaymentMethod::label).toList())).toList();
        boolean upi = methods.stream().anyMatch(method -> method.id().equals("upi") && packs.all().stream().anyMatch(method::offers));
        boolean cards = methods.stream().anyMatch(method -> method.id().equals("stripe") && packs.all().stream().anyMatch(method::offers));
        return new FaqFacts(accounts.signupCredits(), limits.minSize(), limits.maxWidth(), limits.maxHeight(), SIZE_STEP,
                limits.maxBatchSize(), limits.attemptTimeout(), limits.maxAttempts() - 1, limits.maxQueuedJobsPerUser(),
                credits.lowBalanceThreshold(), models, offers, upi, payments.upi().requestExpiry(),
                payments.maxPendingPerUser(), cards, contacts.email(), contacts.whatsappLink());
    }

    private FaqFacts.ModelCost cost(Model model, GenerationProperties limits) {
        var base = pricing.price(model, model.width(), model.height(), 1);
        long largest = pricing.price(model, limits.maxWidth(), limits.maxHeight(), 1).totalCredits();
        return new FaqFacts.ModelCost(model.name(), model.description(), base.perImageCredits(), base.baseWidth(),
                base.baseHeight(), largest);
    }
}
