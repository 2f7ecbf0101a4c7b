package io.needlestack.gateway.account;

import io.needlestack.core.account.AccountException;
import io.needlestack.core.account.BucketConflictException;
import io.needlestack.core.account.ManagerUnavailableException;
import io.needlestack.gateway.s3.error.S3ErrorCode;
import io.needlestack.gateway.s3.error.S3Exception;
import java.util.Optional;
import java.util.function.Supplier;

/** Turns manager failures into the S3 errors a client can act on (503 when it cannot be reached). */
final class ManagerCalls {

    /** The user created from the root credentials; it may use every bucket. */
    static final String ROOT_USER = "root";

    private ManagerCalls() {
    }

    static <T> T call(Supplier<T> action) {
        try {
            return action.get();
        } catch (BucketConflictException e) {
            throw e;
        } catch (ManagerUnavailableException e) {
            throw new S3Exception(S3ErrorCode.SERVICE_UNAVAILABLE, "The cluster manager cannot be reached, please retry.");
        } catch (AccountException e) {
            Optional<S3ErrorCode> code = S3ErrorCode.fromCode(e.code());
            throw new S3Exception(code.orElse(S3ErrorCode.INTERNAL_ERROR), e.getMessage());
        }
    }
}
