package io.needlestack.gateway.s3.operation;

import io.needlestack.gateway.object.ObjectStore;
import io.needlestack.gateway.s3.http.S3Request;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

/**
 * DeleteObject: writes a tombstone; deleting an absent key succeeds, as in S3. With
 * {@code If-Match} only if the key's object has that ETag ({@link WritePreconditions#ofDelete}).
 */
@ApplicationScoped
public class DeleteObject {

    @Inject
    BucketAccess access;
    @Inject
    ObjectStore objects;

    /** Handles {@code DELETE /bucket/key}. */
    public Response handle(S3Request req) {
        Bucket b = access.require(req);
        PutObject.requireKey(req);
        Unsupported.requireNullVersion(req);
        objects.delete(b.name(), req.key(), WritePreconditions.ofDelete(req));
        return Response.noContent().build();
    }
}
