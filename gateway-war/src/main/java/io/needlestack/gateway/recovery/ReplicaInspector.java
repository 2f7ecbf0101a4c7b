package io.needlestack.gateway.recovery;

import io.needlestack.core.ring.Ring;
import io.needlestack.core.ring.RingNode;
import io.needlestack.gateway.cluster.RingView;
import io.needlestack.gateway.object.Manifest;
import io.needlestack.gateway.object.NeedleStorage;
import io.needlestack.gateway.object.ObjectAttributes;
import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleKind;
import io.needlestack.storage.store.NeedleRecord;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code whereis} and {@code recover-file}: asks every replica the ring names for an object (and,
 * when it is chunked, for each of its chunks) which version it holds, and copies the newest to the
 * replicas that lack it. A replica's state is {@code ok} (holds the newest version),
 * {@code tombstone} (holds it and it is a delete marker), {@code stale} (an older version),
 * {@code missing} or {@code unreachable}. A replica's {@code checksum} is the MD5 of the needle's
 * data (for a chunked object, of its manifest; each chunk has its own), {@code etag} the object's
 * S3 ETag from its metadata.
 */
@ApplicationScoped
public class ReplicaInspector {

    private static final Logger LOG = Logger.getLogger(ReplicaInspector.class.getName());

    @Inject
    RingView view;
    @Inject
    NodeRecovery recovery;

    /** One replica's answer. */
    record Answer(RingNode node, NeedleRecord record, String failure) {
    }

    /** The whereis JSON of an object. */
    public String whereis(String bucket, String key) {
        return inspect(bucket, key, false).build().toString();
    }

    /** Repairs an object's replicas and its chunks' replicas now; the whereis JSON afterwards with {@code "copied"}. */
    public String recoverFile(String bucket, String key) {
        return inspect(bucket, key, true).build().toString();
    }

    private JsonObjectBuilder inspect(String bucket, String key, boolean repair) {
        Ring ring = view.ring().orElse(null);
        NeedleKey object = NeedleKey.object(bucket, key);
        int[] copied = {0, 0};
        List<Answer> answers = ask(ring, object);
        if (repair && repairAll(answers, copied)) {
            answers = ask(ring, object);
        }
        Optional<NeedleRecord> newest = newest(answers);
        JsonObjectBuilder out = Json.createObjectBuilder().add("bucket", bucket).add("key", key)
                .add("ringVersion", ring == null ? 0 : ring.version())
                .add("replicas", replicas(answers, newest.orElse(null)));
        if (newest.isPresent()) {
            NeedleRecord n = newest.get();
            out.add("newest", Json.createObjectBuilder().add("version", n.versionId()).add("hlc", n.hlc())
                    .add("checksum", n.md5Hex() == null ? "" : n.md5Hex()).add("tombstone", n.tombstone())
                    .add("size", objectSize(n)).add("etag", n.metadata().getOrDefault(ObjectAttributes.ETAG, "")));
        } else {
            out.addNull("newest");
        }
        boolean chunked = newest.isPresent() && !newest.get().tombstone()
                && "1".equals(newest.get().metadata().get(ObjectAttributes.MANIFEST));
        out.add("chunked", chunked);
        if (chunked) {
            JsonArrayBuilder chunks = Json.createArrayBuilder();
            try {
                for (Manifest.Chunk c : manifest(answers, newest.get()).chunks()) {
                    NeedleKey ck = new NeedleKey(NeedleKind.CHUNK, bucket, c.name());
                    List<Answer> ca = ask(ring, ck);
                    if (repair && repairAll(ca, copied)) {
                        ca = ask(ring, ck);
                    }
                    chunks.add(Json.createObjectBuilder().add("name", c.name()).add("size", c.length())
                            .add("replicas", replicas(ca, newest(ca).orElse(null))));
                }
                out.add("chunks", chunks);
            } catch (RuntimeException | IOException e) {
                out.add("chunks", chunks).add("chunksError", String.valueOf(e));
            }
        }
        if (repair) {
            out.add("copied", copied[0]).add("copyErrors", copied[1]);
        }
        return out;
    }

