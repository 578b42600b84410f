package com.infrafabric.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class StrictJsonTest {

  private static ApiException refusal(byte[] bytes) {
    try {
      StrictJson.parse(bytes);
    } catch (ApiException e) {
      return e;
    }
    throw new AssertionError("accepted: " + new String(bytes, StandardCharsets.ISO_8859_1));
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"a\":1 // comment\n}",
        "{/* c */\"a\":1}",
        "# hash\n{\"a\":1}",
        "{\"a\":1,}",
        "[1,2,]",
        "{\"a\":NaN}",
        "{\"a\":Infinity}",
        "{\"a\":-Infinity}",
        "{'a':1}",
        "{a:1}",
        "{\"a\":01}",
        "{\"a\":+1}",
        "{\"a\":.5}",
        "{\"a\":\"tab\there\"}",
        "{\"a\":1,\"a\":2}",
        "{\"a\":{\"b\":1,\"b\":1}}",
        "{\"a\":\"\\ud800\"}",
        "{\"\\udc00\":1}",
        "{\"a\":\"\\udc00\\ud800\"}",
        "{} {}",
        "",
        "   ",
        "{\"a\":1}x"
      })
  void refusesEverythingALenientParserWouldRepair(String text) {
    assertThat(refusal(utf8(text)).code()).isEqualTo(ErrorCode.MALFORMED_REQUEST);
  }

  static Stream<Arguments> illFormedUtf8() {
    return Stream.of(
        Arguments.of("overlong slash C0 AF", new byte[] {(byte) 0xC0, (byte) 0xAF}),
        Arguments.of("overlong slash E0 80 AF", new byte[] {(byte) 0xE0, (byte) 0x80, (byte) 0xAF}),
        Arguments.of(
            "overlong slash F0 80 80 AF",
            new byte[] {(byte) 0xF0, (byte) 0x80, (byte) 0x80, (byte) 0xAF}),
        Arguments.of("overlong NUL C0 80", new byte[] {(byte) 0xC0, (byte) 0x80}),
        Arguments.of(
            "encoded surrogate ED A0 80", new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}),
        Arguments.of(
            "past U+10FFFF F4 90 80 80",
            new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}),
        Arguments.of("lone continuation 80", new byte[] {(byte) 0x80}),
        Arguments.of("truncated E2 82", new byte[] {(byte) 0xE2, (byte) 0x82}),
        Arguments.of("invalid FF", new byte[] {(byte) 0xFF}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("illFormedUtf8")
  void refusesIllFormedUtf8InsteadOfDecodingOrReplacingIt(String name, byte[] inside) {
    byte[] prefix = utf8("{\"scope\":\"acme");
    byte[] suffix = utf8("etc\"}");
    byte[] body = new byte[prefix.length + inside.length + suffix.length];
    System.arraycopy(prefix, 0, body, 0, prefix.length);
    System.arraycopy(inside, 0, body, prefix.length, inside.length);
    System.arraycopy(suffix, 0, body, prefix.length + inside.length, suffix.length);

    ApiException e = refusal(body);
    assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_REQUEST);
    assertThat(e.getMessage()).contains("UTF-8");
  }

  @Test
  void boundsNestingDepth() {
    String ok = "[".repeat(StrictJson.MAX_DEPTH) + "]".repeat(StrictJson.MAX_DEPTH);
    assertThat(StrictJson.parse(utf8(ok))).isInstanceOf(JsonArray.class);
    String deep = "[".repeat(StrictJson.MAX_DEPTH + 1) + "]".repeat(StrictJson.MAX_DEPTH + 1);
    assertThat(refusal(utf8(deep)).getMessage()).contains("deeper than " + StrictJson.MAX_DEPTH);
    String huge = "{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000);
    assertThat(refusal(utf8(huge)).code()).isEqualTo(ErrorCode.MALFORMED_REQUEST);
  }

  /**
   * A number written with a power of ten past &plusmn;1000, at its leading digit or its last, is
   * refused, however few its characters: exact arithmetic on {@code 1e60000} (eleven bytes) held a
   * thread for seconds. Up to the bound, numbers read exactly.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "1e2147483648",
        "1e-2147483649",
        "-1E+99999999999",
        "0.5e2147483648",
        "1e60000",
        "1e1001",
        "-1E-1001",
        "0e1001",
        "0.0e-1000",
        "1.2345e-997",
        "15e1000"
      })
  void refusesANumberWrittenWithAPowerOfTenPastTheBound(String number) {
    ApiException e = refusal(utf8("{\"input\":[" + number + "]}"));
    assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_REQUEST);
    assertThat(e.getMessage())
        .isEqualTo("The JSON text holds a number whose decimal exponent is outside -1000..1000.");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"1e1000", "1e-1000", "1.5e1000", "9.99e1000", "-1E+1000", "0.001e-997", "0e1000"})
  void readsANumberUpToTheBoundExactly(String number) {
    JsonArray parsed = (JsonArray) StrictJson.parse(utf8("[" + number + "]"));
    assertThat(parsed.getValue(0)).isEqualTo(new BigDecimal(number));
  }

  @Test
  void namesTheLimitALongIntegerOrNamePasses() {
    String digits = "1".repeat(StrictJson.MAX_NUMBER_LENGTH);
    assertThat(StrictJson.parse(utf8("[" + digits + "]"))).isInstanceOf(JsonArray.class);
    assertThat(refusal(utf8("[" + digits + "1]")).getMessage())
        .contains("number longer than " + StrictJson.MAX_NUMBER_LENGTH);
    String name = "k".repeat(StrictJson.MAX_NAME_LENGTH);
    assertThat(StrictJson.parse(utf8("{\"" + name + "\":1}"))).isInstanceOf(JsonObject.class);
    assertThat(refusal(utf8("{\"" + name + "k\":1}")).getMessage())
        .contains("name longer than " + StrictJson.MAX_NAME_LENGTH);
  }

  @Test
  void keepsNumbersExactAndPairedSurrogatesAndNonAsciiText() {
    JsonObject parsed =
        (JsonObject)
            StrictJson.parse(
                utf8(
                    "{\"i\":7,\"l\":4294967297,\"big\":18446744073709551616,"
                        + "\"f\":0.1,\"e\":1e999,\"s\":\"\\ud83d\\ude00 h\u00e9\",\"n\":null}"));
    assertThat(parsed.getValue("i")).isEqualTo(7);
    assertThat(parsed.getValue("l")).isEqualTo(4294967297L);
    assertThat(parsed.getValue("big")).isEqualTo(new BigInteger("18446744073709551616"));
    assertThat(parsed.getValue("f")).isEqualTo(new BigDecimal("0.1"));
    assertThat(parsed.getValue("e")).isEqualTo(new BigDecimal("1e999"));
    assertThat(parsed.getString("s")).isEqualTo("\uD83D\uDE00 h\u00e9");
    assertThat(parsed.containsKey("n")).isTrue();
  }

  /**
   * Regression: a megabyte of {@code {"limits":{},"x":[{},{},...]}}, some 350,000 empty objects,
   * was built into a tree of some 35 MB before the route refused it; 120 at once stalled the node
   * in GC until its Redis client gave up. The parser now stops at the body's bound of objects and
   * arrays, having built no more than a few of them, which the allocations show.
   */
  @Test
  void aWideBodyIsRefusedAfterBuildingNoMoreThanItsBoundOfValues() {
    byte[] wide = wide("{\"limits\":{},\"x\":[", "{}", 1 << 20);
    long before = allocated();

    ApiException refused =
        catchApiException(() -> StrictJson.parse(wide, StrictJson.MAX_BODY_VALUES));

    long allocated = allocated() - before;
    assertThat(refused.code()).isEqualTo(ErrorCode.MALFORMED_REQUEST);
    assertThat(refused.getMessage())
        .isEqualTo("The JSON text holds more than 2500 objects and arrays.");
    assertThat(allocated)
        .as("bytes allocated: the text decoded once (2 MB of chars) and a bounded tree")
        .isLessThan(8L << 20);
    assertThat(catchApiException(() -> StrictJson.parse(wide)).getMessage())
        .isEqualTo("The JSON text holds more than 32768 objects and arrays.");
  }

  /** Scalars count too, and a free-form body of a megabyte's numbers (token ids) still fits. */
  @Test
  void scalarsCountAgainstTheBoundAndAFreeFormMegabyteOfNumbersFits() {
    byte[] numbers = wide("[", "100000", 1 << 20);

    assertThat(catchApiException(() -> StrictJson.parse(numbers, StrictJson.MAX_BODY_VALUES)))
        .hasMessage("The JSON text holds more than 20000 values.");
    assertThat((JsonArray) StrictJson.parse(numbers)).hasSizeGreaterThan(140_000);
  }

  /** A JSON text of about {@code bytes}: {@code open}, then {@code item} repeated, closed. */
  private static byte[] wide(String open, String item, int bytes) {
    StringBuilder text = new StringBuilder(open).append(item);
    while (text.length() < bytes - item.length() - 3) {
      text.append(',').append(item);
    }
    text.append(']');
    if (open.startsWith("{")) {
      text.append('}');
    }
    return utf8(text.toString());
  }

  private static ApiException catchApiException(Runnable parse) {
    try {
      parse.run();
    } catch (ApiException e) {
      return e;
    }
    throw new AssertionError("accepted");
  }

  /** Bytes this thread has allocated so far (HotSpot's count). */
  private static long allocated() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
        .getCurrentThreadAllocatedBytes();
  }
}
