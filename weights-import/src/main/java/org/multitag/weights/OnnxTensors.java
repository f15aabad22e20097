package org.multitag.weights;

import ai.onnx.proto.OnnxMl.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.multitag.core.InputException;

/** Converts ONNX {@code TensorProto}s to {@link Tensor}s, from {@code raw_data} or the typed value lists. */
final class OnnxTensors {

    private OnnxTensors() {}

    static Tensor toTensor(TensorProto t, String name, String where) {
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            throw new InputException(where, "tensor '" + t.getName() + "': external data files are not supported");
        }
        DType dtype = dtype(t, where);
        int[] shape = new int[t.getDimsCount()];
        for (int i = 0; i < shape.length; i++) {
            long d = t.getDims(i);
            if (d < 0 || d > Integer.MAX_VALUE) {
                throw new InputException(where, "tensor '" + t.getName() + "': invalid dimension " + d);
            }
            shape[i] = (int) d;
        }
        long n = Tensor.numel(shape);
        ByteBuffer b;
        if (!t.getRawData().isEmpty()) {
            b = t.getRawData().asReadOnlyByteBuffer();
        } else {
            b = ByteBuffer.allocate(Math.toIntExact(n * dtype.size())).order(ByteOrder.LITTLE_ENDIAN);
            int count = switch (dtype) {
                case F32 -> t.getFloatDataCount();
                case F64 -> t.getDoubleDataCount();
                case I64 -> t.getInt64DataCount();
                default -> t.getInt32DataCount();
            };
            if (count != n) {
                throw new InputException(where, "tensor '" + t.getName() + "': " + count + " values for shape "
                        + Tensor.shapeString(shape));
            }
            for (int i = 0; i < n; i++) {
                switch (dtype) {
                    case F32 -> b.putFloat(i * 4, t.getFloatData(i));
                    case F64 -> b.putDouble(i * 8, t.getDoubleData(i));
                    case I64 -> b.putLong(i * 8, t.getInt64Data(i));
                    // int32_data holds I32, I8, U8, BOOL and the raw bits of F16/BF16, per onnx.proto.
                    case I32 -> b.putInt(i * 4, t.getInt32Data(i));
                    case F16, BF16 -> b.putShort(i * 2, (short) t.getInt32Data(i));
                    default -> b.put(i, (byte) t.getInt32Data(i));
                }
            }
        }
        if (b.remaining() != n * dtype.size()) {
            throw new InputException(where, "tensor '" + t.getName() + "': " + b.remaining() + " bytes of raw data for "
                    + dtype + " " + Tensor.shapeString(shape) + ", expected " + n * dtype.size());
        }
        return new Tensor(name, dtype, shape, b);
    }

    private static DType dtype(TensorProto t, String where) {
        return switch (TensorProto.DataType.forNumber(t.getDataType()) == null ? TensorProto.DataType.UNDEFINED
                : TensorProto.DataType.forNumber(t.getDataType())) {
            case FLOAT -> DType.F32;
            case FLOAT16 -> DType.F16;
            case BFLOAT16 -> DType.BF16;
            case DOUBLE -> DType.F64;
            case INT64 -> DType.I64;
            case INT32 -> DType.I32;
            case INT8 -> DType.I8;
            case UINT8 -> DType.U8;
            case BOOL -> DType.BOOL;
            default -> throw new InputException(where, "tensor '" + t.getName() + "': unsupported ONNX data type "
                    + t.getDataType());
        };
    }
}
