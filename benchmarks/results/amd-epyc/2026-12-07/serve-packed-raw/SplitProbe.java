import java.util.concurrent.*;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.multitag.model.platform.OpenMpThreads;

public class SplitProbe {
    public static void main(String[] args) throws Exception {
        int k = Integer.parseInt(args[1]), n = Integer.parseInt(args[2]);
        INDArray w = Nd4j.rand(DataType.FLOAT, k, n).subi(0.5);
        INDArray w1 = w.get(NDArrayIndex.all(), NDArrayIndex.interval(0, n / 2)).dup('c');
        INDArray w2 = w.get(NDArrayIndex.all(), NDArrayIndex.interval(n / 2, n)).dup('c');
        ExecutorService pool = Executors.newFixedThreadPool(1);
        pool.submit(() -> OpenMpThreads.setForThisThread(1)).get();
        for (String ms : args[0].split(",")) {
            int m = Integer.parseInt(ms);
            INDArray a = Nd4j.rand(DataType.FLOAT, m, k).subi(0.5);
            INDArray c = Nd4j.zeros(DataType.FLOAT, m, n);
            INDArray c1 = Nd4j.zeros(DataType.FLOAT, m, n / 2);
            INDArray c2 = Nd4j.zeros(DataType.FLOAT, m, n / 2);
            OpenMpThreads.setForThisThread(2);
            Nd4j.gemm(a, w, c, false, false, 1.0, 0.0);
            OpenMpThreads.setForThisThread(1);
            Nd4j.gemm(a, w1, c1, false, false, 1.0, 0.0);
            Nd4j.gemm(a, w2, c2, false, false, 1.0, 0.0);
            INDArray joined = Nd4j.hstack(c1, c2);
            boolean same = java.util.Arrays.equals(c.data().asFloat(), joined.data().asFloat());
            // also: a row alone against the same row in the batch
            INDArray row = Nd4j.zeros(DataType.FLOAT, 1, n / 2);
            Nd4j.gemm(a.getRow(m - 1, true).dup(), w1, row, false, false, 1.0, 0.0);
            boolean rowSame = java.util.Arrays.equals(row.data().asFloat(), c1.getRow(m - 1, true).dup().data().asFloat());
            int reps = m < 100 ? 4000 : 400;
            OpenMpThreads.setForThisThread(2);
            for (int i = 0; i < reps / 4; i++) Nd4j.gemm(a, w, c, false, false, 1.0, 0.0);
            long t0 = System.nanoTime();
            for (int i = 0; i < reps; i++) Nd4j.gemm(a, w, c, false, false, 1.0, 0.0);
            double one = (System.nanoTime() - t0) / 1e3 / reps;
            OpenMpThreads.setForThisThread(1);
            for (int i = 0; i < reps / 4; i++) split(pool, a, w1, w2, c1, c2);
            t0 = System.nanoTime();
            for (int i = 0; i < reps; i++) split(pool, a, w1, w2, c1, c2);
            double two = (System.nanoTime() - t0) / 1e3 / reps;
            System.out.printf("M=%d K=%d N=%d: one gemm 2 omp threads %.1f us; two half gemms on 2 java threads %.1f us (%.2fx); split bits same: %s; row alone same: %s%n",
                    m, k, n, one, two, one / two, same, rowSame);
        }
        pool.shutdown();
    }

    static void split(ExecutorService pool, INDArray a, INDArray w1, INDArray w2, INDArray c1, INDArray c2) {
        try {
            Future<?> f = pool.submit(() -> Nd4j.gemm(a, w2, c2, false, false, 1.0, 0.0));
            Nd4j.gemm(a, w1, c1, false, false, 1.0, 0.0);
            f.get();
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }
}
