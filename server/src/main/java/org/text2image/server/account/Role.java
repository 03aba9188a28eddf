package org.text2image.server.account;

/** What a user may do: USER generates with their own credits; ADMIN also sees everything. */
public enum Role {
    USER, ADMIN
}
