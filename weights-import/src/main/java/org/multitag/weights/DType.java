package org.multitag.weights;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Element types a safetensors file may hold, with their byte sizes and scalar conversions to and from
 * float32. Names are the ones safetensors writes in its header ({@code "F32"}, {@code "BF16"}, ...).
 */
public enum DType {
    F32(4), F16(2), BF16(2), F64(8), I64(8), I32(4), I8(1), U8(1), BOOL(1);

    private final int size;

    DType(int size) {
        this.size = size;
    }

    /** Bytes per element. */
    public int size() {
        return size;
    }

    /** True for the types {@code --dtype} may write: F32, F16, BF16. */
    public boolean isFloatingPoint() {
        return this == F32 || this == F16 || this == BF16 || this == F64;
    }

    /** The type named by a safetensors header, or {@code null} when this reader does not support it. */
    public static DType fromHeader(String name) {
        for (DType t : values()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }

    /** Parses a command-line spelling such as {@code f16}. */
    public static DType parse(String s) {
        DType t = fromHeader(s.toUpperCase(Locale.ROOT));
        if (t == null) {
            throw new IllegalArgumentException("unknown dtype '" + s + "' (expected one of "
                    + Arrays.stream(values()).map(v -> v.name().toLowerCase(Locale.ROOT))
                            .collect(Collectors.joining(", ")) + ")");
        }
        return t;
    }

    /** Reads element {@code i} of a little-endian buffer as float. */
    public float getFloat(ByteBuffer b, int i) {
        return switch (this) {
            case F32 -> b.getFloat(i * 4);
            case F16 -> halfToFloat(b.getShort(i * 2));
            case BF16 -> Float.intBitsToFloat((b.getShort(i * 2) & 0xFFFF) << 16);
            case F64 -> (float) b.getDouble(i * 8);
            case I64 -> b.getLong(i * 8);
            case I32 -> b.getInt(i * 4);
            case I8 -> b.get(i);
            case U8 -> b.get(i) & 0xFF;
            case BOOL -> b.get(i) != 0 ? 1f : 0f;
        };
    }

    /** Writes element {@code i} from a float; integer types truncate toward zero like a cast. */
    public void putFloat(ByteBuffer b, int i, float v) {
        switch (this) {
            case F32 -> b.putFloat(i * 4, v);
            case F16 -> b.putShort(i * 2, floatToHalf(v));
            case BF16 -> b.putShort(i * 2, floatToBfloat16(v));
            case F64 -> b.putDouble(i * 8, v);
            case I64 -> b.putLong(i * 8, (long) v);
            case I32 -> b.putInt(i * 4, (int) v);
            case I8 -> b.put(i, (byte) (int) v);
            case U8 -> b.put(i, (byte) (int) v);
            case BOOL -> b.put(i, (byte) (v != 0 ? 1 : 0));
        }
    }

    /** IEEE 754 binary16 to float; exact, since every half is representable as a float. */
    static float halfToFloat(short h) {
        int bits = h & 0xFFFF;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1F;
        int mant = bits & 0x3FF;
        if (exp == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        }
        if (exp == 0) {
            // Subnormal half: value is mant * 2^-24, which a float holds exactly.
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** Float to binary16, rounding to nearest even like PyTorch's {@code .half()}. */
    static short floatToHalf(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xFF;
        int mant = bits & 0x7FFFFF;
        if (exp == 0xFF) {
            // Keep NaN a NaN: a payload that shifts out to zero would turn it into infinity.
            return (short) (sign | 0x7C00 | (mant != 0 ? 0x200 | (mant >>> 13) : 0));
        }
        int e = exp - 127 + 15;
        if (e >= 0x1F) {
            return (short) (sign | 0x7C00);
        }
        if (e <= 0) {
            if (e < -10) {
                return (short) sign;
            }
            // Subnormal result: shift in the implicit bit, then round to nearest even on the dropped bits.
            int m = mant | 0x800000;
            int shift = 14 - e;
            int half = m >>> shift;
            int rest = m & ((1 << shift) - 1);
            int mid = 1 << (shift - 1);
            if (rest > mid || (rest == mid && (half & 1) != 0)) {
                half++;
            }
            return (short) (sign | half);
        }
        int half = (e << 10) | (mant >>> 13);
        int rest = mant & 0x1FFF;
        // A carry out of the mantissa correctly bumps the exponent, up to infinity.
        if (rest > 0x1000 || (rest == 0x1000 && (half & 1) != 0)) {
            half++;
        }
        return (short) (sign | half);
    }

    /** Float to bfloat16, rounding to nearest even like PyTorch's {@code .bfloat16()}. */
    static short floatToBfloat16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int rounding = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }
}
