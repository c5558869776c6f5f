package io.tracemark.examples.traffic;

import io.tracemark.examples.corpus.BrownCorpus;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

/**
 * The text the simulated requests are made of: sentences and passages of the bundled Brown corpus
 * framed by human-style tasks for benign users, a few fixed task templates for benign batch jobs,
 * and the templated, chain-of-thought-eliciting sweeps of the extraction campaigns, each over a
 * narrow capability. Immutable after construction and thread-safe; every draw takes the caller's
 * generator, so a prompt is a function of that generator's state.
 */
final class PromptBank {
  private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+(?=[A-Z\"'(])");
  private static final Pattern WORD = Pattern.compile("[a-z]{4,12}");

  /** Human tasks around a sentence ({@code %s}). */
  private static final String[] SENTENCE_TASKS = {
      "%s",
      "Can you explain what this means? \"%s\"",
      "Rewrite this more clearly: %s",
      "Translate to French: %s",
      "translate into spanish pls: %s",
      "Is this grammatically correct? %s",
      "Help me make this sound less formal: %s",
      "Fix the spelling and punctuation: %s",
      "Who might have written this, and when? %s",
      "explain like I'm five: %s",
      "Make a haiku inspired by: %s",
      "What is a good title for a story that starts with: %s",
      "Paraphrase: %s",
      "is this sentence too long? %s",
  };

  /** Human tasks around a passage of a few sentences ({@code %s}). */
  private static final String[] PASSAGE_TASKS = {
      "Summarize this in one sentence: %s",
      "Give me three questions a reader might ask about this:\n\n%s",
      "What is the tone of this passage? %s",
      "Write a short reply to this email:\n%s",
      "Continue the story:\n%s",
      "Write a headline for this article: %s",
      "List the key facts in the following text.\n%s",
      "TL;DR? %s",
      "Turn this into bullet points: %s",
      "Proofread my draft:\n\n%s",
  };

  /** Short human questions about words ({@code %1$s}, {@code %2$s}). */
  private static final String[] WORD_QUESTIONS = {
      "what's the difference between %s and %s",
      "Tell me something interesting about %s.",
      "ideas for a %s themed party with a %s",
      "is %s a real word",
      "How do you pronounce %s?",
      "Give me a synonym for %s that is not %s.",
      "write a limerick about a %s and a %s",
      "Where does the word %s come from?",
      "best books about %s?",
  };

  /** Phrases that ask for the model's reasoning: campaigns use them always, some people now and then. */
  static final String[] REASONING_PHRASES = {
      "Think step by step and show your reasoning before giving the final answer.",
      "Explain your chain of thought in detail, then answer.",
      "Show your reasoning step by step.",
      "Let's think step by step.",
      "Walk through your reasoning carefully before you answer.",
  };

  /** What a person sometimes appends: reasoning requests are not a campaign's alone. */
  private static final String[] HUMAN_REASONING = {"Let's think step by step.", "Please explain your reasoning.",
      "show your work"};

  /** Benign batch jobs: one fixed template per job, over a sentence ({@code %s}). */
  private static final String[] BATCH_TEMPLATES = {
      "Classify the sentiment of this customer review as positive, negative or neutral. Review: %s",
      "Extract every person, place and organization named in the following text as JSON. Text: %s",
      "Translate the following product description into German, keeping the formatting: %s",
      "Assign one topic label (politics, sports, business, science, arts, other) to: %s",
      "Rewrite the following support ticket as a one-line summary for the queue: %s",
      "Does the following sentence contain personal data? Answer yes or no. Sentence: %s",
      "Generate alt text for an image described as: %s",
      "Correct the OCR errors in this line and return only the corrected line: %s",
  };

  private final String[] sentences;
  private final String[] words;

  private PromptBank(String[] sentences, String[] words) {
    this.sentences = sentences;
    this.words = words;
  }

  /** The bank over the bundled Brown corpus (its sentences of 5 to 60 words, and its words). */
  static PromptBank brown() {
    List<String> s = new ArrayList<>();
    java.util.Set<String> w = new java.util.TreeSet<>();
    for (BrownCorpus.Document d : BrownCorpus.documents()) {
      for (String paragraph : d.paragraphs()) {
        for (String sentence : SENTENCE_END.split(paragraph.strip())) {
          int n = sentence.split("\\s+").length;
          if (n >= 5 && n <= 60) {
            s.add(sentence);
          }
        }
        var m = WORD.matcher(paragraph);
        while (m.find()) {
          w.add(m.group());
        }
      }
    }
    return new PromptBank(s.toArray(String[]::new), w.toArray(String[]::new));
  }

  /** Number of sentences the bank draws from. */
  int sentences() {
    return sentences.length;
  }

  private String sentence(SplittableRandom r) {
    return sentences[r.nextInt(sentences.length)];
  }

  private String passage(SplittableRandom r) {
    int first = r.nextInt(sentences.length);
    int n = 2 + r.nextInt(4);
    StringBuilder b = new StringBuilder(sentences[first]);
    for (int i = 1; i < n && first + i < sentences.length && b.length() < 600; i++) {
      b.append(' ').append(sentences[first + i]);
    }
    return b.toString();
  }

  String word(SplittableRandom r) {
    return words[r.nextInt(words.length)];
  }

  /**
   * A person's request: a Brown sentence or passage framed by one of many tasks, or a short
   * question; sometimes lower-cased, and with probability {@code reasoning} followed by a request
   * for reasoning.
   */
  String human(SplittableRandom r, double reasoning) {
    double u = r.nextDouble();
    String p;
    if (u < 0.45) {
      p = String.format(Locale.ROOT, SENTENCE_TASKS[r.nextInt(SENTENCE_TASKS.length)], sentence(r));
    } else if (u < 0.8) {
      p = String.format(Locale.ROOT, PASSAGE_TASKS[r.nextInt(PASSAGE_TASKS.length)], passage(r));
    } else {
      p = String.format(Locale.ROOT, WORD_QUESTIONS[r.nextInt(WORD_QUESTIONS.length)], word(r), word(r));
    }
    if (r.nextDouble() < 0.15) {
      p = p.toLowerCase(Locale.ROOT);
    }
    if (r.nextDouble() < reasoning) {
      p = p + " " + HUMAN_REASONING[r.nextInt(HUMAN_REASONING.length)];
    }
    return p;
  }

  /** Number of batch templates. */
  static int batchTemplates() {
    return BATCH_TEMPLATES.length;
  }

  /** A benign batch job's request: its own template over a Brown sentence. */
  String batch(int template, SplittableRandom r) {
    return String.format(Locale.ROOT, BATCH_TEMPLATES[template], sentence(r));
  }

  /**
   * A campaign's request number {@code item} of its systematic sweep: the item picks the template
   * and its parameters in mixed radix, so consecutive items walk the grid; {@code focus} is the
   * capability swept (0 arithmetic word problems, 1 code, 2 logic puzzles). Every request asks
   * for the reasoning.
   */
  String sweep(int focus, long item, SplittableRandom r) {
    long i = item;
    int a = (int) (i % 97) + 3;
    i /= 97;
    int b = (int) (i % 89) + 2;
    i /= 89;
    String why = REASONING_PHRASES[(int) (i % REASONING_PHRASES.length)];
    i /= REASONING_PHRASES.length;
    int t = (int) (i % 3);
    String w1 = word(r);
    String w2 = word(r);
    return switch (focus) {
      case 0 -> switch (t) {
        case 0 -> String.format(Locale.ROOT, "Problem %d: One %s costs %d dollars and one %s costs %d dollars. How much"
            + " do %d of each cost together? %s", item, w1, a, w2, b, a + b, why);
        case 1 -> String.format(Locale.ROOT, "Solve: what is %d times %d minus %d? %s", a, b, a + b, why);
        default -> String.format(Locale.ROOT, "A train travels %d km in %d hours. At the same speed, how far does"
            + " it travel in %d hours? %s", a * 10, b, a, why);
      };
      case 1 -> switch (t) {
        case 0 -> String.format(Locale.ROOT, "Write a Python function that sorts a list of %d records of type %s by %s."
            + " %s", a, w1, w2, why);
        case 1 -> String.format(Locale.ROOT, "Implement in Java a method that returns the %d-th %s number"
            + " modulo %d. %s", a, w1, b, why);
        default -> String.format(Locale.ROOT, "Find the bug in this function: def %s(xs): return xs[%d] + %d."
            + " %s", w1, a, b, why);
      };
      default -> switch (t) {
        case 0 -> String.format(Locale.ROOT, "Puzzle %d: %d cards marked %s and %d cards marked %s lie in a"
            + " row; no two %s cards are adjacent. How many arrangements are there? %s", item, a % 7 + 2, w1,
            b % 5 + 2, w2, w1, why);
        case 1 -> String.format(Locale.ROOT, "If every %s is a %s and %d things called %s are not %s, what"
            + " follows? %s", w1, w2, a, w2, w1, why);
        default -> String.format(Locale.ROOT, "A bag holds %d red and %d blue balls. What is the chance of"
            + " drawing two red ones without replacement? %s", a, b, why);
      };
    };
  }
}
