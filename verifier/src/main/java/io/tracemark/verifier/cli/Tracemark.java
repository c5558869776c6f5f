package io.tracemark.verifier.cli;

import io.tracemark.api.Checks;
import io.tracemark.verifier.DistributedPass;
import io.tracemark.verifier.MemoryBoundException;
import io.tracemark.verifier.Version;
import io.tracemark.verifier.input.InputException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code tracemark} command line. Exit codes: 0 the command ran (whatever the verdict, unless
 * {@code --fail-on-detect}), 2 usage error, 3 input error (unreadable file, bad record, wrong key
 * file…), 4 a report's signature does not verify, 5 a watermark was detected and
 * {@code --fail-on-detect} was given; 1 only for an internal error. Errors are one line on stderr,
 * never a stack trace; a mistyped command or option gets the nearest known names. Without
 * arguments it prints its usage and exits 0.
 */
@Command(name = "tracemark", mixinStandardHelpOptions = true, versionProvider = Tracemark.VersionProvider.class,
    description = "Watermark keys, detection, and evidence that a suspect corpus or model inherits a watermark.",
    subcommands = {KeygenCommand.class, KeyInfoCommand.class, DetectCommand.class, VerifyCommand.class,
        PlanCommand.class, MonitorCommand.class, ReportVerifyCommand.class, HelpCommand.class},
    footer = {"", "Exit codes: 0 ran (whatever the verdict), 1 internal error, 2 usage error,",
        "  3 input error, 4 signature does not verify,", "  5 watermark detected (detect/verify --fail-on-detect).",
        "Results go to stdout; progress, warnings and errors to stderr (docs/verifier.md)."})
public final class Tracemark implements Runnable {
  /** The command ran. */
  public static final int OK = 0;
  /** An internal error (a bug). */
  public static final int INTERNAL = 1;
  /** Usage error. */
  public static final int USAGE = 2;
  /** Input error. */
  public static final int INPUT = 3;
  /** A signature does not verify. */
  public static final int BAD_SIGNATURE = 4;
  /** A watermark was detected and {@code --fail-on-detect} was given. */
  public static final int DETECTED = 5;

