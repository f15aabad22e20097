package org.multitag.spark;

import java.io.IOException;
import java.util.Locale;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.multitag.core.InputException;

/**
 * Writes {@code spark-tag}'s result as a Spark output folder (one part file per partition, in partition order):
 * JSON Lines or Parquet. The job writes into a hidden sibling folder that is renamed to the target only once
 * the job has succeeded, so a failed run leaves nothing at the target; an existing target is replaced only
 * when asked to.
 */
final class SparkOutputs {

    /** Output formats. */
    enum Format {
        JSONL, PARQUET;

        static Format parse(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "jsonl", "json" -> JSONL;
                case "parquet" -> PARQUET;
                default -> throw new InputException("unknown output format '" + s + "' (jsonl or parquet)");
            };
        }

        /** Parquet when the name ends in {@code .parquet}, else JSON Lines. */
        static Format ofName(String name) {
            return name.toLowerCase(Locale.ROOT).endsWith(".parquet") ? PARQUET : JSONL;
        }
    }

    private SparkOutputs() {}

    /** Fails before any work when {@code output} exists and may not be replaced. */
    static void checkTarget(SparkSession spark, String output, boolean overwrite) throws IOException {
        Path target = new Path(output);
        FileSystem fs = target.getFileSystem(spark.sparkContext().hadoopConfiguration());
        if (fs.exists(target) && !overwrite) {
            throw new InputException(output, "already exists (use --overwrite to replace it)");
        }
    }

    /** Runs the job that writes {@code rows} to {@code output}, then renames its result into place. */
    static void write(SparkSession spark, Dataset<Row> rows, String output, Format format, boolean overwrite)
            throws IOException {
        Path target = new Path(output);
        FileSystem fs = target.getFileSystem(spark.sparkContext().hadoopConfiguration());
        target = fs.makeQualified(target);
        Path tmp = new Path(target.getParent(), "." + target.getName() + ".tmp-" + UUID.randomUUID());
        try {
            var writer = rows.write();
            if (format == Format.JSONL) {
                writer.json(tmp.toString());
            } else {
                writer.parquet(tmp.toString());
            }
            if (fs.exists(target)) {
                if (!overwrite) {
                    throw new InputException(output, "already exists (use --overwrite to replace it)");
                }
                fs.delete(target, true);
            }
            if (!fs.rename(tmp, target)) {
                throw new IOException("cannot rename " + tmp + " to " + target);
            }
        } finally {
            if (fs.exists(tmp)) {
                fs.delete(tmp, true);
            }
        }
    }
}
