/** The local admin's address: not a mailbox, just a name no password login can use. */
export const LOCAL_ADMIN_EMAIL = "local-admin@localhost";
