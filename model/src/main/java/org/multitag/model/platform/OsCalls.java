package org.multitag.model.platform;

/**
 * The few libc calls the AMX steps make, behind an interface so that the tests can make them fail on purpose (a
 * kernel that refuses the permission, say) on machines that have no AMX to refuse.
 */
interface OsCalls {

    /** {@code arch_prctl(ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA)}: 0 when granted, else the errno. */
    int requestTileData();

    /** The xfeature bitmask {@code arch_prctl(ARCH_GET_XCOMP_PERM)} reports as permitted, or -1 when unreadable. */
    long permittedFeatures();

    /** {@code setenv(name, value, 1)}: 0, else the errno. */
    int setenv(String name, String value);

    /** libc's {@code getenv}, which sees {@link #setenv} (Java's {@link System#getenv} does not), or null. */
    String getenv(String name);
}
