package org.multitag.train.optim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code optim/adamw_fixture.json}, written by {@code src/test/python/make_optim_fixture.py}: torch 1.13's
 * AdamW (two parameter groups), the linear warmup/decay schedule as a LambdaLR and {@code clip_grad_norm_},
 * run over fixed gradients. Arrays are float32 values, row-major.
 */
record OptimFixture(List<Scenario> scenarios) {

    record Step(double lr, Double norm, Map<String, float[]> clippedGrads, Map<String, float[]> params) {}

    record Scenario(String name, double lr, double eps, double weightDecay, long totalSteps, double warmupRatio,
            long warmupSteps, Double maxNorm, Map<String, long[]> shapes, Map<String, float[]> initial,
            List<Map<String, float[]>> grads, List<Step> steps, Map<String, float[]> state) {}

    static OptimFixture load() {
        try (InputStream in = OptimFixture.class.getResourceAsStream("/optim/adamw_fixture.json")) {
            JsonNode root = new ObjectMapper().readTree(in);
            List<Scenario> out = new ArrayList<>();
            for (JsonNode s : root.get("scenarios")) {
                Map<String, long[]> shapes = new LinkedHashMap<>();
                s.get("shapes").fields().forEachRemaining(e -> {
                    long[] shape = new long[e.getValue().size()];
                    for (int i = 0; i < shape.length; i++) {
                        shape[i] = e.getValue().get(i).asLong();
                    }
                    shapes.put(e.getKey(), shape);
                });
                List<Map<String, float[]>> grads = new ArrayList<>();
                s.get("grads").forEach(g -> grads.add(named(g)));
                List<Step> steps = new ArrayList<>();
                for (JsonNode st : s.get("steps")) {
                    steps.add(new Step(st.get("lr").doubleValue(), nullableDouble(st.get("norm")),
                            named(st.get("clipped_grads")), named(st.get("params"))));
                }
                out.add(new Scenario(s.get("name").asText(), s.get("lr").doubleValue(), s.get("eps").doubleValue(),
                        s.get("weight_decay").doubleValue(), s.get("total_steps").asLong(),
                        s.get("warmup_ratio").doubleValue(), s.get("warmup_steps").asLong(),
                        nullableDouble(s.get("max_norm")), shapes, named(s.get("initial")), grads, steps,
                        named(s.get("state"))));
            }
            return new OptimFixture(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Double nullableDouble(JsonNode n) {
        return n == null || n.isNull() ? null : n.doubleValue();
    }

    private static Map<String, float[]> named(JsonNode obj) {
        Map<String, float[]> out = new LinkedHashMap<>();
        obj.fields().forEachRemaining(e -> {
            float[] v = new float[e.getValue().size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) e.getValue().get(i).doubleValue();
            }
            out.put(e.getKey(), v);
        });
        return out;
    }
}
