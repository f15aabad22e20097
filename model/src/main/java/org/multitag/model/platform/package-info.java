/**
 * What this process runs on, below the kernels: the CPU's vector and matrix extensions read from {@code
 * /proc/cpuinfo} ({@link org.multitag.model.platform.CpuFeatures}) and the operating-system steps bfloat16 products
 * on Intel AMX need before oneDNN's first primitive ({@link org.multitag.model.platform.Amx}: the Linux permission
 * for the tile registers and oneDNN's ISA limit), made through JNA calls into libc; and the OpenMP thread count of a
 * thread ({@link org.multitag.model.platform.OpenMpThreads}), which oneDNN's gemm reads on the thread that calls it.
 *
 * <p>A package of its own because these are facts about the machine and the process, not kernels: they are read or
 * changed once per process (or per thread), need native calls the kernels never make, and are what {@code multitag doctor} reports.
 * Knows nothing of ND4J's arrays or of the model; {@code model.kernels} asks it which bfloat16 path exists.
 */
package org.multitag.model.platform;
