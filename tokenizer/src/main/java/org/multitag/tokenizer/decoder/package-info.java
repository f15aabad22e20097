/**
 * Ids back to text: HF's WordPiece decoder (the {@code ##} prefix joined, {@code cleanup} of the spaces before
 * punctuation and around contractions). Used by {@code Tokenizer.decode}; depends on nothing else here.
 */
package org.multitag.tokenizer.decoder;
