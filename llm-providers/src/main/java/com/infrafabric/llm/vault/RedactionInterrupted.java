package com.infrafabric.llm.vault;

/**
 * Thrown by a {@link Redactor} whose thread was interrupted while it redacted: the work is stopped
 * with the thread's other work (a guest past its deadline or CPU time), and what was being redacted
 * must not be released, since it is not known to be clean. The interrupt stays set.
 */
public final class RedactionInterrupted extends RuntimeException {

  RedactionInterrupted() {
    super("redaction was interrupted", null, false, false);
  }
}
