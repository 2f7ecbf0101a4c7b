package io.needlestack.gateway.s3.error;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every S3 error the gateway may answer with: the code string S3 clients switch on, the HTTP
 * status S3 uses for it, and S3's own default message.
 *
 * <p>The set is closed on purpose: a client library recognises errors by these exact strings
 * (and retries some of them), so nobody invents a code on the spot. {@link #QUOTA_EXCEEDED} is the
 * only code S3 itself does not have; it exists because Needlestack has bucket quotas.
 */
public enum S3ErrorCode {
    ACCESS_DENIED("AccessDenied", 403, "Access Denied"),
    ACCESS_CONTROL_LIST_NOT_SUPPORTED("AccessControlListNotSupported", 400,
            "The bucket does not allow ACLs"),
    ACCOUNT_PROBLEM("AccountProblem", 403,
            "There is a problem with your AWS account that prevents the operation from completing successfully."),
    AMBIGUOUS_GRANT_BY_EMAIL_ADDRESS("AmbiguousGrantByEmailAddress", 400,
            "The email address you provided is associated with more than one account."),
    AUTHORIZATION_HEADER_MALFORMED("AuthorizationHeaderMalformed", 400,
            "The authorization header you provided is invalid."),
    AUTHORIZATION_QUERY_PARAMETERS_ERROR("AuthorizationQueryParametersError", 400,
            "The authorization query parameters you provided are invalid."),
    BAD_DIGEST("BadDigest", 400, "The Content-MD5 you specified did not match what we received."),
    BUCKET_ALREADY_EXISTS("BucketAlreadyExists", 409,
            "The requested bucket name is not available. The bucket namespace is shared by all users "
                    + "of the system. Please select a different name and try again."),
    BUCKET_ALREADY_OWNED_BY_YOU("BucketAlreadyOwnedByYou", 409,
            "Your previous request to create the named bucket succeeded and you already own it."),
    BUCKET_NOT_EMPTY("BucketNotEmpty", 409, "The bucket you tried to delete is not empty"),
    CONDITIONAL_REQUEST_CONFLICT("ConditionalRequestConflict", 409,
            "A conflicting operation occurred. If using PutObject you can retry the request. If using "
                    + "multipart upload you should initiate another CreateMultipartUpload request and re-upload each part."),
    CREDENTIALS_NOT_SUPPORTED("CredentialsNotSupported", 400,
            "This request does not support credentials."),
    ENTITY_TOO_LARGE("EntityTooLarge", 400, "Your proposed upload exceeds the maximum allowed object size."),
    ENTITY_TOO_SMALL("EntityTooSmall", 400, "Your proposed upload is smaller than the minimum allowed object size."),
    EXPIRED_TOKEN("ExpiredToken", 400, "The provided token has expired."),
    ILLEGAL_LOCATION_CONSTRAINT_EXCEPTION("IllegalLocationConstraintException", 400,
            "The unspecified location constraint is incompatible for the region specific endpoint this request was sent to."),
    ILLEGAL_VERSIONING_CONFIGURATION_EXCEPTION("IllegalVersioningConfigurationException", 400,
            "The versioning configuration specified in the request is invalid."),
    INCOMPLETE_BODY("IncompleteBody", 400,
            "You did not provide the number of bytes specified by the Content-Length HTTP header."),
    INLINE_DATA_TOO_LARGE("InlineDataTooLarge", 400, "Inline data exceeds the maximum allowed size."),
    INTERNAL_ERROR("InternalError", 500, "We encountered an internal error. Please try again."),
    INVALID_ACCESS_KEY_ID("InvalidAccessKeyId", 403,
            "The AWS Access Key Id you provided does not exist in our records."),
    INVALID_ARGUMENT("InvalidArgument", 400, "Invalid Argument"),
    INVALID_BUCKET_NAME("InvalidBucketName", 400, "The specified bucket is not valid."),
    INVALID_BUCKET_STATE("InvalidBucketState", 409, "The request is not valid with the current state of the bucket."),
    INVALID_CHUNK_SIZE_ERROR("InvalidChunkSizeError", 400,
            "Only the last chunk is allowed to have a size less than 8192 bytes"),
    INVALID_DIGEST("InvalidDigest", 400, "The Content-MD5 you specified is not valid."),
    INVALID_ENCRYPTION_ALGORITHM_ERROR("InvalidEncryptionAlgorithmError", 400,
            "The encryption request you specified is not valid."),
    INVALID_LOCATION_CONSTRAINT("InvalidLocationConstraint", 400,
            "The specified location constraint is not valid."),
    INVALID_OBJECT_STATE("InvalidObjectState", 403, "The operation is not valid for the object's storage class"),
    INVALID_PART("InvalidPart", 400,
            "One or more of the specified parts could not be found.  The part may not have been uploaded, "
                    + "or the specified entity tag may not match the part's entity tag."),
    INVALID_PART_NUMBER("InvalidPartNumber", 416, "The requested partnumber is not satisfiable"),
    INVALID_PART_ORDER("InvalidPartOrder", 400,
            "The list of parts was not in ascending order. The parts list must be specified in order by part number."),
    INVALID_POLICY_DOCUMENT("InvalidPolicyDocument", 400,
            "The content of the form does not meet the conditions specified in the policy document."),
    INVALID_RANGE("InvalidRange", 416, "The requested range is not satisfiable"),
    INVALID_REQUEST("InvalidRequest", 400, "Invalid Request"),
    INVALID_SECURITY("InvalidSecurity", 403, "The provided security credentials are not valid."),
    INVALID_STORAGE_CLASS("InvalidStorageClass", 400, "The storage class you specified is not valid"),
    INVALID_TAG("InvalidTag", 400, "The tag provided was not a valid tag."),
    INVALID_TARGET_BUCKET_FOR_LOGGING("InvalidTargetBucketForLogging", 400,
            "The target bucket for logging does not exist, is not owned by you, or does not have the appropriate grants for the log-delivery group."),
    INVALID_TOKEN("InvalidToken", 400, "The provided token is malformed or otherwise invalid."),
    INVALID_URI("InvalidURI", 400, "Couldn't parse the specified URI."),
    KEY_TOO_LONG_ERROR("KeyTooLongError", 400, "Your key is too long"),
    MALFORMED_ACL_ERROR("MalformedACLError", 400,
            "The XML you provided was not well-formed or did not validate against our published schema."),
    MALFORMED_POST_REQUEST("MalformedPOSTRequest", 400,
            "The body of your POST request is not well-formed multipart/form-data."),
    MALFORMED_TRAILER_ERROR("MalformedTrailerError", 400,
            "The request contained trailing data that was not well-formed or did not conform to our published schema."),
    MALFORMED_XML("MalformedXML", 400,
            "The XML you provided was not well-formed or did not validate against our published schema."),
    MAX_MESSAGE_LENGTH_EXCEEDED("MaxMessageLengthExceeded", 400, "Your request was too big."),
    MAX_POST_PRE_DATA_LENGTH_EXCEEDED_ERROR("MaxPostPreDataLengthExceededError", 400,
            "Your POST request fields preceding the upload file were too large."),
    METADATA_TOO_LARGE("MetadataTooLarge", 400, "Your metadata headers exceed the maximum allowed metadata size."),
    METHOD_NOT_ALLOWED("MethodNotAllowed", 405, "The specified method is not allowed against this resource."),
    MISSING_CONTENT_LENGTH("MissingContentLength", 411, "You must provide the Content-Length HTTP header."),
    MISSING_REQUEST_BODY_ERROR("MissingRequestBodyError", 400, "Request Body is empty"),
    MISSING_SECURITY_ELEMENT("MissingSecurityElement", 400, "The SOAP 1.1 request is missing a security element."),
    MISSING_SECURITY_HEADER("MissingSecurityHeader", 400, "Your request is missing a required header."),
    NO_SUCH_BUCKET("NoSuchBucket", 404, "The specified bucket does not exist"),
    NO_SUCH_BUCKET_POLICY("NoSuchBucketPolicy", 404, "The bucket policy does not exist"),
    NO_SUCH_CORS_CONFIGURATION("NoSuchCORSConfiguration", 404, "The CORS configuration does not exist"),
    NO_SUCH_KEY("NoSuchKey", 404, "The specified key does not exist."),
    NO_SUCH_LIFECYCLE_CONFIGURATION("NoSuchLifecycleConfiguration", 404, "The lifecycle configuration does not exist"),
    NO_SUCH_OBJECT_LOCK_CONFIGURATION("ObjectLockConfigurationNotFoundError", 404,
            "Object Lock configuration does not exist for this bucket"),
    NO_SUCH_PUBLIC_ACCESS_BLOCK_CONFIGURATION("NoSuchPublicAccessBlockConfiguration", 404,
            "The public access block configuration was not found"),
    NO_SUCH_TAG_SET("NoSuchTagSet", 404, "The TagSet does not exist"),
    NO_SUCH_UPLOAD("NoSuchUpload", 404,
            "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed."),
    NO_SUCH_VERSION("NoSuchVersion", 404, "The specified version does not exist."),
    NO_SUCH_WEBSITE_CONFIGURATION("NoSuchWebsiteConfiguration", 404, "The specified bucket does not have a website configuration"),
    NOT_IMPLEMENTED("NotImplemented", 501, "A header you provided implies functionality that is not implemented"),
    NOT_MODIFIED("NotModified", 304, "Not Modified"),
    OPERATION_ABORTED("OperationAborted", 409,
            "A conflicting conditional operation is currently in progress against this resource. Try again."),
    OWNERSHIP_CONTROLS_NOT_FOUND_ERROR("OwnershipControlsNotFoundError", 404,
            "The bucket ownership controls were not found"),
    PERMANENT_REDIRECT("PermanentRedirect", 301,
            "The bucket you are attempting to access must be addressed using the specified endpoint. "
                    + "Please send all future requests to this endpoint."),
    PRECONDITION_FAILED("PreconditionFailed", 412, "At least one of the pre-conditions you specified did not hold"),
    /** Not an S3 code: a bucket's quota would be exceeded by this write. */
    QUOTA_EXCEEDED("QuotaExceeded", 403, "The bucket's storage quota would be exceeded by this request."),
    REPLICATION_CONFIGURATION_NOT_FOUND_ERROR("ReplicationConfigurationNotFoundError", 404,
            "The replication configuration was not found"),
    REQUEST_IS_NOT_MULTI_PART_CONTENT("RequestIsNotMultiPartContent", 400,
            "Bucket POST must be of the enclosure-type multipart/form-data."),
    REQUEST_TIMEOUT("RequestTimeout", 400,
            "Your socket connection to the server was not read from or written to within the timeout period."),
    REQUEST_TIME_TOO_SKEWED("RequestTimeTooSkewed", 403,
            "The difference between the request time and the current time is too large."),
    SERVER_SIDE_ENCRYPTION_CONFIGURATION_NOT_FOUND_ERROR("ServerSideEncryptionConfigurationNotFoundError", 404,
            "The server side encryption configuration was not found"),
    SERVICE_UNAVAILABLE("ServiceUnavailable", 503, "Service is unable to handle request."),
    SIGNATURE_DOES_NOT_MATCH("SignatureDoesNotMatch", 403,
            "The request signature we calculated does not match the signature you provided. "
                    + "Check your key and signing method."),
    SLOW_DOWN("SlowDown", 503, "Please reduce your request rate."),
    TEMPORARY_REDIRECT("TemporaryRedirect", 307, "You are being redirected to the bucket while DNS updates."),
    TOO_MANY_BUCKETS("TooManyBuckets", 400, "You have attempted to create more buckets than allowed"),
    UNEXPECTED_CONTENT("UnexpectedContent", 400, "This request does not support content"),
    UNRESOLVABLE_GRANT_BY_EMAIL_ADDRESS("UnresolvableGrantByEmailAddress", 400,
            "The email address you provided does not match any account on record."),
    USER_KEY_MUST_BE_SPECIFIED("UserKeyMustBeSpecified", 400,
            "The bucket POST must contain the specified field name. If it is specified, check the order of the fields."),
    X_AMZ_CONTENT_SHA256_MISMATCH("XAmzContentSHA256Mismatch", 400,
            "The provided 'x-amz-content-sha256' header does not match what was computed.");

    private static final Map<String, S3ErrorCode> BY_CODE = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(S3ErrorCode::code, Function.identity()));

    private final String code;
    private final int httpStatus;
    private final String defaultMessage;

    S3ErrorCode(String code, int httpStatus, String defaultMessage) {
        this.code = code;
        this.httpStatus = httpStatus;
        this.defaultMessage = defaultMessage;
    }

    /** The code string of S3's error document, e.g. {@code NoSuchKey}. */
    public String code() {
        return code;
    }

    /** The HTTP status S3 answers this error with. */
    public int httpStatus() {
        return httpStatus;
    }

    /** S3's message for this error when there is nothing more specific to say. */
    public String defaultMessage() {
        return defaultMessage;
    }

    /**
     * Whether a client may simply try again: S3's SDKs retry these (throttling, transient server
     * trouble), so the gateway uses them only when a retry can succeed.
     */
    public boolean retryable() {
        return switch (this) {
            case INTERNAL_ERROR, SERVICE_UNAVAILABLE, SLOW_DOWN, REQUEST_TIMEOUT, OPERATION_ABORTED -> true;
            default -> false;
        };
    }

    /** The constant for an S3 code string, if it is one the gateway knows. */
    public static Optional<S3ErrorCode> fromCode(String code) {
        return Optional.ofNullable(BY_CODE.get(code));
    }
}
