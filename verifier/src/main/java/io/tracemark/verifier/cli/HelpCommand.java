package io.tracemark.verifier.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code tracemark help [schemes|COMMAND]}. */
@Command(name = "help", mixinStandardHelpOptions = true, description = "Shows usage of a command, or 'help schemes' for scheme specifications.")
final class HelpCommand implements Callable<Integer> {
  @Parameters(arity = "0..1", paramLabel = "TOPIC", description = "schemes, or a command name")
  String topic;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  static final String SCHEMES = String.join("\n",
      "Scheme specifications (--scheme SPEC)",
      "",
      "  kgw:gamma=G,delta=D,h=H[,seeding=left|self][,candidates=C][,payload=B[,symbol-bits=R]]",
      "",
      "  The keyed green-list watermark (Kirchenbauer et al.), tracemark PRF format v1.",
      "  A fraction gamma of the vocabulary is green in each context; generation adds delta",
      "  to green logits; detection counts green tokens among distinct (window, token) tuples.",
      "",
      "  parameter   default  meaning",
      "  gamma       0.25     green fraction, in (0, 1); the expected green rate of text without the watermark",
      "  delta       2        bias added to green logits (detection does not depend on it)",
      "  h           1        context width: tokens before a position that seed its green list",
      "                       (0 = one fixed green list, 'Unigram'; at most 64)",
      "  seeding     left     left: the last h tokens seed the list; self: self-hash (the candidate",
      "                       token is part of its own seed; needs h >= 1)",
      "  candidates  40       self seeding only: top-logit candidates tested during generation",
      "  payload     none     b bits (1-32) of a message, e.g. a tenant number, carried by every answer;",
      "                       'detect' decodes it from a text, 'verify' from a corpus",
      "                       (docs/payload.md); seeding=left only",
      "  symbol-bits 2        payload only: bits per symbol r (1-8) dividing b; gamma = 2^-r",
      "",
      "  The family prefix 'kgw:' is optional; parameters may come in any order. Examples:",
      "    kgw:gamma=0.25,delta=2,h=1",
      "    kgw:gamma=0.25,delta=2,h=4,seeding=self",
      "    kgw:gamma=0.5,h=0",
      "    kgw:payload=20,symbol-bits=2,delta=2,h=1",
      "",
      "  The canonical form (every parameter, fixed order) is what reports record.",
      "",
      "Interoperability profiles (text watermarked by other systems; the key is a parameter",
      "of the SPEC, so --key is not used, and reports show the SPEC with the key as ***):",
      "",
      "  lmw:seeding=lefthash|selfhash|minhash|skipgram|ff-<prf>-<h>-<True|False>,vocab=V[,gamma=0.25]",
      "      [,delta=2][,hash-key=15485863][,ignore-repeated-ngrams=true][,bos-token-id=ID]",
      "      jwkirchenbauer/lm-watermarking (green lists as PyTorch draws them on a CPU)",
      "  hf:seeding=lefthash|selfhash,vocab=V[,context-width=1][,gamma=0.25][,delta=2][,hash-key=15485863]",
      "      Hugging Face transformers WatermarkLogitsProcessor (CPU green lists)",
      "  vllm:algorithm=gumbel|dual_key_gumbel,key=K[,context-width=4][,vocab=V]",
      "      vLLM's Gumbel watermark (philox4x32-10-v1 PRF); score sums with gamma p-values",
      "",
      "  Green lists drawn on a GPU by lm-watermarking or transformers cannot be reproduced: a",
      "  'not detected' result on such text means nothing. See docs/interop.md for every parameter.",
      "",
      "Deduplication (--dedup): window+token (default; each distinct tuple scored once),",
      "  window (each distinct window once), none (every position; p-values not exact on",
      "  repetitive text).");

  @Override
  public Integer call() {
    CommandLine root = spec.commandLine().getParent();
    if (topic == null) {
      root.usage(spec.commandLine().getOut());
      return Tracemark.OK;
    }
    if (topic.equals("schemes")) {
      spec.commandLine().getOut().println(SCHEMES);
      return Tracemark.OK;
    }
    CommandLine sub = root.getSubcommands().get(topic);
    if (sub == null) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "unknown help topic '" + topic + "' (known: schemes, " + String.join(", ", root.getSubcommands().keySet())
              + ")");
    }
    sub.usage(spec.commandLine().getOut());
    return Tracemark.OK;
  }
}
