package org.multitag.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.multitag.model.TaggingModel;
import org.multitag.tokenizer.Encoding;
import org.multitag.tokenizer.Tokenizer;

/** The batcher alone, no model: which queued requests {@link RequestQueue#take} hands out, in which batches. */
class RequestQueueTest {

    static Tokenizer tokenizer;

    @BeforeAll
    static void load() throws IOException {
        tokenizer = TaggingModel.read(TestModels.tiny()).tokenizer();
    }

    /** A request of {@code words} words (each "the": one token), plus [CLS] and [SEP]. */
    static Pending<Object> request(Pending.Kind kind, int words, long deadline) {
        Encoding e = tokenizer.encode(String.join(" ", java.util.Collections.nCopies(words, "the")), null, true);
        assertEquals(words + 2, e.length());
        return new Pending<>(kind, e, null, null, deadline);
    }

    static Pending<Object> tag(int words) {
        return request(Pending.Kind.TAG, words, Long.MAX_VALUE);
    }

    @Test
    void takesInArrivalOrderWithinTheBudgetAndKindsApart() throws Exception {
        Recorder r = new Recorder(false);
        RequestQueue q = new RequestQueue(24, 0, 100, r);
        Pending<Object> a = tag(4); // 6 tokens
        Pending<Object> e1 = request(Pending.Kind.EMBED, 1, Long.MAX_VALUE);
        Pending<Object> b = tag(6); // 8: a + b pad to 16
        Pending<Object> c = tag(10); // 12: three rows of 12 = 36 > 24, so c heads the next batch
        Pending<Object> d = tag(1);
        Pending<Object> e2 = request(Pending.Kind.EMBED, 3, Long.MAX_VALUE);
        Pending<Object> big = tag(40); // 42 > 24: alone
        Pending<Object> f = tag(1);
        q.offer(List.of(a, e1, b, c, d, e2, big, f));
        assertEquals(8, q.queued());
        assertEquals(List.of(a, b), q.take());
        assertEquals(List.of(e1, e2), q.take(), "the embeddings, skipped by the tag batch, in their own");
        assertEquals(List.of(c, d), q.take(), "12 + 3 pad to 24");
        assertEquals(List.of(big), q.take(), "over the budget: alone");
        assertEquals(List.of(f), q.take());
        assertEquals(0, q.queued());
        assertEquals(8, q.inFlight(), "taken, not yet released");
        q.release(8);
        assertEquals(0, q.inFlight());
        q.close();
        assertNull(q.take(), "closed and empty");
    }

    @Test
    void anExpiredRequestMetByTheBatcherIsDroppedNotHandedOut() throws Exception {
        Recorder r = new Recorder(false);
        RequestQueue q = new RequestQueue(1000, 0, 100, r);
        Pending<Object> expired = request(Pending.Kind.TAG, 2, System.nanoTime() - 1);
        Pending<Object> cancelled = tag(2);
        Pending<Object> kept = tag(3);
        q.offer(List.of(expired, cancelled, kept));
        cancelled.future.cancel(true);
        q.drop(cancelled, "cancelled");
        assertEquals(List.of(kept), q.take());
        assertInstanceOf(DeadlineExceededException.class,
                assertThrows(CompletionException.class, expired.future::join).getCause());
        assertEquals(1, r.dropped("deadline"));
        assertEquals(1, r.dropped("cancelled"));
        assertEquals(1, q.inFlight(), "only the kept one counts");
        q.drop(kept, "cancelled"); // taken: too late to drop
        assertEquals(1, r.dropped("cancelled"));
        assertTrue(!kept.future.isDone());
    }

    @Test
    void admissionIsAllOrNoneAndClosedRefuses() {
        RequestQueue q = new RequestQueue(1000, 0, 3, ServiceListener.NONE);
        q.offer(List.of(tag(1), tag(1)));
        assertThrows(ServiceOverloadedException.class, () -> q.offer(List.of(tag(1), tag(1))));
        assertEquals(2, q.queued());
        q.offer(List.of(tag(1)));
        assertThrows(ServiceOverloadedException.class, () -> q.offer(List.of(tag(1))));
        q.close();
        assertThrows(ServiceClosedException.class, () -> q.offer(List.of(tag(1))));
        assertEquals(3, q.inFlight());
    }
}