  @picocli.CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (try 'tracemark help')");
  }

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    System.exit(run(System.out, System.err, args));
  }

  /** Runs the command line with the given streams; returns the exit code. */
  public static int run(PrintStream out, PrintStream err, String... args) {
    PrintWriter o = new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true);
    PrintWriter e = new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true);
    CommandLine cli = commandLine(o, e);
    int code;
    try {
      if (args.length == 0) {
        // asking for nothing is asking for help: the usage, on stdout, exit 0
        cli.usage(o);
        code = OK;
      } else {
        code = cli.execute(args);
      }
    } catch (OutOfMemoryError oom) {
      // the work that filled the heap is unreachable by now, so one line can still be printed
      e.println(outOfMemory(Runtime.getRuntime().maxMemory()));
      code = INPUT;
    }
    o.flush();
    e.flush();
    return code;
  }

  /**
   * Runs {@code tracemark verify} with {@code args} (the options of {@code verify}, without the
   * command's name), the corpus read and scored by {@code runner} (a distributed job), with this
   * command line's checks, report, output and exit codes.
   */
  public static int verify(DistributedPass.Runner runner, PrintStream out, PrintStream err, String... args) {
    java.util.Objects.requireNonNull(runner, "runner");
    PrintWriter o = new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true);
    PrintWriter e = new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true);
    CommandLine cli = commandLine(o, e);
    ((VerifyCommand) cli.getSubcommands().get("verify").getCommand()).runner = runner;
    String[] all = new String[args.length + 1];
    all[0] = "verify";
    System.arraycopy(args, 0, all, 1, args.length);
    int code = cli.execute(all);
    o.flush();
    e.flush();
    return code;
  }

  /**
   * The one line for a heap that ran out: the heap is the limit that was reached, and {@code -Xmx}
   * is what changes it (every other bound has its own option and its own error before this).
   */
  static String outOfMemory(long maxHeapBytes) {
    return String.format(java.util.Locale.ROOT, "tracemark: error: out of memory: the Java heap reached its maximum "
        + "of %,d MB; run java with a larger -Xmx (e.g. java -Xmx%dg -jar tracemark.jar ...)", maxHeapBytes >> 20,
        Math.max(2, 2 * ((maxHeapBytes + (1L << 30) - 1) >> 30)));
  }

  static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new Tracemark());
    cli.setOut(out);
    cli.setErr(err);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    return withErrorHandling(cli, "tracemark", command -> "tracemark help" + (command.isEmpty() ? "" : " " + command));
  }

  /**
   * Installs the error handling of this command line on {@code cli} (the examples jar uses it too):
   * a usage error is one line, {@code <tool> [<command>]: error: <message>}, with the nearest known
   * names for a mistyped command or option, then {@code Try '<help command>' for usage.}, exit 2;
   * an exception from a command is one line with the exit code of {@link #exitCode} (3 for bad
   * input, 1 for an internal error), never a stack trace. Control characters are escaped.
   *
   * @param tool the program name that starts every error line
   * @param helpCommand the help command line for a subcommand name (empty for the top level)
   * @return {@code cli}
   */
  public static CommandLine withErrorHandling(CommandLine cli, String tool,
      java.util.function.UnaryOperator<String> helpCommand) {
    cli.setParameterExceptionHandler((error, args) -> {
      CommandLine c = error.getCommandLine();
      // a mistyped option is the cause of the "missing required option" that follows from it
      CommandLine.ParameterException ex = error instanceof CommandLine.UnmatchedArgumentException
          || c.getUnmatchedArguments().isEmpty() ? error
          : new CommandLine.UnmatchedArgumentException(c, c.getUnmatchedArguments());
      c.getErr().println(prefix(tool, c) + Checks.escapeControls(message(ex)) + suggestion(ex));
      c.getErr().println("Try '" + helpCommand.apply(commandName(c)) + "' for usage.");
      return USAGE;
    });
    cli.setExecutionExceptionHandler((ex, c, parseResult) -> {
      int code = exitCode(ex);
      c.getErr().println(prefix(tool, c) + Checks.escapeControls(describe(ex)));
      return code;
    });
    return cli;
  }

  /** The usage error's message; an unknown word where a command is expected is called an unknown command. */
  static String message(CommandLine.ParameterException ex) {
    if (ex instanceof CommandLine.UnmatchedArgumentException) {
      CommandLine.UnmatchedArgumentException u = (CommandLine.UnmatchedArgumentException) ex;
      java.util.List<String> unmatched = u.getUnmatched();
      if (!u.isUnknownOption() && !unmatched.isEmpty() && !ex.getCommandLine().getSubcommands().isEmpty()
          && !unmatched.get(0).startsWith("-")) {
        return "unknown command " + shown(unmatched.get(0));
      }
      for (String arg : unmatched) {
        if (arg.startsWith("-")) {
          return "unknown option " + shown(arg);
        }
      }
      java.util.List<String> words = new java.util.ArrayList<>();
      for (String arg : unmatched.subList(0, Math.min(3, unmatched.size()))) {
        words.add(shown(arg));
      }
      return "unexpected argument" + (unmatched.size() > 1 ? "s " : " ") + String.join(", ", words)
          + (unmatched.size() > 3 ? ", …" : "");
    }
    return ex.getMessage().replace('\n', ' ');
  }

  /**
   * A value typed by the user, as echoed in a message: control characters escaped, at most 80
   * characters, and nothing of a value that holds a key ({@code key=}, {@code hash-key=}).
   */
  static String shown(String value) {
    if (value.toLowerCase(java.util.Locale.ROOT).contains("key=")) {
      return "(a value with a key parameter, not shown)";
    }
    return Checks.quote(value);
  }

  /** "; did you mean ...?" for a mistyped command or option, else empty. */
  static String suggestion(CommandLine.ParameterException ex) {
    if (!(ex instanceof CommandLine.UnmatchedArgumentException)) {
      return "";
    }
    java.util.List<String> s = ((CommandLine.UnmatchedArgumentException) ex).getSuggestions();
    if (s == null || s.isEmpty()) {
      return "";
    }
    java.util.List<String> shown = s.subList(0, Math.min(3, s.size()));
    return "; did you mean " + String.join(" or ", shown) + "?";
  }

  /** The subcommand's name, empty at the top level. */
  private static String commandName(CommandLine c) {
    return c.getParent() == null ? "" : c.getCommandSpec().name();
  }

  private static String prefix(String tool, CommandLine c) {
    String name = commandName(c);
    return tool + (name.isEmpty() ? "" : " " + name) + ": error: ";
  }

  static int exitCode(Throwable ex) {
    if (ex instanceof SignatureFailure) {
      return BAD_SIGNATURE;
    }
    if (ex instanceof InputException || ex instanceof IllegalArgumentException || ex instanceof IOException
        || ex instanceof UncheckedIOException || ex instanceof MemoryBoundException) {
      return INPUT;
    }
    return INTERNAL;
  }

  /** One line describing an error: the message, never a stack trace or secret material. */
  static String describe(Throwable ex) {
    if (ex instanceof UncheckedIOException && ex.getCause() != null) {
      ex = ex.getCause();
    }
    if (ex instanceof NoSuchFileException) {
      return ((NoSuchFileException) ex).getFile() + ": no such file";
    }
    if (ex instanceof FileAlreadyExistsException) {
      return ((FileAlreadyExistsException) ex).getFile() + ": already exists (refusing to overwrite)";
    }
    if (ex instanceof AccessDeniedException) {
      return ((AccessDeniedException) ex).getFile() + ": permission denied";
    }
    if (ex instanceof java.nio.charset.CharacterCodingException) {
      return "input is not valid UTF-8";
    }
    String m = ex.getMessage();
    if (exitCode(ex) == INTERNAL) {
      return "internal error: " + ex.getClass().getName() + (m == null ? "" : ": " + m.replace('\n', ' '));
    }
    return m == null ? ex.getClass().getSimpleName() : m.replace('\n', ' ');
  }

  /** Thrown when a report's signature does not verify (exit 4). */
  static final class SignatureFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SignatureFailure(String message) {
      super(message);
    }
  }

  /** Prints the tool version. */
  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"tracemark " + Version.TOOL};
    }
  }
}
