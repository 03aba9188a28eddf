package org.text2image.server.account;

import java.util.Collection;
import java.util.List;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.UserDetails;

/**
 * The principal of a signed-in session: who the user is, for ownership checks.
 *
 * @param id the user's id
 * @param email the sign-in name
 * @param passwordHash only for Spring Security's password check; null in a signed-in session
 * @param role USER or ADMIN
 */
public record SignedInUser(long id, String email, String passwordHash, Role role) implements UserDetails {

    /** The same user without the password hash: what a signed-in session keeps ({@link SignIn}). */
    public SignedInUser withoutPasswordHash() {
        return new SignedInUser(id, email, null, role);
    }

    /** Whether this user is an admin. */
    public boolean admin() {
        return role == Role.ADMIN;
    }

    @Override
    public Collection<? extends GrantedAuthority> getAuthorities() {
        return List.of(new SimpleGrantedAuthority("ROLE_" + role.name()));
    }

    @Override
    public String getPassword() {
        return passwordHash;
    }

    @Override
    public String getUsername() {
        return email;
    }
}
