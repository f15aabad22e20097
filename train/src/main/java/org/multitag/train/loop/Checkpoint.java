package org.multitag.train.loop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.multitag.core.AtomicFiles;
import org.multitag.core.InputException;
import org.multitag.model.kernels.NativeArrays;
import org.multitag.model.nn.Parameter;
import org.multitag.weights.SafetensorsReader;
import org.multitag.weights.SafetensorsWriter;
import org.multitag.weights.StateDict;
import org.multitag.weights.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Everything needed to continue a run bit-identically: the trainable parameters and AdamW's moments
 * ({@code state.safetensors}, storage layout, names as {@link Parameter#name()} and AdamW's
 * {@code exp_avg.}/{@code exp_avg_sq.} prefixes) and the loop position ({@code trainer_state.json}: optimizer
 * step, epoch, batches done in that epoch, best dev F1, and the options that shape the run). Data order and
 * dropout derive from the seed and the position, so they need no saved RNG. Written atomically as a folder.
 */
public final class Checkpoint {

    public static final String STATE = "state.safetensors";
    public static final String TRAINER = "trainer_state.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The loop position. */
    public record Position(long step, int epoch, int batchInEpoch, double bestF1, long bestStep, long adamSteps) {}

    private Checkpoint() {}

    public static void save(Path dir, List<Parameter> parameters, Map<String, INDArray> optimizerState,
            Position pos, String optionsFingerprint) throws IOException {
        StateDict sd = new StateDict();
        for (Parameter p : parameters) {
            sd.put(tensor(p.name(), p.value()));
        }
        for (Map.Entry<String, INDArray> e : optimizerState.entrySet()) {
            sd.put(tensor(e.getKey(), e.getValue()));
        }
        ObjectNode o = JSON.createObjectNode();
        o.put("step", pos.step());
        o.put("epoch", pos.epoch());
        o.put("batch_in_epoch", pos.batchInEpoch());
        o.put("best_f1", pos.bestF1());
        o.put("best_step", pos.bestStep());
        o.put("adam_steps", pos.adamSteps());
        o.put("options", optionsFingerprint);
        byte[] json = JSON.writeValueAsBytes(o);
        AtomicFiles.writeFolder(dir, tmp -> {
            SafetensorsWriter.write(tmp.resolve(STATE), sd);
            Files.write(tmp.resolve(TRAINER), json);
        });
    }

    private static Tensor tensor(String name, INDArray a) {
        int[] shape = new int[a.rank()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = (int) a.size(i);
        }
        return Tensor.ofFloats(name, shape, NativeArrays.toFloats(a));
    }

    /** Whether {@code dir} holds a checkpoint. */
    public static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve(STATE)) && Files.isRegularFile(dir.resolve(TRAINER));
    }

    /**
     * Restores the parameters in place and returns the optimizer state (to hand to AdamW) and the position.
     * A checkpoint made with other options, or missing a parameter, is an error naming the folder.
     */
    public static Map.Entry<Position, Map<String, INDArray>> load(Path dir, List<Parameter> parameters,
            String optionsFingerprint) throws IOException {
        JsonNode o = JSON.readTree(Files.readString(dir.resolve(TRAINER), StandardCharsets.UTF_8));
        if (!o.path("options").asText().equals(optionsFingerprint)) {
            throw new InputException(dir.toString(), "checkpoint was made with other options ("
                    + o.path("options").asText() + "); resume with the same ones");
        }
        StateDict sd = SafetensorsReader.read(dir.resolve(STATE));
        for (Parameter p : parameters) {
            Tensor t = sd.get(p.name());
            if (t == null) {
                throw new InputException(dir.resolve(STATE).toString(), "no tensor " + p.name());
            }
            p.value().assign(NativeArrays.of(t.toFloat32(), p.value().shape()));
        }
        Map<String, INDArray> state = new LinkedHashMap<>();
        for (Tensor t : sd.tensors()) {
            if (t.name().startsWith("exp_avg")) {
                long[] shape = new long[t.rank()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = t.dim(i);
                }
                state.put(t.name(), NativeArrays.of(t.toFloat32(), shape));
            }
        }
        Position pos = new Position(o.path("step").asLong(), o.path("epoch").asInt(), o.path("batch_in_epoch").asInt(),
                o.path("best_f1").asDouble(), o.path("best_step").asLong(), o.path("adam_steps").asLong());
        return Map.entry(pos, state);
    }
}
