package io.tracemark.examples.cli;

import io.tracemark.examples.lm.NGramModel;
import io.tracemark.verifier.cli.Tracemark;
import io.tracemark.verifier.text.TextTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lm-train}: trains the embedded n-gram model on a corpus and saves it. */
@Command(name = "lm-train", mixinStandardHelpOptions = true,
    description = "Train the embedded n-gram model (interpolated Kneser-Ney) and save it.")
public final class TrainCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;
  @Option(names = "--corpus", required = true,
      description = "A text file (one document), a .jsonl file (one document per record), a directory, or 'brown'.")
  String corpus;
  @Mixin
  TokenizerOption tokenizer;
  @Mixin
  OrderOption order;
  @Mixin
  OutputOption out;

  @Override
  public Integer call() throws IOException {
    TextTokenizer tok = tokenizer.tokenizer();
    int n = order.order();
    long t0 = System.nanoTime();
    List<int[]> docs = TrainingText.documents(corpus, tok);
    long t1 = System.nanoTime();
    NGramModel m = NGramModel.train(docs, n, tok.vocabularySize(), tok.name());
    long t2 = System.nanoTime();
    m.save(out.out());
    spec.commandLine().getOut().printf(Locale.ROOT,
        "trained order-%d model on %,d tokens of %d documents (tokenize %.1f s, train %.1f s); wrote %s (%,d bytes)%n",
        n, m.trainingTokens(), docs.size(), (t1 - t0) / 1e9, (t2 - t1) / 1e9, out.out(), Files.size(out.out()));
    return Tracemark.OK;
  }
}
