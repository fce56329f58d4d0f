package io.xqbus;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What Filter and FilterSet refuse at compile and set-up time, through the public API (issue 22). */
class FilterRulesTest {

    @Test
    void aQueryNestedTooDeeplyIsACompileErrorNotAStackOverflow() {
        String deep = "(".repeat(20_000) + "1" + ")".repeat(20_000);
        FilterCompileException e = assertThrows(FilterCompileException.class, () -> Filter.compile("deep", deep));
        assertTrue(e.getMessage().contains("nested too deeply"), e.getMessage());
        assertTrue(e.getMessage().contains("<query deep>"), "it names the filter's source: " + e.getMessage());
    }
}
