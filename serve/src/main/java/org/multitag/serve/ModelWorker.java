package org.multitag.serve;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.multitag.model.MultiLabelTagger;
import org.multitag.model.TokenEmbeddings;
import org.multitag.tokenizer.Encoding;
import org.multitag.tokenizer.labels.WordPrediction;

/**
 * The model's own thread: loads the tagger, runs the batches the queue hands out until it is closed and drained, then
 * frees the model. Every ND4J array (weights, scratch, outputs) is made, used and closed on this thread only, and
 * the gemm's OpenMP threads are this thread's (the encoder sets them as it is built here), so several workers of one
 * thread each do not each spread over every core.
 */
final class ModelWorker implements Runnable {

    /** Loads the tagger (on the model thread). */
    interface Loader {
        MultiLabelTagger load() throws Exception;
    }

    private final Loader loader;
    private final RequestQueue queue;
    private final ServiceListener listener;
    /** Completes with the loaded tagger, or with why it could not be loaded. */
    final CompletableFuture<MultiLabelTagger> loaded = new CompletableFuture<>();
    /** Completes when the accepted work is answered and the model freed. */
    final CompletableFuture<Void> terminated = new CompletableFuture<>();

    ModelWorker(Loader loader, RequestQueue queue, ServiceListener listener) {
        this.loader = loader;
        this.queue = queue;
        this.listener = listener;
    }

    @Override
    public void run() {
        MultiLabelTagger tagger;
        try {
            tagger = loader.load();
        } catch (Throwable t) {
            loaded.completeExceptionally(t);
            terminated.complete(null);
            return;
        }
        loaded.complete(tagger);
        try {
            List<Pending<?>> batch;
            while ((batch = queue.take()) != null) {
                compute(tagger, batch);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                tagger.close();
            } finally {
                terminated.complete(null);
            }
        }
    }

    /** Runs one batch and answers its requests; a failure fails the batch's requests, not the thread. */
    private void compute(MultiLabelTagger tagger, List<Pending<?>> batch) {
        long t0 = System.nanoTime();
        int longest = 0;
        int tokens = 0;
        for (Pending<?> p : batch) {
            longest = Math.max(longest, p.length());
            tokens += p.length();
        }
        List<Object> results;
        try {
            results = batch.get(0).kind == Pending.Kind.TAG ? tag(tagger, batch) : embed(tagger, batch);
        } catch (Throwable t) {
            queue.release(batch.size());
            for (Pending<?> p : batch) {
                p.future.completeExceptionally(t);
            }
            return;
        }
        long nanos = System.nanoTime() - t0;
        // capacity first: a caller woken by its answer may submit again at once
        queue.release(batch.size());
        try {
            listener.batchComputed(batch.size(), batch.size() * longest, tokens, nanos);
        } catch (RuntimeException e) {
            // a metrics hook must not fail the requests it measured
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).complete(results.get(i));
        }
    }

    /**
     * One forward pass over the batch (the tagger's batch size is unbounded: the queue formed this batch), then each
     * row decoded in its request's mode by the tagger's own code.
     */
    private static List<Object> tag(MultiLabelTagger tagger, List<Pending<?>> batch) {
        List<Encoding> encodings = new ArrayList<>(batch.size());
        for (Pending<?> p : batch) {
            encodings.add(p.encoding);
        }
        List<float[][]> probs = tagger.tokenProbabilities(encodings);
        List<Object> out = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            Pending<?> p = batch.get(i);
            List<WordPrediction> words = p.request.text() != null
                    ? tagger.decodeText(p.encoding, p.request.text(), probs.get(i), p.decoder)
                    : tagger.decodeWords(p.encoding, p.request.words(), probs.get(i), p.decoder);
            out.add(words);
        }
        return out;
    }

    /**
     * The encoder's last hidden state over the batch, as {@code embed} runs it (one pass; an input over the limit
     * through the tagger's windows); each row's own tokens kept.
     */
    private static List<Object> embed(MultiLabelTagger tagger, List<Pending<?>> batch) {
        List<Encoding> encodings = new ArrayList<>(batch.size());
        for (Pending<?> p : batch) {
            encodings.add(p.encoding);
        }
        List<float[][]> states = TokenEmbeddings.lastHiddenState(tagger.encoder(), encodings,
                tagger.scorer().maxLength(), tagger.scorer().stride());
        List<Object> result = new ArrayList<>(batch.size());
        for (int r = 0; r < batch.size(); r++) {
            result.add(new Embedding(encodings.get(r), states.get(r)));
        }
        return result;
    }
}
