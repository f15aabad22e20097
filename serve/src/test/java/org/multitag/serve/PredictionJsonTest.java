package org.multitag.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The scores' text as written ({@link PredictionJson#roundedText}) is the BigDecimal definition's ({@link
 * PredictionJson#round}) for every float tried: ties, the values next to them, probabilities, and floats drawn from
 * every exponent.
 */
class PredictionJsonTest {

    private static void check(float p) {
        if (!Float.isFinite(p)) {
            return; // written as null, never rounded
        }
        assertEquals(PredictionJson.round(p).toPlainString(), PredictionJson.roundedText(p), () -> "float " + p
                + " (bits " + Integer.toHexString(Float.floatToRawIntBits(p)) + ")");
    }

    @Test
    void tiesAndTheirNeighbours() {
        for (float p : new float[] {0f, -0f, 1f, -1f, 0.5f, 0.25f, 0.125f, 0.0625f, 0.03125f, 0.09375f, 0.96875f,
            0.00005f, 0.00015f, 0.99995f, 0.0001f, 0.9999f, 1e-5f, 4.9999e-5f, 5.0001e-5f, Float.MIN_VALUE,
            Float.MIN_NORMAL, 99_999.99f, 100_000f, 1e30f, Float.MAX_VALUE, -0.00005f, -0.03125f, 12.5f, 10f}) {
            check(p);
            check(Math.nextUp(p));
            check(Math.nextDown(p));
        }
        // every multiple of 2^-k with five decimals or fewer is an exact tie candidate
        for (int k = 1; k <= 5; k++) {
            for (int i = 0; i <= 1 << k; i++) {
                float p = i / (float) (1 << k);
                check(p);
                check(-p);
            }
        }
        // the float nearest each five-decimal tie below 1, and its neighbours
        for (int t = 0; t < 10_000; t++) {
            float p = (float) ((t + 0.5) / 10_000);
            check(p);
            check(Math.nextUp(p));
            check(Math.nextDown(p));
        }
    }

    @Test
    void probabilitiesAndFloatsOfEveryExponent() {
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < 1_000_000; i++) {
            check((float) r.nextDouble());
        }
        for (int i = 0; i < 1_000_000; i++) {
            float p = Float.intBitsToFloat(r.nextInt());
            if (Float.isFinite(p)) {
                check(p);
            }
        }
    }
}
