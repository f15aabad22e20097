/**
 * Serving one model to many threads: {@link org.multitag.serve.TaggingService} takes texts, word lists and
 * embedding requests from callers on any thread, keeps them in a bounded queue, forms batches by a padded-token
 * budget and runs them on the model's own thread, and completes each caller's future with exactly what
 * {@link org.multitag.model.MultiLabelTagger} returns for that input alone.
 *
 * <p>Uses the model module only (no evaluation, no training code). The HTTP server over the service lives in
 * {@code org.multitag.serve.http}.
 */
package org.multitag.serve;
