package io.needlestack.gateway.cluster.tombstone;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class TombstonePurgerTest {

    @Test
    void aNodeIsStandaloneWithNoOtherMember() {
        assertTrue(TombstonePurger.standalone(Optional.empty()));
        assertTrue(TombstonePurger.standalone(Optional.of("")));
        assertTrue(TombstonePurger.standalone(Optional.of("127.0.0.1:9080")));
        assertTrue(TombstonePurger.standalone(Optional.of("127.0.0.1:9080,")));
        assertFalse(TombstonePurger.standalone(Optional.of("127.0.0.1:9080,127.0.0.1:9081")));
        assertFalse(TombstonePurger.standalone(Optional.of("10.0.0.1:5701, 10.0.0.2:5701, 10.0.0.3:5701")));
    }
}
