package io.needlestack.core.ring;

import static io.needlestack.core.ring.RingFixtures.ids;
import static io.needlestack.core.ring.RingFixtures.nodes;
import static io.needlestack.core.ring.RingFixtures.racked;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class RebalancePlanTest {

    @ParameterizedTest
    @ValueSource(ints = {3, 4, 5, 6, 8, 10})
    void addingANodeMovesAboutOneOverKPlusOneAndOnlyToIt(int k) {
        Ring before = new Ring(1, 3, Ring.DEFAULT_VNODES, nodes(k));
        Ring after = RingBuilder.from(before).attach(RingNode.of("new", "http://new:9081")).build();
        RebalancePlan plan = RebalancePlan.between(before, after);
        double expected = 1.0 / (k + 1);
        assertEquals(expected, plan.movedFraction(), 0.2 * expected, "moved with " + k + " -> " + (k + 1));
        assertEquals(Math.min(1.0, 3.0 / (k + 1)), plan.changedFraction(), 0.2 * Math.min(1.0, 3.0 / (k + 1)));
        assertEquals(after.ownership().get("new") / 3, plan.movedFraction(), 1e-9,
                "what moves is exactly what the new node holds");
        for (RebalancePlan.Change c : plan.changes()) {
            assertEquals(List.of("new"), c.targets(), "only the added node receives data");
            assertEquals(1, c.releasing().size(), "one old owner lets go of " + c.range());
            assertFalse(c.releasing().contains("new"));
        }
        assertEquals(plan.changes(), plan.moves());
        assertEquals(plan.changes(), plan.removals());
        assertEquals(plan.moves(), plan.movesTo("new"));
        assertTrue(plan.movesTo("n1").isEmpty());
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 5, 6, 8, 10})
    void removingANodeMovesAboutOneOverKAndOnlyItsData(int k) {
        Ring before = new Ring(1, 3, Ring.DEFAULT_VNODES, nodes(k));
        Ring after = RingBuilder.from(before).detach("n2").build();
        RebalancePlan plan = RebalancePlan.between(before, after);
        double expected = 1.0 / k;
        assertEquals(expected, plan.movedFraction(), 0.2 * expected, "moved with " + k + " -> " + (k - 1));
        assertEquals(before.ownership().get("n2") / 3, plan.movedFraction(), 1e-9);
        for (RebalancePlan.Change c : plan.changes()) {
            assertEquals(List.of("n2"), c.releasing(), "only the detached node lets go");
            assertEquals(1, c.targets().size());
            assertTrue(c.sources().contains("n2"));
        }
    }

    @Test
    void rackAwareAddStillOnlyFeedsTheNewNode() {
        Ring before = new Ring(1, 3, Ring.DEFAULT_VNODES, racked(6, 3));
        Ring after = RingBuilder.from(before).attach(new RingNode("n7", "http://n7:9081", "rack1", 1.0)).build();
        RebalancePlan plan = RebalancePlan.between(before, after);
        plan.changes().forEach(c -> assertEquals(List.of("n7"), c.targets()));
        // With three racks and N=3 every rack holds one copy of everything, so n7 takes a third of
        // rack1's copy: a ninth of the data, not a seventh.
        assertEquals(1.0 / 9, plan.movedFraction(), 0.2 / 9);
        assertEquals(after.ownership().get("n7") / 3, plan.movedFraction(), 1e-9);
    }

    @ParameterizedTest
    @ValueSource(strings = {"add", "remove", "racks", "weight"})
    void changesAreExactlyTheKeysWhoseReplicaSetsChanged(String scenario) {
        Ring before = new Ring(1, 3, Ring.DEFAULT_VNODES, scenario.equals("racks") ? racked(6, 3) : nodes(6));
        Ring after = switch (scenario) {
            case "add" -> RingBuilder.from(before).attach(RingNode.of("n7", "")).build();
            case "remove" -> RingBuilder.from(before).detach("n4").build();
            case "racks" -> RingBuilder.from(before).attach(new RingNode("n7", "", "rack0", 1.0)).detach("n1").build();
            default -> RingBuilder.from(before).update(new RingNode("n3", "", null, 1.5)).build();
        };
        RebalancePlan plan = RebalancePlan.between(before, after);
        assertFalse(plan.isEmpty());
        Random random = new Random(scenario.hashCode());
        int samples = 100_000;
        int changed = 0;
        for (int i = 0; i < samples; i++) {
            Token t = i % 2 == 0 ? new Token(random.nextLong(), random.nextLong()) : Token.of("b", "k" + i);
            List<String> old = ids(before.replicas(t));
            List<String> now = ids(after.replicas(t));
            Optional<RebalancePlan.Change> c = plan.changeAt(t);
            boolean differs = !Set.copyOf(old).equals(Set.copyOf(now));
            assertEquals(differs, c.isPresent(), "plan and rings disagree at " + t);
            if (differs) {
                changed++;
                assertTrue(c.get().range().contains(t));
                assertEquals(old, c.get().previousOwners());
                assertEquals(now, c.get().nextOwners());
                if (i % 10 == 0) {
                    assertEquals(plan.changes().stream().filter(x -> x.range().contains(t)).toList(), List.of(c.get()));
                }
            } else if (i % 10 == 0) {
                assertTrue(plan.changes().stream().noneMatch(x -> x.range().contains(t)));
            }
        }
        assertEquals(plan.changedFraction(), (double) changed / samples, 0.01);
    }

    @Test
    void changesAreDisjointAndMerged() {
        Ring before = new Ring(1, 3, Ring.DEFAULT_VNODES, nodes(5));
        Ring after = RingBuilder.from(before).attach(RingNode.of("n6", "")).build();
        RebalancePlan plan = RebalancePlan.between(before, after);
        BigInteger total = BigInteger.ZERO;
        List<RebalancePlan.Change> changes = plan.changes();
        for (int i = 0; i < changes.size(); i++) {
            total = total.add(changes.get(i).range().size());
            if (i > 0) {
                RebalancePlan.Change prev = changes.get(i - 1);
                boolean adjacent = prev.range().end().equals(changes.get(i).range().start());
                assertFalse(adjacent && prev.previousOwners().equals(changes.get(i).previousOwners())
                        && prev.nextOwners().equals(changes.get(i).nextOwners()), "adjacent equal changes are merged");
            }
        }
        assertTrue(total.compareTo(Token.SPACE) < 0);
        assertEquals(plan.changedFraction(), total.doubleValue() / Token.SPACE.doubleValue(), 1e-9);
    }

    @Test
    void readsFallBackToOldOwnersWritesGoToNewOnes() {
        Ring before = new Ring(1, 3, Ring.DEFAULT_VNODES, nodes(4));
        Ring after = RingBuilder.from(before).attach(RingNode.of("n5", "")).build();
        RebalancePlan plan = RebalancePlan.between(before, after);
        Random random = new Random(5);
        int moved = 0;
        for (int i = 0; i < 5_000; i++) {
            Token t = new Token(random.nextLong(), random.nextLong());
            assertEquals(after.replicas(t), plan.writeTargets(t));
            List<String> reads = ids(plan.readTargets(t));
            assertEquals(ids(after.replicas(t)), reads.subList(0, after.replicas(t).size()), "new owners first");
            assertEquals(reads.size(), Set.copyOf(reads).size(), "no node twice");
            assertTrue(reads.containsAll(ids(before.replicas(t))), "old owners follow");
            if (plan.changeAt(t).isPresent()) {
                moved++;
                assertEquals(4, reads.size());
            } else {
                assertEquals(3, reads.size());
            }
        }
        assertTrue(moved > 0);
    }

    @Test
    void identicalRingsAndTheFirstRing() {
        Ring ring = new Ring(1, 3, Ring.DEFAULT_VNODES, nodes(4));
        RebalancePlan none = RebalancePlan.between(ring, new Ring(2, 3, Ring.DEFAULT_VNODES, nodes(4)));
        assertTrue(none.isEmpty());
        assertEquals(0.0, none.movedFraction());
        assertEquals(Optional.empty(), none.changeAt(Token.MAX));

        RebalancePlan first = RebalancePlan.between(Ring.empty(3), ring);
        assertTrue(first.moves().isEmpty(), "nothing to copy onto a first ring");
        assertTrue(first.removals().isEmpty());
        assertEquals(1.0, first.changedFraction(), 1e-9);
    }
}
