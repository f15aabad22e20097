package org.multitag.model.platform;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * {@link OsCalls} through JNA into the process's libc (Linux on x86-64 only). JNA rather than Panama because JDK 17,
 * the default here, has only the incubating foreign API. JNA is not declared in our poms: nd4j-api's oshi-core brings
 * 4.3.0, and DJL (benchmarks, cli tests) 5.17 where it wins; declaring one would move the other module's version.
 * Only calls both versions have are used here ({@link Function#getFunction(String, String)}, {@link Memory}, {@link
 * Native#getLastError()}).
 */
final class LibcCalls implements OsCalls {

    /** {@code arch_prctl} on x86-64: the one syscall that asks for the AMX tile state. */
    private static final long SYS_ARCH_PRCTL = 158;
    private static final long ARCH_GET_XCOMP_PERM = 0x1022;
    private static final long ARCH_REQ_XCOMP_PERM = 0x1023;
    static final int XFEATURE_XTILEDATA = 18;

    private final Function syscall;
    private final Function setenv;
    private final Function getenv;

    /** @throws LinkageError when JNA's native part cannot load (a temporary folder mounted noexec, say) */
    LibcCalls() {
        syscall = Function.getFunction("c", "syscall");
        setenv = Function.getFunction("c", "setenv");
        getenv = Function.getFunction("c", "getenv");
    }

    @Override
    public int requestTileData() {
        long rc = syscall.invokeLong(new Object[] {SYS_ARCH_PRCTL, ARCH_REQ_XCOMP_PERM, (long) XFEATURE_XTILEDATA});
        return rc == 0 ? 0 : errno();
    }

    @Override
    public long permittedFeatures() {
        Memory mask = new Memory(Long.BYTES); // JNA 4.3's Memory is freed by the collector, not closed
        mask.setLong(0, 0);
        long rc = syscall.invokeLong(new Object[] {SYS_ARCH_PRCTL, ARCH_GET_XCOMP_PERM, mask});
        return rc == 0 ? mask.getLong(0) : -1;
    }

    @Override
    public int setenv(String name, String value) {
        return setenv.invokeInt(new Object[] {name, value, 1}) == 0 ? 0 : errno();
    }

    @Override
    public String getenv(String name) {
        Pointer p = (Pointer) getenv.invoke(Pointer.class, new Object[] {name});
        return p == null ? null : p.getString(0);
    }

    /** The errno of this thread's last call through JNA (never 0 after a failed call, whatever libc left). */
    private static int errno() {
        int e = Native.getLastError();
        return e == 0 ? -1 : e;
    }
}
