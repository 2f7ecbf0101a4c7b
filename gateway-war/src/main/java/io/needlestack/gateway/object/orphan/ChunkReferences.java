package io.needlestack.gateway.object.orphan;

import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleKind;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a chunk needle's manifest may be, read from the chunk's name. The object layer names
 * chunks after what they belong to:
 *
 * <pre>
 * key \n versionId \n index                            a PUT's chunk: the manifest is that version of OBJECT key
 * key \n uploadId \n NNNNN \n attempt \n index         an uploaded part's chunk: the manifest is version
 *                                                      attempt of PART key\nuploadId\nNNNNN, and once the
 *                                                      upload is completed the newest version of OBJECT key
 * </pre>
 *
 * S3 keys may contain newlines, so a name can fit both shapes; every reading that fits is
 * returned and a chunk counts as referenced when any of them finds it. A name that fits neither
 * gives no reference at all, and such a chunk is never collected.
 */
public final class ChunkReferences {

    /** A place that may list the chunk. */
    public sealed interface Reference permits Version, NewestManifest {
    }

    /**
     * The chunk belongs to one version of a needle (an object's PUT, or one upload of a part): it
     * is referenced while that version exists and is not a tombstone.
     */
    public record Version(NeedleKey owner, String versionId) implements Reference {
    }

    /**
     * The chunk may be listed by the manifest of the newest version of an object (a part's chunk
     * after its upload was completed: completing copies no data, the object's manifest lists the
     * parts' chunks).
     */
    public record NewestManifest(NeedleKey object) implements Reference {
    }

    private ChunkReferences() {
    }

    /** The readings of a chunk's name, most specific first; empty when the name fits no shape. */
    public static List<Reference> of(NeedleKey chunk) {
        if (chunk.kind() != NeedleKind.CHUNK) {
            throw new IllegalArgumentException("not a chunk: " + chunk);
        }
        String[] f = chunk.name().split("\n", -1);
        int n = f.length;
        List<Reference> out = new ArrayList<>(3);
        if (n >= 5 && digits(f[n - 1]) && f[n - 3].length() == 5 && digits(f[n - 3]) && !f[n - 2].isEmpty()) {
            out.add(new Version(new NeedleKey(NeedleKind.PART, chunk.bucket(), join(f, n - 2)), f[n - 2]));
            out.add(new NewestManifest(NeedleKey.object(chunk.bucket(), join(f, n - 4))));
        }
        if (n >= 3 && digits(f[n - 1]) && !f[n - 2].isEmpty()) {
            out.add(new Version(NeedleKey.object(chunk.bucket(), join(f, n - 2)), f[n - 2]));
        }
        return out;
    }

    private static String join(String[] fields, int count) {
        return String.join("\n", java.util.Arrays.asList(fields).subList(0, count));
    }

    private static boolean digits(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
