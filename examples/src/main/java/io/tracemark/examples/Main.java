package io.tracemark.examples;

import io.tracemark.examples.cli.AttackCommand;
import io.tracemark.examples.cli.DemoCommand;
import io.tracemark.examples.cli.DistillCommand;
import io.tracemark.examples.cli.GenerateCommand;
import io.tracemark.examples.cli.QuickStartCommand;
import io.tracemark.examples.cli.TrafficCommand;
import io.tracemark.examples.cli.TrainCommand;
import io.tracemark.verifier.cli.Tracemark;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The examples jar's command line: the end-to-end demo and the experiment commands, one class each
 * in {@link io.tracemark.examples.cli}. Errors are handled as by the {@code tracemark} command line
 * ({@link Tracemark#withErrorHandling}): exit 0 ran, 2 usage error, 3 input error (a file that
 * cannot be read or parsed, a value out of range), 1 internal error, each error one line without a
 * stack trace.
 */
@Command(name = "tracemark-examples", mixinStandardHelpOptions = true, version = "tracemark examples 0.1.0",
    description = {"The embedded language model, the distillation demo and experiment commands.",
        "Without a command, runs the demo with its defaults."},
    subcommands = {DemoCommand.class, QuickStartCommand.class, TrainCommand.class, GenerateCommand.class,
        DistillCommand.class, AttackCommand.class, TrafficCommand.class})
public final class Main implements Callable<Integer> {
  /** The program name that starts every error line. */
  static final String NAME = "tracemark-examples";

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /**
   * Runs a command line, printing to {@code out} and {@code err}; returns the exit code. Without
   * arguments it runs the demo, the README's main command.
   */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(out);
    cl.setErr(err);
    Tracemark.withErrorHandling(cl, NAME,
        command -> "java -jar " + NAME + ".jar " + (command.isEmpty() ? "" : command + " ") + "--help");
    return cl.execute(args.length == 0 ? new String[] {"demo"} : args);
  }

  @Override
  public Integer call() {
    // reached only with options but no command (e.g. an unknown option is a usage error before this)
    throw new CommandLine.ParameterException(spec.commandLine(),
        "a command is required: demo, quickstart, lm-train, lm-generate, distill, attack or traffic (try --help)");
  }
}
