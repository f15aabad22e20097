/**
 * The converter that made the bundled Brown corpus ({@code data/brown}) from NLTK's tagged Brown corpus:
 * {@link org.multitag.tools.brown.BrownConverter} (run by {@code tools/data/make-brown.sh}) reads the corpus
 * files ({@code BrownCorpus}), casts each Brown tag to a label set ({@code BrownTags}), splits the files into
 * train/dev/test ({@code BrownSplit}) and writes the JSON Lines, labels.txt and README. A tool: it is no part of
 * the library or the shipped jar; no module depends on it.
 *
 * <p>Uses Jackson only (so the script can compile it on its own); must not use the multitag modules.
 */
package org.multitag.tools.brown;
