package org.multitag.model.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.multitag.model.nn.BertEncoder;
import org.multitag.model.nn.SelfCheck;
import org.multitag.weights.BertConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The calling thread's OpenMP threads in the runtime ND4J loaded: set on one thread, the others keep theirs; ND4J's own
 * thread setting does not change it (why the encoder and the serving workers set it themselves); the runtime is the
 * libgomp beside libnd4jcpu when a maps file lists several.
 */
class OpenMpThreadsTest {

    @Test
    void aThreadSetsItsOwnOpenMpThreadsOnly() throws Exception {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "the runtime is found through /proc/self/maps");
        Nd4j.create(DataType.FLOAT, 2, 2).close(); // ND4J, and with it the OpenMP runtime, loaded
        int mine = OpenMpThreads.forThisThread();
        assertTrue(mine >= 1, "ND4J's OpenMP runtime found: " + OpenMpThreads.mappedLibgomp());

        // a new thread starts from the process default (this one may have been set by an encoder built on it)
        int fresh = onNewThread();
        int nd4j = Nd4j.getEnvironment().maxThreads();
        Nd4j.getEnvironment().setMaxThreads(1);
        int afterNd4jSetting = onNewThread();
        Nd4j.getEnvironment().setMaxThreads(nd4j);
        assertEquals(fresh, afterNd4jSetting, "ND4J's setMaxThreads does not reach OpenMP");

        AtomicInteger worker = new AtomicInteger();
        Thread w = new Thread(() -> {
            assertTrue(OpenMpThreads.setForThisThread(1));
            worker.set(OpenMpThreads.forThisThread());
        });
        w.start();
        w.join();
        assertEquals(1, worker.get());
        assertEquals(mine, OpenMpThreads.forThisThread(), "the other threads keep theirs");
        assertThrows(IllegalArgumentException.class, () -> OpenMpThreads.setForThisThread(0));
    }

    private static int onNewThread() throws InterruptedException {
        AtomicInteger seen = new AtomicInteger();
        Thread t = new Thread(() -> seen.set(OpenMpThreads.forThisThread()));
        t.start();
        t.join();
        return seen.get();
    }

    @Test
    void anEncoderSetsTheGemmThreadsOfTheThreadThatBuildsIt() throws Exception {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "the runtime is found through /proc/self/maps");
        AtomicInteger seen = new AtomicInteger();
        Thread t = new Thread(() -> {
            BertConfig config = SelfCheck.tinyConfig();
            try (BertEncoder e = new BertEncoder(SelfCheck.randomWeights(config, 1), 1)) {
                seen.set(OpenMpThreads.forThisThread());
            }
        });
        t.start();
        t.join();
        assertEquals(1, seen.get(), "--threads 1 reaches the gemm");
    }

    @Test
    void theRuntimeBesideNd4jIsChosen() {
        String nd4j = "/root/.javacpp/cache/x.jar/org/nd4j/linux-x86_64-onednn/";
        List<String> maps = List.of(
                "7f00-7f01 r-xp 00000000 08:01 1 /usr/lib/x86_64-linux-gnu/libgomp.so.1.0.0",
                "7f02-7f03 r-xp 00000000 08:01 2 " + nd4j + "libgomp.so.1",
                "7f04-7f05 r-xp 00000000 08:01 3 " + nd4j + "libnd4jcpu.so",
                "7f06-7f07 rw-p 00000000 00:00 0 [heap]");
        assertEquals(Path.of(nd4j + "libgomp.so.1"), OpenMpThreads.pickLibgomp(maps));
        assertEquals(Path.of("/usr/lib/x86_64-linux-gnu/libgomp.so.1.0.0"),
                OpenMpThreads.pickLibgomp(List.of(maps.get(0), maps.get(3))));
        assertNull(OpenMpThreads.pickLibgomp(List.of(maps.get(3))));
    }
}
