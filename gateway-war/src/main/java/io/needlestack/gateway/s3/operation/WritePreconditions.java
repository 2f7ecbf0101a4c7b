package io.needlestack.gateway.s3.operation;

import io.needlestack.gateway.object.ObjectPrecondition;
import io.needlestack.gateway.s3.error.S3ErrorCode;
import io.needlestack.gateway.s3.error.S3Exception;
import io.needlestack.gateway.s3.http.S3Request;
import java.util.List;
import java.util.Optional;

/**
 * The conditions of a conditional write, as S3 takes them on PutObject, CopyObject (for the
 * destination) and CompleteMultipartUpload (DeleteObject and DeleteObjects take If-Match only):
 *
 * <ul>
 *   <li>{@code If-None-Match: *}: the write happens only if the key has no object (a delete
 *       marker counts as none); otherwise {@code 412 PreconditionFailed}. Any other value is
 *       {@code 501 NotImplemented}: S3 takes only {@code *} here.</li>
 *   <li>{@code If-Match: "etag"} (several, or {@code *}, as in RFC 9110): the write happens only
 *       if the key's object has that ETag; {@code 412 PreconditionFailed} if it has another,
 *       {@code 404 NoSuchKey} if there is none.</li>
 * </ul>
 *
 * <p>They are evaluated by {@code ObjectStore} under the key's write lock, so two writers
 * racing with {@code If-None-Match: *} cannot both succeed; a writer that waits too long for the
 * lock gets {@code 409 ConditionalRequestConflict}.
 */
final class WritePreconditions {

    private WritePreconditions() {
    }

    /** Conditions S3 takes on a delete of directory buckets only, refused rather than ignored. */
    private static final List<String> DIRECTORY_BUCKET_DELETE_CONDITIONS = List.of(
            "x-amz-if-match-last-modified-time", "x-amz-if-match-size");

    /** The request's write conditions, {@link ObjectPrecondition#NONE} when it has none. */
    static ObjectPrecondition of(S3Request req) {
        Optional<String> ifNoneMatch = req.header("if-none-match").map(String::trim);
        Optional<String> ifMatch = req.header("if-match").map(String::trim);
        if (ifNoneMatch.isEmpty() && ifMatch.isEmpty()) {
            return ObjectPrecondition.NONE;
        }
        if (ifNoneMatch.isPresent() && !ifNoneMatch.get().equals("*")) {
            throw new S3Exception(S3ErrorCode.NOT_IMPLEMENTED,
                    "If-None-Match on a write takes only '*' (write only if the key has no object).", req.resource());
        }
        ObjectPrecondition match = ifMatch.map(etag -> ifMatch(etag, req.resource(), req.key()))
                .orElse(ObjectPrecondition.NONE);
        String resource = req.resource();
        return current -> {
            match.check(current);
            if (ifNoneMatch.isPresent() && current.isPresent()) {
                throw new S3Exception(S3ErrorCode.PRECONDITION_FAILED, null, resource).with("Condition", "If-None-Match");
            }
        };
    }

    /**
     * The conditions of DeleteObject, as S3 takes them on general purpose buckets (since
     * 2025): {@code If-Match} only. {@code If-None-Match} and the directory buckets' conditions
     * are {@code 501 NotImplemented}: ignoring them would delete what the client meant to keep.
     */
    static ObjectPrecondition ofDelete(S3Request req) {
        if (req.header("if-none-match").isPresent()) {
            throw new S3Exception(S3ErrorCode.NOT_IMPLEMENTED, "DeleteObject takes If-Match, not If-None-Match.",
                    req.resource());
        }
        for (String h : DIRECTORY_BUCKET_DELETE_CONDITIONS) {
            if (req.header(h).isPresent()) {
                throw new S3Exception(S3ErrorCode.NOT_IMPLEMENTED, h + " is taken by directory buckets only.",
                        req.resource());
            }
        }
        return req.header("if-match").map(String::trim).map(etag -> ifMatch(etag, req.resource(), req.key()))
                .orElse(ObjectPrecondition.NONE);
    }

    /**
     * {@code If-Match: etag} (several ETags, or {@code *}): the key's object must exist
     * ({@code 404 NoSuchKey}) and have one of them ({@code 412 PreconditionFailed}); DeleteObjects
     * takes it from an object's {@code ETag} element.
     */
    static ObjectPrecondition ifMatch(String etags, String resource, String key) {
        return current -> {
            if (current.isEmpty()) {
                throw new S3Exception(S3ErrorCode.NO_SUCH_KEY, null, resource).with("Key", key);
            }
            if (!Preconditions.etagMatches(etags, current.get().etag())) {
                throw new S3Exception(S3ErrorCode.PRECONDITION_FAILED, null, resource).with("Condition", "If-Match");
            }
        };
    }
}
