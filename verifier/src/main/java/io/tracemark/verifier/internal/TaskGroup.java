package io.tracemark.verifier.internal;

import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A group of tasks run on an {@link Executor} (the caller's, or one daemon thread per task) and
 * stopped and awaited as one. Stopping is cooperative: a task polls {@link #cancelled()} between
 * units of work (and waits on queues with a timeout), so that the group works on any executor,
 * including one whose threads the group may not interrupt.
 *
 * <p>The first failure of a task is kept ({@link #failure()}) and cancels the group. {@link
 * #close()} cancels the tasks unless they all ended on their own, and waits for every started task
 * to end, even when the calling thread is interrupted meanwhile (its interrupt status is kept).
 * Used by one coordinating thread; the tasks may call {@link #cancelled()} and {@link #fail}.
 */
public final class TaskGroup implements AutoCloseable {
  private static final AtomicInteger GROUPS = new AtomicInteger();

  /** A unit of work of the group. */
  @FunctionalInterface
  public interface Task {
    /** Runs until done or until the group is {@linkplain TaskGroup#cancelled() cancelled}. */
    void run() throws Exception;
  }

  private final Executor executor;
  private final String name;
  private final AtomicBoolean cancelled = new AtomicBoolean();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final AtomicInteger running = new AtomicInteger();
  private final Object lock = new Object();
  private final java.util.List<Thread> threads = new java.util.ArrayList<>();
  private int started;

  /**
   * A group.
   *
   * @param executor the caller's executor, or null for one daemon thread per task
   * @param name prefix of the threads' names when the group makes its own
   */
  public TaskGroup(Executor executor, String name) {
    this.name = Objects.requireNonNull(name, "name") + "-" + GROUPS.incrementAndGet() + "-";
    this.executor = executor;
  }

  /** Starts a task; a task that throws fails (and cancels) the group. */
  public void start(Task task) {
    Objects.requireNonNull(task, "task");
    int index = started++;
    running.incrementAndGet();
    Runnable r = () -> {
      try {
        task.run();
      } catch (Throwable e) {
        fail(e);
      } finally {
        if (running.decrementAndGet() == 0) {
          synchronized (lock) {
            lock.notifyAll();
          }
        }
      }
    };
    try {
      if (executor == null) {
        Thread t = new Thread(r, name + index);
        t.setDaemon(true);
        threads.add(t);
        t.start();
      } else {
        executor.execute(r);
      }
    } catch (RuntimeException | Error e) {
      running.decrementAndGet();
      cancel();
      throw e;
    }
  }

  /** Records a failure (the first one is kept) and cancels the group. */
  public void fail(Throwable e) {
    failure.compareAndSet(null, e);
    cancel();
  }

  /** Asks every task to stop. */
  public void cancel() {
    cancelled.set(true);
  }

  /** Whether the tasks should stop (a task failed, or the group was cancelled). */
  public boolean cancelled() {
    return cancelled.get();
  }

  /** The first failure of a task, or null. */
  public Throwable failure() {
    return failure.get();
  }

  /** Waits until every started task has ended (and the group's own threads with them). */
  public void await() throws InterruptedException {
    synchronized (lock) {
      while (running.get() > 0) {
        lock.wait(100);
      }
    }
    for (Thread t : threads) {
      t.join();
    }
  }

  /**
   * Rethrows the first failure of a task: a runtime exception or error as it is, anything else
   * wrapped in an {@link IllegalStateException} saying what failed.
   */
  public void rethrow(String what) {
    Throwable f = failure.get();
    if (f instanceof RuntimeException) {
      throw (RuntimeException) f;
    }
    if (f instanceof Error) {
      throw (Error) f;
    }
    if (f != null) {
      throw new IllegalStateException(what + " failed", f);
    }
  }

  /** Cancels the tasks still running and waits for all of them to end, keeping the interrupt status. */
  @Override
  public void close() {
    if (running.get() > 0) {
      cancel();
    }
    boolean interrupted = false;
    boolean done = false;
    while (!done) {
      try {
        await();
        done = true;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
