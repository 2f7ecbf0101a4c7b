package io.needlestack.gateway.s3.auth;

import io.needlestack.gateway.s3.error.S3ErrorCode;
import io.needlestack.gateway.s3.error.S3Exception;
import org.junit.jupiter.api.function.Executable;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The example credentials of the AWS documentation, and assertion helpers. */
final class AuthFixtures {

    static final String ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE";
    static final String SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    static final Credential CREDENTIAL = new Credential(ACCESS_KEY, SECRET_KEY, "u-1", "example");
    static final CredentialStore STORE = id -> ACCESS_KEY.equals(id) ? Optional.of(CREDENTIAL) : Optional.empty();

    private AuthFixtures() {
    }

    static Authenticator authenticatorAt(String isoInstant) {
        return new Authenticator(STORE, "us-east-1", Clock.fixed(Instant.parse(isoInstant), ZoneOffset.UTC));
    }

    static S3Exception expectS3(S3ErrorCode code, Executable call) {
        S3Exception e = assertThrows(S3Exception.class, call);
        assertEquals(code, e.errorCode(), () -> "got " + e);
        return e;
    }

    static S3PayloadException expectPayload(S3ErrorCode code, Executable call) {
        S3PayloadException e = assertThrows(S3PayloadException.class, call);
        assertEquals(code, e.errorCode(), () -> "got " + e.errorCode() + ": " + e.getMessage());
        return e;
    }

    /** Reads the whole payload the way a store would: in 8 KiB reads. */
    static byte[] readAll(AuthResult auth, byte[] raw) throws IOException {
        try (InputStream in = auth.payload(new ByteArrayInputStream(raw))) {
            return in.readAllBytes();
        }
    }
}
