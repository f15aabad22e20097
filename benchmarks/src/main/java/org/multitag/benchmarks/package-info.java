/**
 * Speed and memory against the peers: JMH suites ({@code EncoderBenchmark} against ONNX Runtime,
 * {@code TokenizerBenchmark} against Hugging Face tokenizers through DJL, {@code TrainStepBenchmark},
 * {@code DecoderBenchmark}), one-off checks with a {@code main} ({@code EncoderExportCheck}, {@code LongInputCheck},
 * {@code EncoderOnnxExporter}), and the README's table and chart ({@code BenchmarkSummary}, {@code EncoderReport},
 * {@code Report}). Benchmarks and mains are public because JMH and {@code java -cp} call them.
 *
 * <p>May use tokenizer, weights-import, model, train and the peers (ONNX Runtime, DJL, JMH, JFreeChart); nothing in
 * multitag uses it.
 */
package org.multitag.benchmarks;
