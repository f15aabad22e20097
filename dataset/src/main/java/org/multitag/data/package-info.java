/**
 * Training and evaluation data, from file to tokenized example. {@link org.multitag.data.SourceRecord} is one
 * labelled input as written (word label sets, character spans, or token ids with label rows), read from JSON Lines
 * or CoNLL-U files, plain or gzip ({@link org.multitag.data.ExampleReader} over the package-private
 * {@code SourceReader}, {@code JsonlParser}, {@code ConlluParser} and {@code DataFormat}); bad lines are errors
 * naming {@code FILE:LINE}, or {@link org.multitag.data.SkippedLine}s when skipping; a CoNLL-U file can be read as
 * documents instead of sentences ({@link org.multitag.data.ConlluDocuments}: its {@code # newdoc} groups). {@link
 * org.multitag.data.Example} is a record after tokenization (ids, per-token targets, loss mask, word starts) and
 * {@link org.multitag.data.TrainingData} a file's worth of them; {@link org.multitag.data.LabelFile} reads and
 * writes labels files.
 *
 * <p>May use {@code core}, {@code tokenizer} and {@code weights-import} ({@code BertConfig} only). Must not use
 * ND4J, the model, evaluation or training code: the arrays a model consumes are built from {@code Example}s by
 * the modules above this one.
 */
package org.multitag.data;
