package com.infrafabric.platform.ratelimit;

import com.infrafabric.platform.testing.ScriptArgsAssertions;
import org.junit.jupiter.api.Test;

class BucketCasScriptTest {

  @Test
  void theCompareAndSwapScriptReadsItsArgumentsByName() {
    ScriptArgsAssertions.assertReadsArgumentsByName(RedisBucketStore.CAS);
  }
}
