package io.tracemark.examples;

import io.tracemark.examples.demo.Demo;

/** Entry point of the examples jar. */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    Demo.run(Demo.Config.defaults(args.length > 1 ? Long.parseLong(args[1]) : 42), System.out);
  }
}
