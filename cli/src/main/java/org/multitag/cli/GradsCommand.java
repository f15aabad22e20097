package org.multitag.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.multitag.cli.options.ComputeOptions;
import org.multitag.cli.options.ModelOption;
import org.multitag.core.AtomicFiles;
import org.multitag.data.Example;
import org.multitag.data.ExampleReader;
import org.multitag.data.TrainingData;
import org.multitag.model.TaggingModel;
import org.multitag.model.kernels.NativeArrays;
import org.multitag.model.nn.BertWeights;
import org.multitag.model.nn.Freeze;
import org.multitag.model.nn.Pass;
import org.multitag.model.nn.TokenClassifier;
import org.multitag.train.loop.Trainer;
import org.multitag.train.loss.BceWithLogitsLoss;
import org.multitag.weights.HfBertNames;
import org.multitag.weights.SafetensorsWriter;
import org.multitag.weights.StateDict;
import org.multitag.weights.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code multitag grads}: the training loss of one batch and the gradient of every parameter. */
@Command(name = "grads", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Compute the training loss of one batch through a model with a token head, and its gradient "
                + "with respect to every parameter, in eval mode (no dropout), and write them to a safetensors file: "
                + "for checking the backward against another framework.",
            "The batch is every line of the input, right-padded to the longest. A line is {\"input_ids\": [...], "
                + "\"labels\": [[0,1,0,...], ...], \"label_mask\": [1,0,...]} (optional \"token_type_ids\"; "
                + "one labels row per token, one column per model label in id2label order; label_mask 1 where the "
                + "token carries a loss, by default every token), or any other data form of 'multitag train'.",
            "Loss: binary cross-entropy with logits, mean over labelled tokens x labels. The file holds loss F32 [1] "
                + "and one F32 tensor per parameter under the parameter's own name in the model file (e.g. "
                + "bert.encoder.layer.0.attention.self.query.weight [out, in], classifier.weight [L, H]), in Hugging "
                + "Face layout. Written atomically."})
final class GradsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOption.Required model;

    @Option(names = "--input", required = true, paramLabel = "FILE", description = "JSONL batch.")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "OUT.safetensors",
            description = "Safetensors output, written atomically.")
    Path output;

    @Mixin
    ComputeOptions compute;

    @Override
    public Integer call() throws IOException {
        Checks.outputFile(output);
        int threads = compute.apply();
        TaggingModel m = model.read().requireHead();
        TrainingData data = new ExampleReader(m.tokenizer(), m.labels(),
                new ExampleReader.Options(m.config().maxPositionEmbeddings(), false, false, false)).read(input);
        data.checkIds(m.config());
        List<Example> batch = data.examples();

        StateDict out = new StateDict();
        out.metadata().put("format", "pt");
        BertWeights weights = m.encoderWeights();
        INDArray[] head;
        try {
            head = m.classifier(m.labels());
        } catch (RuntimeException | IOException e) {
            weights.close();
            throw e;
        }
        INDArray[] mix = m.layerMix();
        try (TokenClassifier bert = m.trainable(weights, head, mix, Freeze.none(), threads)) {
            bert.zeroGradients();
            BceWithLogitsLoss bce = new BceWithLogitsLoss(false, bert.encoder().computeSetting().resolvedKernels());
            double loss = Trainer.lossAndGradients(bert, bce, batch, m.labels().size(),
                    Pass.forBackward(), null, 1);
            out.put(Tensor.ofFloats("loss", new int[] {1}, new float[] {(float) loss}));
            for (Map.Entry<String, INDArray> e : bert.gradients().named().entrySet()) {
                INDArray g = e.getValue();
                int[] shape = new int[g.rank()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = (int) g.size(i);
                }
                out.put(Tensor.ofFloats(HfBertNames.fileName(e.getKey(), true), shape, NativeArrays.toFloats(g)));
            }
        } finally {
            weights.close();
            head[0].close();
            head[1].close();
            if (mix != null) {
                mix[0].close();
                mix[1].close();
            }
        }
        AtomicFiles.write(output, o -> SafetensorsWriter.writeTo(o, out, SafetensorsWriter.Order.DECLARED));
        spec.commandLine().getOut().printf(java.util.Locale.ROOT, "loss %.8f over %d sequences (%d tokens); %d "
                + "gradients written to %s%n", out.get("loss").toFloat32()[0], batch.size(),
                batch.stream().mapToInt(Example::length).sum(), out.size() - 1, output);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
