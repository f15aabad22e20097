/**
 * Speed and memory against the peers: JMH suites ({@code EncoderBenchmark} against ONNX Runtime,
 * {@code TokenizerBenchmark} against Hugging Face tokenizers through DJL, {@code TrainStepBenchmark},
 * {@code DecoderBenchmark}), one-off checks with a {@code main} ({@code EncoderExportCheck}, {@code LongInputCheck},
 * {@code EncoderOnnxExporter}), the README's table and chart ({@code BenchmarkSummary}, {@code EncoderReport},
 * {@code Report}), and the serving benchmark run by {@code benchmarks/serve/run.sh}: a closed-loop HTTP load client
 * ({@code LoadClient}), the ONNX Runtime per-request peer server ({@code OrtTagServer}), the in-process latency
 * reference ({@code InProcessLatency}) and its report ({@code ServeLoadReport}). Benchmarks and mains are public
 * because JMH and {@code java -cp} call them.
 *
 * <p>May use tokenizer, weights-import, model, serve, train and the peers (ONNX Runtime, DJL, JMH, JFreeChart);
 * nothing in multitag uses it.
 */
package org.multitag.benchmarks;
