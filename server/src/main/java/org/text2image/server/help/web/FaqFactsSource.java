package org.text2image.server.help.web;

import java.util.Comparator;
import java.util.List;
import org.springframework.stereotype.Component;
import org.text2image.server.catalog.Model;
import org.text2image.server.generation.GenerationLimits;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.payments.PaymentMethod;
import org.text2image.server.payments.Packs;
import org.text2image.server.payments.PaymentsProperties;
import org.text2image.server.pricing.Pricing;
import org.text2image.server.settings.LiveSettings;
import org.text2image.server.settings.Settings;

/**
 * Reads the {@link FaqFacts} the Help page shows, at each rendering: the live settings (so a change
 * on {@code /admin/settings} shows at once), the form's limits, the model catalog priced by
 * {@link Pricing}, and the packs with the ways each can be paid.
 */
@Component
class FaqFactsSource {

    /** Sizes are multiples of this many pixels (8 × the models' 8-pixel latent blocks). */
    static final int SIZE_STEP = 64;

    private final GenerationService generation;
    private final Pricing pricing;
    private final Packs packs;
    private final List<PaymentMethod> methods;
    private final LiveSettings settings;
    private final PaymentsProperties payments;

    FaqFactsSource(GenerationService generation, Pricing pricing, Packs packs, List<PaymentMethod> methods,
                   LiveSettings settings, PaymentsProperties payments) {
        this.generation = generation;
        this.pricing = pricing;
        this.packs = packs;
        this.methods = methods.stream().sorted(Comparator.comparingInt(PaymentMethod::order)).toList();
        this.settings = settings;
        this.payments = payments;
    }

    FaqFacts current() {
        Settings live = settings.current();
        GenerationLimits limits = generation.limits();
        List<FaqFacts.ModelCost> models = generation.models().stream().map(model -> cost(model, limits)).toList();
        List<FaqFacts.PackOffer> offers = packs.all().stream().map(pack -> new FaqFacts.PackOffer(pack,
                methods.stream().filter(method -> method.offers(pack)).map(PaymentMethod::label).toList())).toList();
        boolean upi = methods.stream().anyMatch(method -> method.id().equals("upi") && packs.all().stream().anyMatch(method::offers));
        boolean cards = methods.stream().anyMatch(method -> method.id().equals("stripe") && packs.all().stream().anyMatch(method::offers));
        return new FaqFacts(live.signupCredits(), limits.minSize(), limits.maxWidth(), limits.maxHeight(), SIZE_STEP,
                limits.maxBatchSize(), live.attemptTimeout(), live.automaticRetries(), live.maxQueuedJobsPerUser(),
                live.lowBalanceThreshold(), models, offers, upi, payments.upi().requestExpiry(),
                payments.maxPendingPerUser(), cards, live.supportEmail(), live.whatsappLink());
    }

    private FaqFacts.ModelCost cost(Model model, GenerationLimits limits) {
        if (model.isVideo()) {
            var video = model.video();
            long largest = pricing.video(model, video.maxWidth(), video.maxHeight(), video.frames().max()).totalCredits();
            return new FaqFacts.ModelCost(model.name(), model.description(), model.costCredits(), model.width(),
                    model.height(), largest, new FaqFacts.VideoCost(video.frames().defaultValue(), video.frames().max(),
                    video.maxWidth(), video.maxHeight(), video.fps().defaultValue()));
        }
        var base = pricing.price(model, model.width(), model.height(), 1);
        long largest = pricing.price(model, limits.maxWidth(), limits.maxHeight(), 1).totalCredits();
        return new FaqFacts.ModelCost(model.name(), model.description(), base.perImageCredits(), base.baseWidth(),
                base.baseHeight(), largest, null);
    }
}
