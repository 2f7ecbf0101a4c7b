package io.needlestack.gateway.object;

import io.needlestack.gateway.s3.error.S3ErrorCode;
import io.needlestack.gateway.s3.error.S3Exception;
import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleKind;
import io.needlestack.storage.store.NeedleRecord;
import io.needlestack.storage.store.NeedleWrite;
import io.needlestack.storage.store.PutResult;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Multipart uploads on needles. An upload is an UPLOAD needle named {@code key\nuploadId}; each
 * part is a PART needle {@code key\nuploadId\nNNNNN} whose data is the manifest of the part's
 * chunks. Completing writes the object's manifest from the parts' chunks: no data is copied.
 */
@ApplicationScoped
public class MultipartUploads {

    /** Smallest part S3 accepts, except for the last one. */
    public static final long MIN_PART_BYTES = 5L * 1024 * 1024;
    /** Highest part number. */
    public static final int MAX_PART_NUMBER = 10_000;

    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    ObjectStore objects;

    /** An upload in progress. */
    public record Upload(String bucket, String key, String uploadId, NeedleRecord record) {
        /** Metadata given at creation. */
        public Map<String, String> metadata() {
            return record.metadata();
        }
    }

    /** One uploaded part. */
    public record Part(int number, String etag, long size, NeedleRecord record) {
    }

    /** A part named by the client in CompleteMultipartUpload. */
    public record PartRef(int number, String etag) {
    }

    /** Starts an upload and returns its id. */
    public String create(String bucket, String key, Map<String, String> meta) {
        byte[] id = new byte[18];
        RANDOM.nextBytes(id);
        String uploadId = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(id);
        Map<String, String> m = new HashMap<>(meta);
        m.put(ObjectAttributes.KEY, key);
        m.put(ObjectAttributes.UPLOAD_ID, uploadId);
        long hlc = objects.now();
        objects.storage().put(new NeedleWrite(uploadKey(bucket, key, uploadId), hlc, ObjectStore.NULL_VERSION, false, m),
                InputStream.nullInputStream(), 0, false);
        return uploadId;
    }

    /** The upload, or NoSuchUpload. */
    public Upload require(String bucket, String key, String uploadId) {
        return objects.storage().head(uploadKey(bucket, key, uploadId))
                .filter(r -> !r.tombstone())
                .map(r -> new Upload(bucket, key, uploadId, r))
                .orElseThrow(() -> new S3Exception(S3ErrorCode.NO_SUCH_UPLOAD).with("UploadId", uploadId));
    }

    /** Stores one part (replacing an earlier upload of the same number) and returns it. */
    public Part uploadPart(Upload upload, int number, InputStream body, long length) {
        long hlc = objects.now();
        String attempt = ObjectStore.newVersionId(hlc);
        MessageDigest md5 = ObjectStore.md5();
        DigestInputStream in = new DigestInputStream(body, md5);
        String base = upload.key() + "\n" + upload.uploadId() + "\n" + partSuffix(number) + "\n" + attempt;
        List<Manifest.Chunk> chunks = objects.writeChunks(upload.bucket(), base, in, length, hlc);
        String etag = HexFormat.of().formatHex(md5.digest());
        Map<String, String> m = new HashMap<>();
        m.put(ObjectAttributes.ETAG, etag);
        m.put(ObjectAttributes.SIZE, Long.toString(length));
        m.put(ObjectAttributes.PART_NUMBER, Integer.toString(number));
        byte[] manifest = new Manifest(chunks).encode();
        PutResult r;
        try {
            r = objects.storage().put(new NeedleWrite(partKey(upload, number), hlc, attempt, false, m),
                    new ByteArrayInputStream(manifest), manifest.length, false);
        } catch (RuntimeException e) {
            objects.deleteChunks(upload.bucket(), chunks);
            throw e;
        }
        for (NeedleRecord old : r.superseded()) {
            if (!old.tombstone()) {
                objects.deleteChunks(upload.bucket(), objects.readManifest(old).chunks());
            }
        }
        return new Part(number, etag, length, r.record());
    }

    /** Parts uploaded so far, in part-number order, after {@code marker}. */
    public List<Part> parts(Upload upload, int marker, int limit) {
        String prefix = upload.key() + "\n" + upload.uploadId() + "\n";
        String after = marker > 0 ? prefix + partSuffix(marker) : null;
        List<Part> out = new ArrayList<>();
        for (NeedleRecord r : objects.storage().list(NeedleKind.PART, upload.bucket(), prefix, after, limit, false)) {
            out.add(new Part(Integer.parseInt(r.metadata().get(ObjectAttributes.PART_NUMBER)),
                    r.metadata().get(ObjectAttributes.ETAG), Long.parseLong(r.metadata().get(ObjectAttributes.SIZE)), r));
        }
        return out;
    }

