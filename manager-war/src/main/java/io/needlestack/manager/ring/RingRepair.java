package io.needlestack.manager.ring;

import io.needlestack.core.ring.Ring;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * The active manager's ring audit, one {@link #check} per heartbeat round: the published ring
 * (Hazelcast) must be the stored one, and every live node must report the stored ring's
 * checksum. A wrong publication (a stale writer, a split-brain merge) is repaired at once; a
 * node that reports another checksum is repaired when it still does one round later, since a
 * node that just took a new ring reports it only at its next heartbeat. Each repair is logged
 * (one INFO line, {@code ring mismatch repaired: ...}) and counted for the status page.
 */
public final class RingRepair {

    private static final Logger LOG = Logger.getLogger(RingRepair.class.getName());

    private final AtomicLong count = new AtomicLong();
    private volatile Map<String, String> previousRound = Map.of();
    private volatile Instant last;
    private volatile String lastReason = "";
    private volatile List<String> lastNodes = List.of();

    /**
     * What is wrong this round, or null when nothing needs a repair.
     *
     * @param stored        the stored ring
     * @param storedText    its publication text
     * @param publishedText what the publication map holds (null when nothing)
     * @param reported      live nodes reporting another checksum than the stored ring's: id to checksum
     */
    public synchronized String check(Ring stored, String storedText, String publishedText, Map<String, String> reported) {
        Map<String, String> persisting = new TreeMap<>();
        reported.forEach((id, ck) -> {
            if (ck.equals(previousRound.get(id))) {
                persisting.put(id, ck);
            }
        });
        previousRound = Map.copyOf(reported);
        String storedDesc = "the stored ring v" + stored.version() + " " + stored.checksumHex();
        if (!storedText.equals(publishedText)) {
            return "the publication map held " + describe(publishedText) + " instead of " + storedDesc
                    + (reported.isEmpty() ? "" : "; nodes reporting another ring: " + reported);
        }
        if (!persisting.isEmpty()) {
            return "nodes report another ring than " + storedDesc + " for two rounds: " + persisting;
        }
        return null;
    }

    private static String describe(String text) {
        if (text == null) {
            return "no ring";
        }
        try {
            Ring r = io.needlestack.core.ring.RingPublication.fromText(text);
            return "ring v" + r.version() + " " + r.checksumHex();
        } catch (io.needlestack.core.ring.RingFormatException e) {
            return "an unreadable ring";
        }
    }

    /** Records (and logs) a repair made for {@code reason}. */
    public void repaired(String reason, Collection<String> nodes) {
        count.incrementAndGet();
        // The nodes get two rounds again to take the re-published ring before they count.
        previousRound = Map.of();
        last = Instant.now();
        lastReason = reason;
        lastNodes = List.copyOf(Set.copyOf(nodes));
        LOG.info(() -> "ring mismatch repaired (re-published the stored ring): " + reason);
    }

    /** How many repairs this manager made. */
    public long count() {
        return count.get();
    }

    /** For status: {@code {"count","last","reason","nodes":[..]}}. */
    public JsonObject json() {
        JsonArrayBuilder nodes = Json.createArrayBuilder();
        lastNodes.stream().sorted().forEach(nodes::add);
        Instant l = last;
        return Json.createObjectBuilder().add("count", count.get()).add("last", l == null ? "" : l.toString())
                .add("reason", lastReason).add("nodes", nodes).build();
    }
}
