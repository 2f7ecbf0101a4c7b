package io.needlestack.core.platform;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StartupBeansTest {

    private final StartupBeans beans = new StartupBeans("gateway", List.of(String.class, Integer.class, Long.class));

    @Test
    void everyBeanPresentPasses() {
        assertDoesNotThrow(() -> beans.requirePresent(c -> true));
    }

    @Test
    void theMessageNamesEveryMissingBeanAndOnlyThose() {
        Set<Class<?>> present = Set.of(Integer.class);
        StartupBeans.MissingStartupBeansException e = assertThrows(StartupBeans.MissingStartupBeansException.class,
                () -> beans.requirePresent(present::contains));
        assertTrue(e.getMessage().startsWith("the gateway deployed without [java.lang.String, java.lang.Long]"),
                e.getMessage());
    }

    @Test
    void theListIsACopy() {
        assertEquals(3, beans.beans().size());
        assertThrows(UnsupportedOperationException.class, () -> beans.beans().add(Object.class));
    }
}
