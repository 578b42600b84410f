package com.infrafabric.chassis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The precedence of a tool's version labels: SemVer 2.0.0's (section 11), made total over every
 * label a contract accepts ({@code [0-9A-Za-z][0-9A-Za-z.+-]{0,31}}, which SemVer strings are a
 * part of), so "the highest version" is always defined and a SemVer label never ranks by accident.
 *
 * <p>A label is {@code release[-pre-release][+build]}: build metadata (from the first {@code +}) is
 * ignored; a pre-release (from the first {@code -}) ranks below its release ({@code 1.0.1-rc <
 * 1.0.1}). Both parts are dot-separated identifiers compared left to right: digits-only ones
 * numerically ({@code 1.10 > 1.9}; leading zeros carry no weight), below any other identifier,
 * which compare as ASCII text. A release missing identifiers is read with zeros ({@code 1.2 ==
 * 1.2.0}); a pre-release with more identifiers ranks higher once the shared ones are equal. Labels
 * of equal precedence ({@code 1.0.1}, {@code 1.00.1}, {@code 1.0.1+b}) share one {@link #key}, so
 * the chassis registers only one of them per tool.
 *
 * @param release the release identifiers, numeric ones without leading zeros, trailing zeros
 *     dropped
 * @param preRelease the pre-release identifiers, numeric ones without leading zeros; empty for a
 *     release
 */
public record VersionPrecedence(List<String> release, List<String> preRelease)
    implements Comparable<VersionPrecedence> {

  /**
   * Labels by ascending precedence; labels of equal precedence (registered before the chassis
   * refused them) by plain text, so the choice between them is still the same on every node.
   */
  public static final Comparator<String> LABELS =
      Comparator.comparing(VersionPrecedence::of).thenComparing(Comparator.naturalOrder());

  private static final Pattern NUMERIC = Pattern.compile("[0-9]+");
  private static final Pattern DOT = Pattern.compile("\\.");

  public VersionPrecedence {
    release = List.copyOf(release);
    preRelease = List.copyOf(preRelease);
  }

  /** The precedence of {@code label}; total: every string has one. */
  public static VersionPrecedence of(String label) {
    int plus = label.indexOf('+');
    String version = plus < 0 ? label : label.substring(0, plus);
    int dash = version.indexOf('-');
    List<String> release = identifiers(dash < 0 ? version : version.substring(0, dash));
    while (!release.isEmpty() && release.get(release.size() - 1).equals("0")) {
      release.remove(release.size() - 1);
    }
    return new VersionPrecedence(
        release, dash < 0 ? List.of() : identifiers(version.substring(dash + 1)));
  }

  /**
   * One text per precedence: two labels have the same key exactly when neither outranks the other.
   */
  public String key() {
    String release = String.join(".", this.release);
    return preRelease.isEmpty() ? release : release + "-" + String.join(".", preRelease);
  }

  @Override
  public int compareTo(VersionPrecedence other) {
    int byRelease = compareIdentifiers(release, other.release);
    if (byRelease != 0) {
      return byRelease;
    }
    if (preRelease.isEmpty() || other.preRelease.isEmpty()) {
      return Boolean.compare(preRelease.isEmpty(), other.preRelease.isEmpty());
    }
    return compareIdentifiers(preRelease, other.preRelease);
  }

  /** Lexicographic; a list that is a prefix of the other ranks lower. */
  private static int compareIdentifiers(List<String> left, List<String> right) {
    for (int i = 0; i < Math.min(left.size(), right.size()); i++) {
      int order = compareIdentifier(left.get(i), right.get(i));
      if (order != 0) {
        return order;
      }
    }
    return Integer.compare(left.size(), right.size());
  }

  private static int compareIdentifier(String a, String b) {
    boolean numericA = NUMERIC.matcher(a).matches();
    boolean numericB = NUMERIC.matcher(b).matches();
    if (numericA && numericB) {
      int byLength = Integer.compare(a.length(), b.length());
      return byLength != 0 ? byLength : a.compareTo(b);
    }
    return numericA != numericB ? (numericA ? -1 : 1) : a.compareTo(b);
  }

  /** The dot-separated identifiers of {@code part}, numeric ones without leading zeros. */
  private static List<String> identifiers(String part) {
    List<String> identifiers = new ArrayList<>();
    for (String identifier : Arrays.asList(DOT.split(part, -1))) {
      identifiers.add(
          NUMERIC.matcher(identifier).matches()
              ? identifier.replaceFirst("^0+(?=.)", "")
              : identifier);
    }
    return identifiers;
  }
}
