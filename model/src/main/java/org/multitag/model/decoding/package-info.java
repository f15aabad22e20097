/**
 * From label probabilities to label sets: label groups (exactly-one, at-most-one) and the three decoding modes
 * ({@code independent}, {@code groups}, {@code label-sets}), with the files a model folder keeps them in
 * ({@code label_groups.json}, {@code label_sets.json}, {@code decoding.json}). Pure Java over float rows: no ND4J,
 * no training code, so the tagger, the evaluation and Spark decode the same way.
 */
package org.multitag.model.decoding;
