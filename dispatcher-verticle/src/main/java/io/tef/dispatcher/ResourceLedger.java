package io.tef.dispatcher;

import io.tef.core.resource.ResourceDefinition;
import io.tef.core.resource.ResourceHold;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who holds which resource, as this dispatcher knows it: its own holders exactly, and the slots
 * other dispatchers hold as last read from the store. A task takes all its resources or none;
 * a name never defined is unlimited and takes nothing. Pure bookkeeping: the store write that
 * makes a hold true across dispatchers is the caller's.
 */
final class ResourceLedger {

  /** Slot of a hold on a resource that is unlimited right now: counted, never written. */
  static final int UNCOUNTED_SLOT = -1;

  private final Map<String, ResourceDefinition> definitions = new HashMap<>();
  /** This dispatcher's holds by task attempt ({@code guid#attempt}). */
  private final Map<String, List<ResourceHold>> byAttempt = new HashMap<>();
  /** This dispatcher's holds by resource. */
  private final Map<String, List<ResourceHold>> byResource = new HashMap<>();
  /** Slots held by other dispatchers, by resource. */
  private final Map<String, Set<Integer>> foreign = new HashMap<>();

  void define(ResourceDefinition def) {
    definitions.put(def.name(), def);
  }

  void undefine(String name) {
    definitions.remove(name);
  }

  ResourceDefinition definition(String name) {
    return definitions.get(name);
  }

  Collection<ResourceDefinition> definitions() {
    return definitions.values();
  }

  boolean hasWindows() {
    return definitions.values().stream().anyMatch(d -> !d.windows().isEmpty());
  }

  /**
   * Reserves every resource the task names for this attempt, or nothing: returns the holds, or
   * null when one of them is not free at {@code now}. The first resource found busy is put in
   * {@code blockedOn}.
   */
  List<ResourceHold> reserve(String guid, int attempt, List<String> names, String owner, Instant now, StringBuilder blockedOn) {
    List<ResourceHold> holds = new ArrayList<>();
    for (String name : names) {
      ResourceDefinition def = definitions.get(name);
      if (def == null) {
        continue;
      }
      ResourceDefinition.Effective eff = def.at(now);
      if (!eff.admits(held(name))) {
        blockedOn.append(name);
        return null;
      }
      holds.add(new ResourceHold(name, eff.limit() == ResourceDefinition.UNLIMITED ? UNCOUNTED_SLOT : freeSlot(name, eff.limit()),
          guid, attempt, owner, now));
    }
    for (ResourceHold h : holds) {
      byAttempt.computeIfAbsent(key(guid, attempt), g -> new ArrayList<>()).add(h);
      byResource.computeIfAbsent(h.resource(), r -> new ArrayList<>()).add(h);
    }
    return holds;
  }

  /** Drops the holds of a task's attempt; returns them (the caller frees their slots in the store). */
  List<ResourceHold> release(String guid, int attempt) {
    List<ResourceHold> holds = byAttempt.remove(key(guid, attempt));
    if (holds == null) {
      return List.of();
    }
    for (ResourceHold h : holds) {
      List<ResourceHold> list = byResource.get(h.resource());
      list.remove(h);
      if (list.isEmpty()) {
        byResource.remove(h.resource());
      }
    }
    return holds;
  }

  /** The holds other dispatchers have, as just read from the store. */
  void foreignHolds(Collection<ResourceHold> holds) {
    foreign.clear();
    for (ResourceHold h : holds) {
      foreign.computeIfAbsent(h.resource(), r -> new HashSet<>()).add(h.slot());
    }
  }

  void foreignTaken(String resource, int slot) {
    foreign.computeIfAbsent(resource, r -> new HashSet<>()).add(slot);
  }

  void foreignReleased(String resource, int slot) {
    Set<Integer> slots = foreign.get(resource);
    if (slots != null) {
      slots.remove(slot);
    }
  }

  /** Holders of a resource, this dispatcher's and others'. */
  int held(String name) {
    return byResource.getOrDefault(name, List.of()).size() + foreign.getOrDefault(name, Set.of()).size();
  }

  List<ResourceHold> localHolds(String name) {
    return List.copyOf(byResource.getOrDefault(name, List.of()));
  }

  private static String key(String guid, int attempt) {
    return guid + "#" + attempt;
  }

  private int freeSlot(String name, int limit) {
    Set<Integer> used = new HashSet<>(foreign.getOrDefault(name, Set.of()));
    byResource.getOrDefault(name, List.of()).forEach(h -> used.add(h.slot()));
    for (int slot = 0; slot < limit; slot++) {
      if (!used.contains(slot)) {
        return slot;
      }
    }
    // Fewer holders than the limit but the low slots taken (the limit just went down): count, do not write.
    return UNCOUNTED_SLOT;
  }
}
