package io.needlestack.gateway.manager;

import io.needlestack.core.naming.BucketNames;
import io.needlestack.gateway.internal.InternalAnswers;
import io.needlestack.gateway.internal.InternalProtocol;
import io.needlestack.gateway.object.MultipartUploads;
import io.needlestack.gateway.object.ObjectStore;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The node's part of the manager's {@code delete-bucket}, on the internal plane (port and HMAC
 * checked by the internal plane's filter before this runs):
 * {@code POST /_internal/v1/bucket/prepare-delete?bucket=B64} (base64url of the name) does what
 * S3 DeleteBucket does before the record goes, without its access check (the manager's caller is
 * an admin):
 * <ul>
 *   <li>409 {@code {"code":"BucketNotEmpty","message"}} when the bucket still holds an object,
 *       by the very check DeleteBucket makes ({@link ObjectStore#isEmpty}: a listing merged over
 *       the ring's replicas, so a node that does not hold the bucket's keys still answers right);
 *       nothing is changed then</li>
 *   <li>else every open multipart upload of the bucket is aborted (its parts and chunks would
 *       otherwise outlive the bucket, listed by nothing) and the answer is 200
 *       {@code {"bucket","empty":true,"abortedUploads":n}}; the manager then removes the record</li>
 *   <li>400 {@code BadRequest} for a missing or malformed name, 503 {@code StoreUnavailable}
 *       when the listing or an abort fails (too few replicas answered)</li>
 * </ul>
 * Only a node can tell: the manager holds bucket records, not objects, and the replicas' listing
 * merge (newest version per name, tombstones hiding older versions) lives in this application.
 */
@Path("_internal/v1/bucket")
@RequestScoped
public class BucketDeletionResource {

    private static final Logger LOG = Logger.getLogger(BucketDeletionResource.class.getName());
    private static final String JSON = "application/json";

    @Inject
    ObjectStore objects;
    @Inject
    MultipartUploads uploads;

    /** Refuses a bucket that holds objects; aborts the open uploads of an empty one. */
    @POST
    @Path("prepare-delete")
    public Response prepareDelete(@QueryParam("bucket") String bucket) {
        String name;
        try {
            name = bucket == null ? null : InternalProtocol.decode(bucket);
        } catch (IllegalArgumentException e) {
            name = null;
        }
        if (name == null || !BucketNames.isValid(name)) {
            return InternalAnswers.error(400, "BadRequest", "bucket must be the base64url of a valid bucket name");
        }
        try {
            if (!objects.isEmpty(name)) {
                return InternalAnswers.error(409, "BucketNotEmpty", "bucket " + name
                        + " still holds objects: delete them first (S3 DeleteObject), then the bucket");
            }
            int aborted = 0;
            for (MultipartUploads.Upload u : uploads.uploads(name, "", null, Integer.MAX_VALUE)) {
                uploads.abort(u);
                aborted++;
            }
            return Response.ok(Json.createObjectBuilder().add("bucket", name).add("empty", true)
                    .add("abortedUploads", aborted).build().toString(), JSON).build();
        } catch (RuntimeException e) {
            // The store's failures (too few replicas answered, a full or closed store) reach here
            // as various runtime exceptions, some wrapped by the EJB container: the manager only
            // needs to know that nothing was decided, and the log has the cause.
            LOG.log(Level.WARNING, "prepare-delete of bucket " + name + " failed", e);
            return InternalAnswers.error(503, "StoreUnavailable", "could not check or clear bucket " + name + ": " + e.getMessage());
        }
    }

}
