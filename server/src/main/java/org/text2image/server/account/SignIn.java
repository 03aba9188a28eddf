package org.text2image.server.account;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * How the sign-in form checks a password: Spring Security's {@link DaoAuthenticationProvider} over
 * the accounts ({@link AccountService}: lookup, and the hash upgrade of {@link PasswordHashing}),
 * except that the signed-in principal it returns carries no password hash. The principal is what
 * the session stores (serialised into {@code spring_session_attributes}), and
 * {@link SignedInUser} is a record, which Spring's credential erasure cannot clear.
 */
@Configuration(proxyBeanMethods = false)
class SignIn {

    @Bean
    DaoAuthenticationProvider signInProvider(AccountService accounts, PasswordEncoder passwords) {
        DaoAuthenticationProvider provider = new DaoAuthenticationProvider(accounts) {
            @Override
            protected Authentication createSuccessAuthentication(Object principal, Authentication authentication,
                                                                 UserDetails user) {
                Authentication success = super.createSuccessAuthentication(principal, authentication, user);
                SignedInUser signedIn = ((SignedInUser) success.getPrincipal()).withoutPasswordHash();
                UsernamePasswordAuthenticationToken token =
                        UsernamePasswordAuthenticationToken.authenticated(signedIn, null, success.getAuthorities());
                token.setDetails(success.getDetails());
                return token;
            }
        };
        provider.setPasswordEncoder(passwords);
        provider.setUserDetailsPasswordService(accounts);
        return provider;
    }
}
