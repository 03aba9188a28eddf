package org.text2image.server.account;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/** Creates the configured first admin when the server starts. */
@Component
class FirstAdminInitializer implements ApplicationRunner {

    private final AccountService accounts;

    FirstAdminInitializer(AccountService accounts) {
        this.accounts = accounts;
    }

    @Override
    public void run(ApplicationArguments args) {
        accounts.ensureFirstAdmin();
    }
}
