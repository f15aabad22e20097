package org.multitag.spark;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.multitag.tokenizer.labels.WordPrediction;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The {@code words} column: the same fields as {@code multitag predict}'s JSON words, as a Spark struct array
 * {@code array<struct<text, start, end, labels: array<string>, scores: map<string, double>>>}. Scores keep
 * label order and are rounded to 4 decimals (half-even), as predict writes them.
 */
final class WordRows {

    static final String WORDS = "words";

    /** One word's struct. */
    static final StructType WORD = new StructType()
            .add("text", DataTypes.StringType, false)
            .add("start", DataTypes.IntegerType, false)
            .add("end", DataTypes.IntegerType, false)
            .add("labels", DataTypes.createArrayType(DataTypes.StringType, false), false)
            .add("scores", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType, true), false);

    /** The column's type. */
    static final DataType TYPE = DataTypes.createArrayType(WORD, false);

    private WordRows() {}

    /** A row's words as Spark values (Scala sequences and maps, as Spark's row encoder takes them). */
    static scala.collection.Seq<Row> toRows(List<WordPrediction> words, List<String> labels) {
        List<Row> out = new ArrayList<>(words.size());
        for (WordPrediction w : words) {
            Map<String, Double> scores = new LinkedHashMap<>();
            for (String label : labels) {
                Float p = w.scores().get(label);
                scores.put(label, p == null || !Float.isFinite(p) ? null : round(p));
            }
            out.add(RowFactory.create(w.text(), w.start(), w.end(), seq(w.labels()),
                    CollectionConverters.asScala(scores)));
        }
        return seq(out);
    }

    /** A Java list as the Scala sequence Spark's row encoder wants for an array column. */
    static <T> scala.collection.Seq<T> seq(List<T> list) {
        return CollectionConverters.asScala(list);
    }

    /** A probability to 4 decimals, half-even, as predict rounds it. */
    static double round(float p) {
        return BigDecimal.valueOf(p).setScale(4, RoundingMode.HALF_EVEN).doubleValue();
    }
}
