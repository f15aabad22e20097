/**
 * The compute kernels of the BERT blocks, forward and backward, behind one interface over ND4J arrays ({@link
 * org.multitag.model.kernels.Kernels}): fused elementwise steps (bias + activation, residual + LayerNorm, embedding
 * sums), the attention core with any attention mask, dropout, column sums. Two implementations read host memory:
 * the Java Vector API one (what {@code Kernels.create} picks when the JVM has {@code jdk.incubator.vector}) and a
 * plain-Java scalar one, computed in double, that the tests hold the others to. The third is made of ND4J ops alone
 * ({@code --kernels nd4j}): it runs on any ND4J backend, CUDA included. Also here: the activations' definitions, the threads the kernels run on,
 * and helpers between ND4J arrays and Java arrays.
 *
 * <p>The compute setting ({@link org.multitag.model.kernels.ComputeSetting}) is chosen here too: which kernels, and
 * which precision a requested one resolves to on this machine ({@code PrecisionChoice}, asking {@code model.platform}
 * whether bf16 products can run on AMX); {@link org.multitag.model.kernels.Nd4jBackend} describes the loaded backend.
 *
 * <p>Uses ND4J (arrays, and its gemm for the matrix products); knows nothing of BERT's layers, weights or training.
 * {@link org.multitag.model.kernels.KernelProfile} times any implementation call by call.
 */
package org.multitag.model.kernels;
