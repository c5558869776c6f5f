package io.tracemark.verifier.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Headless Chromium driven over the DevTools protocol (a WebSocket, with the JDK's HTTP client):
 * loads a page at a given viewport width, evaluates an expression in it, and records every network
 * request the page makes. One browser per instance, with a fresh profile directory that is deleted
 * on {@link #close}. Flags as root in a container need: {@code --no-sandbox}; the others keep the
 * browser from contacting anything on its own.
 */
final class HeadlessChromium implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  private final Process process;
  private final Path profile;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private volatile CompletableFuture<Void> loaded = new CompletableFuture<>();

  /** The Chromium executable: {@code /usr/bin/chromium} or {@code chromium} on the PATH, else null. */
  static Path executable() {
    List<Path> candidates = new ArrayList<>(List.of(Path.of("/usr/bin/chromium")));
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (!dir.isEmpty()) {
        candidates.add(Path.of(dir, "chromium"));
      }
    }
    return candidates.stream().filter(Files::isExecutable).findFirst().orElse(null);
  }

  HeadlessChromium(Path executable) throws Exception {
    profile = Files.createTempDirectory("tracemark-chromium");
    process = new ProcessBuilder(executable.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions",
        "--hide-scrollbars", "--remote-debugging-port=0", "--user-data-dir=" + profile, "about:blank")
        .redirectErrorStream(true).redirectOutput(profile.resolve("chromium.log").toFile()).start();
    try {
      int port = port();
      HttpClient http = HttpClient.newHttpClient();
      String page = null;
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (page == null && System.nanoTime() < deadline) {
        JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
            + "/json/list")).timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString()).body());
        for (JsonNode t : targets) {
          if (t.path("type").asText().equals("page")) {
            page = t.path("webSocketDebuggerUrl").asText();
          }
        }
        if (page == null) {
          Thread.sleep(100);
        }
      }
      if (page == null) {
        throw new IOException("chromium opened no page");
      }
      socket = http.newWebSocketBuilder().connectTimeout(TIMEOUT).buildAsync(URI.create(page), new Listener())
          .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      call("Network.enable", JSON.createObjectNode());
      call("Page.enable", JSON.createObjectNode());
    } catch (Exception e) {
      close();
      throw e;
    }
  }

  /** The DevTools port, from the DevToolsActivePort file Chromium writes into its profile. */
  private int port() throws IOException, InterruptedException {
    Path file = profile.resolve("DevToolsActivePort");
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("chromium exited with " + process.exitValue() + ": "
            + Files.readString(profile.resolve("chromium.log")));
      }
      if (Files.isRegularFile(file)) {
        List<String> lines = Files.readAllLines(file);
        if (!lines.isEmpty() && !lines.get(0).isBlank()) {
          return Integer.parseInt(lines.get(0).trim());
        }
      }
      Thread.sleep(100);
    }
    throw new IOException("chromium did not open its DevTools port");
  }

  /** Loads {@code url} in a viewport {@code width} × {@code height} CSS pixels and waits for its load event. */
  void load(String url, int width, int height, boolean mobile) throws Exception {
    ObjectNode metrics = JSON.createObjectNode().put("width", width).put("height", height).put("deviceScaleFactor", 1)
        .put("mobile", mobile);
    call("Emulation.setDeviceMetricsOverride", metrics);
    loaded = new CompletableFuture<>();
    call("Page.navigate", JSON.createObjectNode().put("url", url));
    loaded.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  /** Evaluates a JavaScript expression in the page and returns its value (JSON). */
  JsonNode evaluate(String expression) throws Exception {
    JsonNode r = call("Runtime.evaluate", JSON.createObjectNode().put("expression", expression)
        .put("returnByValue", true));
    if (r.has("exceptionDetails")) {
      throw new IllegalStateException("evaluating " + expression + ": " + r.get("exceptionDetails"));
    }
    return r.path("result").path("value");
  }

  /** A PNG screenshot of the viewport. */
  byte[] screenshot() throws Exception {
    JsonNode r = call("Page.captureScreenshot", JSON.createObjectNode().put("format", "png"));
    return java.util.Base64.getDecoder().decode(r.path("data").asText());
  }

  /** Every URL the page requested since it was created, in order. */
  List<String> requests() {
    return List.copyOf(requests);
  }

  private JsonNode call(String method, ObjectNode params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> f = new CompletableFuture<>();
    pending.put(id, f);
    ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
    msg.set("params", params);
    socket.sendText(JSON.writeValueAsString(msg), true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    JsonNode reply = f.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    if (reply.has("error")) {
      throw new IllegalStateException(method + ": " + reply.get("error"));
    }
    return reply.path("result");
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        try {
          JsonNode m = JSON.readTree(text);
          if (m.has("id")) {
            CompletableFuture<JsonNode> f = pending.remove(m.get("id").asInt());
            if (f != null) {
              f.complete(m);
            }
          } else if (m.path("method").asText().equals("Network.requestWillBeSent")) {
            requests.add(m.path("params").path("request").path("url").asText());
          } else if (m.path("method").asText().equals("Page.loadEventFired")) {
            loaded.complete(null);
          }
        } catch (IOException e) {
          pending.values().forEach(f -> f.completeExceptionally(e));
        }
      }
      webSocket.request(1);
      return null;
    }
  }

  @Override
  public void close() throws IOException {
    if (socket != null) {
      socket.abort();
    }
    // the browser and the helper processes it started (renderer, zygote, network service)
    List<ProcessHandle> started = new ArrayList<>(process.descendants().toList());
    started.add(0, process.toHandle());
    started.forEach(ProcessHandle::destroy);
    for (ProcessHandle p : started) {
      try {
        p.onExit().get(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        p.destroyForcibly();
      }
    }
    try (Stream<Path> files = Files.walk(profile)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.UncheckedIOException e) {
      // a file removed while walking: the profile directory is temporary, nothing is lost
    }
  }
}
