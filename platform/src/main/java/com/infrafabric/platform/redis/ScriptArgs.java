package com.infrafabric.platform.redis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The ARGV of one Lua script, declared once by name: the Java side fills {@link Values} by name,
 * and the Lua side reads {@code ARGV[ARG_<NAME>]} through constants {@link LuaScript} generates
 * from this declaration and puts before the script's text. Neither side spells a position, so the
 * two cannot disagree, and adding an argument is one more name here.
 *
 * <p>Three kinds of entries, in call order:
 *
 * <ul>
 *   <li>a name: {@code local ARG_AMOUNT = 13};
 *   <li>a group of names that a Lua function reads together: {@code local ARG_SPEND = {amount = 14,
 *       model = 15}}, filled in Java as {@code spend.amount}, {@code spend.model};
 *   <li>a rest, last: a variable number of values, {@code local ARG_CAPS = 3} being the first.
 * </ul>
 *
 * Immutable and thread-safe; {@link Values} is not.
 */
public final class ScriptArgs {

  /** A script that takes no arguments. */
  public static final ScriptArgs NONE = new ScriptArgs(List.of(), null);

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");

  private final List<Entry> entries;
  private final String rest;
  private final List<String> names;

  /** The position of each fixed argument in {@link #names}, by name. */
  private final Map<String, Integer> positions;

  private ScriptArgs(List<Entry> entries, String rest) {
    this.entries = List.copyOf(entries);
    this.rest = rest;
    List<String> seen = new ArrayList<>();
    for (Entry entry : entries) {
      checkNew(seen, entry.name());
    }
    if (rest != null) {
      checkNew(seen, rest);
    }
    this.names = flatNames(entries);
    Map<String, Integer> positions = new HashMap<>();
    for (int i = 0; i < names.size(); i++) {
      positions.put(names.get(i), i);
    }
    this.positions = Map.copyOf(positions);
  }

  /** Named arguments, in call order. */
  public static ScriptArgs of(String... names) {
    return NONE.then(names);
  }

  /** These arguments, then {@code names}. */
  public ScriptArgs then(String... names) {
    List<Entry> more = new ArrayList<>(entries);
    for (String name : names) {
      more.add(new Entry(name, List.of()));
    }
    return with(more);
  }

  /** These arguments, then {@code more}'s (which may end with a rest). */
  public ScriptArgs then(ScriptArgs more) {
    List<Entry> all = new ArrayList<>(entries);
    all.addAll(more.entries);
    if (rest != null) {
      throw new IllegalArgumentException("nothing can follow the rest argument " + rest);
    }
    return new ScriptArgs(all, more.rest);
  }

  /** These arguments, then a group of {@code members} a Lua function reads as one table. */
  public ScriptArgs group(String name, List<String> members) {
    if (members.isEmpty()) {
      throw new IllegalArgumentException("argument group " + name + " has no members");
    }
    List<String> seen = new ArrayList<>();
    members.forEach(member -> checkNew(seen, member));
    List<Entry> more = new ArrayList<>(entries);
    more.add(new Entry(name, List.copyOf(members)));
    return with(more);
  }

  /** These arguments, then any number of values; the Lua constant is the index of the first. */
  public ScriptArgs rest(String name) {
    if (rest != null) {
      throw new IllegalArgumentException(
          "a script has one rest argument, not " + rest + " and " + name);
    }
    return new ScriptArgs(entries, name);
  }

  /**
   * The Java names of every fixed argument in call order; a group's members as {@code
   * group.member}.
   */
  public List<String> names() {
    return names;
  }

  private static List<String> flatNames(List<Entry> entries) {
    List<String> names = new ArrayList<>();
    for (Entry entry : entries) {
      if (entry.members().isEmpty()) {
        names.add(entry.name());
      } else {
        entry.members().forEach(member -> names.add(entry.name() + '.' + member));
      }
    }
    return List.copyOf(names);
  }

  /** The Lua declarations of every argument's position, one {@code local} a line. */
  public String luaConstants() {
    StringBuilder lua = new StringBuilder();
    int position = 1;
    for (Entry entry : entries) {
      lua.append("local ").append(luaName(entry.name())).append(" = ");
      if (entry.members().isEmpty()) {
        lua.append(position++);
      } else {
        List<String> fields = new ArrayList<>();
        for (String member : entry.members()) {
          fields.add(member + " = " + position++);
        }
        lua.append('{').append(String.join(", ", fields)).append('}');
      }
      lua.append('\n');
    }
    if (rest != null) {
      lua.append("local ").append(luaName(rest)).append(" = ").append(position).append('\n');
    }
    return lua.toString();
  }

  /** The Lua constant of an argument: {@code ARG_} and its name in capitals. */
  public static String luaName(String name) {
    return "ARG_" + name.toUpperCase(Locale.ROOT);
  }

  /** Empty values for one call, to fill by name. */
  public Values values() {
    return new Values();
  }

  private ScriptArgs with(List<Entry> more) {
    if (rest != null) {
      throw new IllegalArgumentException("nothing can follow the rest argument " + rest);
    }
    return new ScriptArgs(more, null);
  }

  private static void checkNew(List<String> seen, String name) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "script argument name " + name + " is not [a-z][a-z0-9_]*");
    }
    if (seen.contains(name)) {
      throw new IllegalArgumentException("script argument " + name + " is declared twice");
    }
    seen.add(name);
  }

  /** One argument or group. */
  private record Entry(String name, List<String> members) {}

  /**
   * The values of one call. Every declared argument must be set exactly once before {@link
   * #list()}; setting one that is not declared fails at once, naming it.
   */
  public final class Values {

    /**
     * Each argument's value at its position: an array, not a map, as this is filled on every script
     * call and a map's entries and resizing were most of what a call allocated here.
     */
    private final String[] slots = new String[names.size()];

    private List<String> restValues = List.of();

    private Values() {}

    /** Sets {@code name} (a group member as {@code group.member}). */
    public Values put(String name, String value) {
      Objects.requireNonNull(value, name);
      Integer position = positions.get(name);
      if (position == null) {
        throw new IllegalArgumentException("script argument " + name + " is not declared");
      }
      if (slots[position] != null) {
        throw new IllegalArgumentException("script argument " + name + " is set twice");
      }
      slots[position] = value;
      return this;
    }

    /** Sets {@code name} to a decimal integer. */
    public Values put(String name, long value) {
      return put(name, Long.toString(value));
    }

    /** Sets the rest argument's values. */
    public Values rest(List<String> values) {
      if (rest == null) {
        throw new IllegalArgumentException("this script declares no rest argument");
      }
      restValues = List.copyOf(values);
      return this;
    }

    /** The ARGV of the call, in declared order. */
    public List<String> list() {
      List<String> argv = new ArrayList<>(slots.length + restValues.size());
      for (int i = 0; i < slots.length; i++) {
        if (slots[i] == null) {
          throw new IllegalStateException("script argument " + names.get(i) + " is not set");
        }
        argv.add(slots[i]);
      }
      argv.addAll(restValues);
      return argv;
    }
  }
}
