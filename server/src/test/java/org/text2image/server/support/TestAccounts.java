package org.text2image.server.support;

import org.text2image.server.account.AccountService;
import org.text2image.server.account.Role;
import org.text2image.server.account.SignedInUser;

/** Account fixtures for tests. */
public final class TestAccounts {

    private TestAccounts() {
    }

    /** Registers an account (with the signup credits) and makes it an ADMIN; returns its principal. */
    public static SignedInUser admin(AccountService accounts, TestDatabase db, String email) {
        SignedInUser registered = accounts.register(email, "correct horse");
        db.jdbc().sql("UPDATE app_user SET role = 'ADMIN' WHERE id = ?").params(registered.id()).update();
        return new SignedInUser(registered.id(), registered.email(), registered.passwordHash(), Role.ADMIN);
    }
}
