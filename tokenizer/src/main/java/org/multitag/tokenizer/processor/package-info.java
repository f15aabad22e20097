/**
 * The post-processors of HF's {@code TemplateProcessing} and {@code BertProcessing}: special tokens around one
 * sequence or a pair, type ids per template piece, and the same applied to overflowing parts.
 */
package org.multitag.tokenizer.processor;
