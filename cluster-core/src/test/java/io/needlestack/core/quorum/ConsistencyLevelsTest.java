package io.needlestack.core.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConsistencyLevelsTest {

    @Test
    void defaults() {
        assertEquals(new ConsistencyLevels(3, 2, 2, 2), ConsistencyLevels.CLUSTER_DEFAULT);
        assertTrue(ConsistencyLevels.CLUSTER_DEFAULT.strongReads());
        assertEquals(new ConsistencyLevels(1, 1, 1, 1), ConsistencyLevels.ALL_IN_ONE);
        assertTrue(ConsistencyLevels.ALL_IN_ONE.strongReads());
    }

    @Test
    void strongReadsNeedOverlappingQuorums() {
        assertFalse(new ConsistencyLevels(3, 2, 1, 2).strongReads(), "LeoFS's R=1 is eventually consistent");
        assertTrue(new ConsistencyLevels(3, 3, 1, 2).strongReads());
        assertTrue(new ConsistencyLevels(3, 1, 3, 1).strongReads());
        assertFalse(new ConsistencyLevels(5, 2, 3, 2).strongReads());
    }

    @Test
    void rejectsImpossibleLevels() {
        assertThrows(InvalidConsistencyException.class, () -> new ConsistencyLevels(0, 1, 1, 1));
        assertThrows(InvalidConsistencyException.class, () -> new ConsistencyLevels(3, 4, 2, 2));
        assertThrows(InvalidConsistencyException.class, () -> new ConsistencyLevels(3, 2, 0, 2));
        assertThrows(InvalidConsistencyException.class, () -> new ConsistencyLevels(3, 2, 2, 5));
        InvalidConsistencyException e = assertThrows(InvalidConsistencyException.class,
                () -> ConsistencyLevels.CLUSTER_DEFAULT.withAcks(2, 4, 2));
        assertTrue(e.getMessage().contains("R must be between 1 and N=3"), e.getMessage());
    }

    @Test
    void changingAcksKeepsN() {
        ConsistencyLevels changed = ConsistencyLevels.CLUSTER_DEFAULT.withAcks(3, 1, 1);
        assertEquals(new ConsistencyLevels(3, 3, 1, 1), changed);
    }

    @Test
    void parsesTheCommandLineForm() {
        assertEquals(ConsistencyLevels.CLUSTER_DEFAULT, ConsistencyLevels.parse("3,2,2,2"));
        assertEquals(new ConsistencyLevels(5, 3, 2, 3), ConsistencyLevels.parse(" 5, 3 ,2,3 "));
        assertEquals(ConsistencyLevels.CLUSTER_DEFAULT, ConsistencyLevels.parse(ConsistencyLevels.CLUSTER_DEFAULT.toString()));
        assertThrows(InvalidConsistencyException.class, () -> ConsistencyLevels.parse("3,2,2"));
        assertThrows(InvalidConsistencyException.class, () -> ConsistencyLevels.parse("3,two,2,2"));
        assertThrows(InvalidConsistencyException.class, () -> ConsistencyLevels.parse(null));
        assertThrows(InvalidConsistencyException.class, () -> ConsistencyLevels.parse("1,2,1,1"));
    }
}
