/**
 * multitag on Apache Spark: {@link org.multitag.spark.SparkTagger} tags or embeds a {@code Dataset<Row>} (one row
 * out per row in, errors in a column, never dropped), {@link org.multitag.spark.ModelSource} says where executors
 * find the model (a shared path, or shipped with the job), and {@link org.multitag.spark.SparkTagCommand} is
 * {@code multitag spark-tag} and a {@code spark-submit} main class. Package-private: {@code ExecutorModels} (each
 * model read once per executor JVM through {@link org.multitag.model.TaggingModel}, weights shared, encoder scratch
 * per partition), the partition tasks, the input and output formats.
 *
 * <p>May use core, tokenizer, weights-import, model and Spark (provided scope). Must not use train, eval or the cli
 * module: executors carry the inference path only. So {@code spark-tag} declares its own options rather than the
 * cli's mixins; its {@code --threads} is per task (default {@code spark.task.cpus}).
 */
package org.multitag.spark;
