package io.tracemark.examples.cli;

import io.tracemark.examples.demo.Distillation;
import io.tracemark.examples.lm.NGramModel;
import io.tracemark.verifier.SuspectRecord;
import io.tracemark.verifier.cli.Tracemark;
import io.tracemark.verifier.text.TextTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code distill}: trains a student on human text plus a fraction ρ of a teacher's outputs. */
@Command(name = "distill", mixinStandardHelpOptions = true,
    description = "Train a student on human text plus a fraction rho of a teacher's outputs.")
public final class DistillCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;
  @Option(names = "--human", required = true, description = "Human text: file, .jsonl, directory or 'brown'.")
  String human;
  @Option(names = "--teacher-outputs", required = true,
      description = "JSONL from lm-generate, read as tracemark verify reads it (text, else tokens).")
  Path teacherOutputs;
  @Option(names = "--rho", required = true,
      description = "Fraction of the student's training tokens that come from the teacher, in [0, 1].")
  double rho;
  @Mixin
  OrderOption order;
  @Mixin
  TokenizerOption tokenizer;
  @Mixin
  OutputOption out;

  @Override
  public Integer call() throws IOException {
    CliChecks.require(spec, rho >= 0 && rho <= 1, "--rho must be in [0, 1], was %s", rho);
    int n = order.order();
    TextTokenizer tok = tokenizer.tokenizer();
    List<int[]> teacher = new ArrayList<>();
    for (SuspectRecord r : TrainingText.records(teacherOutputs, tok)) {
      teacher.add(r.tokens());
    }
    List<int[]> humanDocs = rho >= 1 ? List.of() : TrainingText.documents(human, tok);
    Distillation.Mix mix = Distillation.mix(humanDocs, teacher, rho, teacherOutputs.toString());
    NGramModel m = NGramModel.train(mix.documents(), n, tok.vocabularySize(), tok.name());
    m.save(out.out());
    spec.commandLine().getOut().printf(Locale.ROOT,
        "trained order-%d student on %,d human + %,d teacher tokens (rho = %.4f); wrote %s%n", n,
        mix.humanTokens(), mix.teacherTokens(), mix.rho(), out.out());
    return Tracemark.OK;
  }
}