    /** The object's size: its metadata's for a chunked object (the needle holds only the manifest). */
    private static long objectSize(NeedleRecord r) {
        try {
            return Long.parseLong(r.metadata().getOrDefault(ObjectAttributes.SIZE, Long.toString(r.dataLength())));
        } catch (NumberFormatException e) {
            return r.dataLength();
        }
    }

    private List<Answer> ask(Ring ring, NeedleKey key) {
        List<RingNode> targets = ring == null ? List.of(new RingNode(recovery.selfId(), "", null, 1.0))
                : ring.replicas(key.bucket(), Placement.ringName(key));
        List<Answer> out = new ArrayList<>();
        for (RingNode n : targets) {
            try {
                out.add(new Answer(n, recovery.store(n).head(key).orElse(null), null));
            } catch (RuntimeException e) {
                out.add(new Answer(n, null, String.valueOf(e.getMessage())));
            }
        }
        return out;
    }

    private static Optional<NeedleRecord> newest(List<Answer> answers) {
        NeedleRecord best = null;
        for (Answer a : answers) {
            if (a.record() != null && (best == null || Holding.of(a.record()).isNewerThan(Holding.of(best)))) {
                best = a.record();
            }
        }
        return Optional.ofNullable(best);
    }

    private static String state(Answer a, NeedleRecord newest) {
        if (a.failure() != null) {
            return "unreachable";
        }
        if (a.record() == null) {
            return "missing";
        }
        if (newest != null && Holding.of(a.record()).sameVersion(Holding.of(newest))) {
            return newest.tombstone() ? "tombstone" : "ok";
        }
        return "stale";
    }

    private static JsonArrayBuilder replicas(List<Answer> answers, NeedleRecord newest) {
        JsonArrayBuilder a = Json.createArrayBuilder();
        for (Answer x : answers) {
            JsonObjectBuilder b = Json.createObjectBuilder().add("node", x.node().id()).add("state", state(x, newest));
            NeedleRecord r = x.record();
            if (r != null) {
                b.add("version", r.versionId()).add("hlc", r.hlc()).add("checksum", r.md5Hex() == null ? "" : r.md5Hex())
                        .add("tombstone", r.tombstone()).add("size", r.dataLength())
                        .add("etag", r.metadata().getOrDefault(ObjectAttributes.ETAG, ""));
            } else {
                b.add("version", "").add("hlc", 0).add("checksum", "").add("tombstone", false).add("size", 0);
            }
            if (x.failure() != null) {
                b.add("error", x.failure());
            }
            a.add(b);
        }
        return a;
    }

    /** Copies the newest version to every replica that answered without it; true when anything was copied. */
    private boolean repairAll(List<Answer> answers, int[] copied) {
        Optional<NeedleRecord> newest = newest(answers);
        if (newest.isEmpty()) {
            return false;
        }
        NeedleRecord n = newest.get();
        Holding h = Holding.of(n);
        Answer source = answers.stream().filter(a -> a.record() != null && Holding.of(a.record()).sameVersion(h))
                .findFirst().orElseThrow();
        boolean any = false;
        for (Answer a : answers) {
            if (a.failure() != null || (a.record() != null && Holding.of(a.record()).sameVersion(h))) {
                continue;
            }
            try {
                if (NodeRecovery.copyVersion(h, recovery.store(source.node()), recovery.store(a.node()))) {
                    copied[0]++;
                    any = true;
                }
            } catch (RuntimeException e) {
                copied[1]++;
                LOG.log(Level.INFO, "recover-file: copy of " + n.key() + " to " + a.node().id() + " failed", e);
            }
        }
        return any;
    }

    private Manifest manifest(List<Answer> answers, NeedleRecord newest) throws IOException {
        Holding h = Holding.of(newest);
        IOException last = null;
        for (Answer a : answers) {
            if (a.record() != null && Holding.of(a.record()).sameVersion(h)) {
                NeedleStorage s = recovery.store(a.node());
                try (InputStream in = s.open(a.record(), 0, a.record().dataLength())) {
                    return Manifest.decode(in);
                } catch (IOException | RuntimeException e) {
                    last = e instanceof IOException io ? io : new IOException(e);
                }
            }
        }
        throw last != null ? last : new IOException("no replica holds the manifest");
    }
}
