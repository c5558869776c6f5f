package io.tracemark.examples.demo;

import io.tracemark.examples.loop.SamplingLoop;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Answers a list of prompts with one sampling loop, in parallel, reproducibly: prompt i draws from
 * its own generator {@code Seeds.stream(seed, purpose, i)}, so the answers do not depend on the
 * number of threads.
 */
public final class Answers {
  private Answers() {}

  /** The answer tokens (without the prompt) of each prompt, in prompt order. */
  public static List<int[]> generate(SamplingLoop loop, List<int[]> prompts, int maxNewTokens, long seed,
      String purpose, ExecutorService pool) {
    int chunks = Math.max(1, Math.min(prompts.size(), 64));
    List<Future<List<int[]>>> futures = new ArrayList<>();
    for (int c = 0; c < chunks; c++) {
      int from = (int) ((long) prompts.size() * c / chunks);
      int to = (int) ((long) prompts.size() * (c + 1) / chunks);
      futures.add(pool.submit(() -> {
        List<int[]> out = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
          int[] prompt = prompts.get(i);
          int[] all = loop.generate(prompt, maxNewTokens, Seeds.stream(seed, purpose, i));
          out.add(Arrays.copyOfRange(all, prompt.length, all.length));
        }
        return out;
      }));
    }
    List<int[]> answers = new ArrayList<>(prompts.size());
    for (Future<List<int[]>> f : futures) {
      answers.addAll(join(f));
    }
    return answers;
  }

  static <T> T join(Future<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(cause);
    }
  }
}
