package io.tracemark.verifier.monitor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jgrapht.Graph;
import org.jgrapht.alg.connectivity.ConnectivityInspector;
import org.jgrapht.graph.DefaultEdge;
import org.jgrapht.graph.SimpleGraph;

/**
 * The coordination graph: accounts 0 … n−1 and one vertex per shared thing (an address, a payment
 * instrument, a repeated template, a timing band key), an edge from each account to each thing it used; the clusters
 * are the connected components with two accounts or more (JGraphT), so a campaign spread over many
 * accounts that each look clean is one cluster when they share anything. Not thread-safe.
 */
final class Coordination {
  /**
   * A cluster.
   *
   * @param members its accounts' indices, ascending
   * @param kinds what links them (kinds of the things two or more of its accounts share), sorted
   */
  record Component(List<Integer> members, List<String> kinds) {}

  private final int accounts;
  private final Graph<Integer, DefaultEdge> graph = new SimpleGraph<>(DefaultEdge.class);
  private final Map<Integer, String> kind = new HashMap<>();
  private int next;

  Coordination(int accounts) {
    this.accounts = accounts;
    this.next = accounts;
  }

  /** A new vertex for a shared thing. */
  int vertex() {
    return next++;
  }

  /** Links account {@code account} to thing {@code thing} of kind {@code what}. */
  void link(int account, int thing, String what) {
    kind.put(thing, what);
    graph.addVertex(account);
    graph.addVertex(thing);
    graph.addEdge(account, thing);
  }

  /** The components with two accounts or more, in order of their smallest account. */
  List<Component> components() {
    List<Component> out = new ArrayList<>();
    for (Set<Integer> set : new ConnectivityInspector<>(graph).connectedSets()) {
      List<Integer> members = set.stream().filter(v -> v < accounts).sorted().toList();
      if (members.size() < 2) {
        continue;
      }
      Set<String> kinds = new TreeSet<>();
      for (int v : set) {
        if (v >= accounts && graph.degreeOf(v) >= 2) {
          kinds.add(kind.get(v));
        }
      }
      out.add(new Component(members, List.copyOf(kinds)));
    }
    out.sort((a, b) -> Integer.compare(a.members().get(0), b.members().get(0)));
    return out;
  }
}
