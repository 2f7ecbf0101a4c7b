package io.needlestack.gateway.s3.operation;

import io.needlestack.gateway.object.ObjectPrecondition;
import io.needlestack.gateway.s3.error.S3ErrorCode;
import io.needlestack.gateway.s3.error.S3Exception;
import io.needlestack.gateway.s3.http.S3Request;
import java.util.Optional;

/**
 * The conditions of a conditional write, as S3 takes them on PutObject, CopyObject (for the
 * destination) and CompleteMultipartUpload:
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
        String resource = req.resource();
        return current -> {
            if (ifMatch.isPresent()) {
                if (current.isEmpty()) {
                    throw new S3Exception(S3ErrorCode.NO_SUCH_KEY, null, resource).with("Key", req.key());
                }
                if (!Preconditions.etagMatches(ifMatch.get(), current.get().etag())) {
                    throw new S3Exception(S3ErrorCode.PRECONDITION_FAILED, null, resource).with("Condition", "If-Match");
                }
            }
            if (ifNoneMatch.isPresent() && current.isPresent()) {
                throw new S3Exception(S3ErrorCode.PRECONDITION_FAILED, null, resource).with("Condition", "If-None-Match");
            }
        };
    }
}
