package org.multitag.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multitag.eval.EvaluationReport;
import org.multitag.eval.Evaluator;
import org.multitag.model.TaggingModel;
import org.multitag.train.loop.TrainOptions;
import org.multitag.train.loop.Trainer;
import org.multitag.weights.BertConfig;
import org.multitag.weights.HfBertNames;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A head reading a learned mix of the top layers, end to end on all-MiniLM-L6-v2: trained, saved (config.json says
 * {@code multitag_layer_mix}, the two tensors are in the weights), read back and used, so the saved folder scores
 * dev exactly as the trainer did; the mix learned something (not the even start).
 */
class LayerMixTest {

    @Test
    void aTrainedMixIsSavedReadBackAndUsed(@TempDir Path tmp) throws Exception {
        Path base = TestMiniLm.folder(tmp);
        var trainSet = JavaApiExampleTest.sentences(32);
        var devSet = JavaApiExampleTest.sentences(9);
        FineTuner tuner = FineTuner.builder(base).labelsOf(trainSet).layerMix(3)
                .options(TrainOptions.DEFAULT.withEpochs(1)).threads(2).build();
        assertEquals(3, tuner.layerMix());
        Trainer.Result result = tuner.fit(tuner.examples(trainSet), tuner.examples(devSet), tmp.resolve("run"));

        TaggingModel model = TaggingModel.read(result.modelDir());
        assertEquals(3, HfBertNames.layerMix(model.config()));
        INDArray[] mix = model.layerMix();
        assertNotNull(mix);
        assertEquals(3, mix[0].length());
        float[] s = mix[0].toFloatVector();
        assertEquals(false, s[0] == 0f && s[1] == 0f && s[2] == 0f && mix[1].getFloat(0) == 1f, "the mix trained");
        EvaluationReport dev = Evaluator.score(model, tuner.examples(devSet), 2, 16)
                .evaluate(model.decoding().decoder(null));
        assertEquals(result.devReport().microF1(), dev.microF1(), 0.0, "the saved mix is read back and used");
        assertEquals(result.devReport().subsetAccuracy(), dev.subsetAccuracy(), 0.0);

        // continuing the head keeps its mix unless asked otherwise; the base model has none
        assertEquals(3, FineTuner.builder(model).build().layerMix());
        assertEquals(0, FineTuner.builder(base).labelsOf(trainSet).build().layerMix());
        assertNull(TaggingModel.read(base).layerMix());
        BertConfig plain = TaggingModel.read(base).config();
        assertEquals(0, HfBertNames.layerMix(plain));
    }
}