    /** Uploads in progress in a bucket, by key then upload id. */
    public List<Upload> uploads(String bucket, String prefix, String startAfter, int limit) {
        List<Upload> out = new ArrayList<>();
        for (NeedleRecord r : objects.storage().list(NeedleKind.UPLOAD, bucket, prefix, startAfter, limit, false)) {
            out.add(new Upload(bucket, r.metadata().get(ObjectAttributes.KEY), r.metadata().get(ObjectAttributes.UPLOAD_ID), r));
        }
        return out;
    }

    /**
     * Completes an upload from the parts the client names: checks order, ETags and sizes as S3
     * does, writes the object's manifest if {@code condition} holds for the key's current object
     * (checked under the key's write lock), and removes the upload and every part not used. When
     * the manifest is not written (the condition failed, the storage refused), the upload stays
     * as it was: the client may complete it again or abort it.
     */
    public StoredObject complete(Upload upload, List<PartRef> refs, ObjectPrecondition condition) {
        if (refs.isEmpty()) {
            throw new S3Exception(S3ErrorCode.MALFORMED_XML, "You must specify at least one part");
        }
        Map<Integer, Part> uploaded = new HashMap<>();
        for (Part p : parts(upload, 0, MAX_PART_NUMBER + 1)) {
            uploaded.put(p.number(), p);
        }
        // S3 checks the whole list's order first, then that every part exists, then part sizes.
        int previous = 0;
        for (PartRef ref : refs) {
            if (ref.number() <= previous) {
                throw new S3Exception(S3ErrorCode.INVALID_PART_ORDER);
            }
            previous = ref.number();
        }
        List<Part> chosen = new ArrayList<>(refs.size());
        for (PartRef ref : refs) {
            Part p = uploaded.get(ref.number());
            if (p == null || !p.etag().equals(stripQuotes(ref.etag()))) {
                throw new S3Exception(S3ErrorCode.INVALID_PART).with("UploadId", upload.uploadId())
                        .with("PartNumber", Integer.toString(ref.number()));
            }
            chosen.add(p);
        }
        List<Manifest.Chunk> chunks = new ArrayList<>();
        MessageDigest md5s = ObjectStore.md5();
        for (int i = 0; i < chosen.size(); i++) {
            Part p = chosen.get(i);
            if (i < chosen.size() - 1 && p.size() < MIN_PART_BYTES) {
                throw new S3Exception(S3ErrorCode.ENTITY_TOO_SMALL)
                        .with("ProposedSize", Long.toString(p.size()))
                        .with("MinSizeAllowed", Long.toString(MIN_PART_BYTES))
                        .with("PartNumber", Integer.toString(p.number()))
                        .with("ETag", p.etag());
            }
            md5s.update(HexFormat.of().parseHex(p.etag()));
            chunks.addAll(objects.readManifest(p.record()).chunks());
        }
        Map<String, String> meta = new HashMap<>(upload.metadata());
        meta.remove(ObjectAttributes.KEY);
        meta.remove(ObjectAttributes.UPLOAD_ID);
        meta.put(ObjectAttributes.ETAG, HexFormat.of().formatHex(md5s.digest()) + "-" + refs.size());
        long hlc = objects.now();
        StoredObject done = objects.putManifest(upload.bucket(), upload.key(), new Manifest(chunks), meta, hlc,
                ObjectStore.newVersionId(hlc), condition, false);
        java.util.Set<Integer> used = new java.util.HashSet<>();
        refs.forEach(r -> used.add(r.number()));
        removeUpload(upload, uploaded.values(), used);
        return done;
    }

    /** Aborts an upload: its parts and their chunks are deleted. */
    public void abort(Upload upload) {
        removeUpload(upload, parts(upload, 0, MAX_PART_NUMBER + 1), java.util.Set.of());
    }

    private void removeUpload(Upload upload, java.util.Collection<Part> parts, java.util.Set<Integer> keepChunksOf) {
        long hlc = objects.now();
        for (Part p : parts) {
            if (!keepChunksOf.contains(p.number())) {
                objects.deleteChunks(upload.bucket(), objects.readManifest(p.record()).chunks());
            }
            objects.storage().put(new NeedleWrite(p.record().key(), hlc, p.record().versionId(), true, null),
                    InputStream.nullInputStream(), 0, false);
        }
        objects.storage().put(new NeedleWrite(uploadKey(upload.bucket(), upload.key(), upload.uploadId()), hlc,
                ObjectStore.NULL_VERSION, true, null), InputStream.nullInputStream(), 0, false);
    }

    private static NeedleKey uploadKey(String bucket, String key, String uploadId) {
        return new NeedleKey(NeedleKind.UPLOAD, bucket, key + "\n" + uploadId);
    }

    private static NeedleKey partKey(Upload upload, int number) {
        return new NeedleKey(NeedleKind.PART, upload.bucket(), upload.key() + "\n" + upload.uploadId() + "\n"
                + partSuffix(number));
    }

    /** Zero-padded so parts list in number order. */
    private static String partSuffix(int number) {
        return String.format("%05d", number);
    }

    static String stripQuotes(String etag) {
        if (etag == null) {
            return "";
        }
        String e = etag.trim();
        if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) {
            e = e.substring(1, e.length() - 1);
        }
        return e;
    }
}
