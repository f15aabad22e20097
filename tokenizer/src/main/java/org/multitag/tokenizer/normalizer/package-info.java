/**
 * HF's {@code BertNormalizer} (clean text, Chinese characters spaced, accents stripped through NFD, lowercase) on a
 * {@link org.multitag.tokenizer.normalizer.NormalizedString} that keeps every character's offset in the original
 * text. Character classes start from the JDK's and are overridden at every code point where HF (its Rust crates
 * and their older Unicode versions) was measured to differ, so the result matches HF on all code points.
 */
package org.multitag.tokenizer.normalizer;
