package org.text2image.server.training.web;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.training.LoraDatasets;

/**
 * Whether the Account page and the Generate page link "My models"
 * ({@code @myModelsLink.shown(#authentication)}): for a user whose plan has LoRA trainings (or on a
 * site without plans) and for a user who already has a dataset. Everyone else would find only a
 * page telling them which plan to buy. (The header has no room for a sixth link at a laptop's width.)
 */
@Component("myModelsLink")
public class MyModelsLink {

    private final LoraDatasets datasets;

    MyModelsLink(LoraDatasets datasets) {
        this.datasets = datasets;
    }

    /** False for an anonymous visitor. */
    public boolean shown(Authentication authentication) {
        if (authentication == null || !(authentication.getPrincipal() instanceof SignedInUser user)) {
            return false;
        }
        return datasets.allowance(user.id()).allowed() || datasets.hasDatasets(user.id());
    }
}
