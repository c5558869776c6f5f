package io.tracemark.verifier.internal;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Maps inputs to outputs on worker threads and hands the outputs back in submission order: the
 * result (or the exception) of the n-th input submitted is the n-th {@link #next()}, whatever the
 * number of threads, so a parallel run is indistinguishable from a sequential one. With one thread
 * the function runs on the calling thread, at {@link #submit}. The caller bounds the work in
 * flight ({@link #inFlight()}). The workers are a {@link TaskGroup}: {@link #close()} stops them
 * (each finishes the input at hand) and waits for them. Used by one coordinating thread.
 *
 * @param <A> the input type
 * @param <B> the output type
 */
public final class OrderedParallelMap<A, B> implements AutoCloseable {
  private record Item<A, B>(A input, CompletableFuture<B> output) {}

  private final Function<A, B> function;
  private final TaskGroup group;
  private final BlockingQueue<Item<A, B>> work = new LinkedBlockingQueue<>();
  private final ArrayDeque<CompletableFuture<B>> order = new ArrayDeque<>();

  /**
   * A map.
   *
   * @param threads worker threads; 1 runs everything on the calling thread
   * @param executor the caller's executor, or null for threads of its own
   * @param name prefix of the names of its own threads
   */
  public OrderedParallelMap(int threads, Executor executor, String name, Function<A, B> function) {
    this.function = Objects.requireNonNull(function, "function");
    if (threads <= 1) {
      this.group = null;
      return;
    }
    this.group = new TaskGroup(executor, name);
    for (int i = 0; i < threads; i++) {
      group.start(() -> {
        while (!group.cancelled()) {
          Item<A, B> item = work.poll(100, TimeUnit.MILLISECONDS);
          if (item == null) {
            continue;
          }
          try {
            item.output().complete(function.apply(item.input()));
          } catch (Throwable e) {
            item.output().completeExceptionally(e);
          }
        }
      });
    }
  }

  /** Queues an input (with one thread: maps it now). */
  public void submit(A input) {
    CompletableFuture<B> f = new CompletableFuture<>();
    if (group == null) {
      try {
        f.complete(function.apply(input));
      } catch (RuntimeException | Error e) {
        f.completeExceptionally(e);
      }
    } else {
      work.add(new Item<>(input, f));
    }
    order.addLast(f);
  }

  /** Inputs submitted whose output has not been taken. */
  public int inFlight() {
    return order.size();
  }

  /**
   * The output of the oldest input not yet taken, waiting for it; its exception is rethrown as it
   * is (a runtime exception or error).
   *
   * @throws java.util.NoSuchElementException when nothing is in flight
   * @throws IllegalStateException when interrupted while waiting (the interrupt status is kept)
   */
  public B next() {
    CompletableFuture<B> f = order.removeFirst();
    try {
      return f.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      throw new IllegalStateException(cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading", e);
    }
  }

  /** Drops the work in flight, stops the workers and waits for them (idempotent). */
  @Override
  public void close() {
    work.clear();
    order.clear();
    if (group != null) {
      group.cancel();
      group.close();
    }
  }
}
